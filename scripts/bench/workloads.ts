/**
 * The four workloads both systems run, written once against `BenchTarget`
 * so that mycel and BullMQ are timed and checked by the same code:
 *
 *   noop    n no-op tasks submitted at once: tasks per second;
 *   serial  n no-op tasks one after another: round trip p50 and p99 in ms;
 *   cpu     n tasks of 10 ms CPU on 2 one-slot workers: makespan against
 *           the ideal n × 10 ms / 2;
 *   data    n tasks each hashing its own 1 MiB input, the puts included:
 *           MiB/s, and the share that ran where the input was.
 *
 * Every result is checked; a wrong one throws, so a fast wrong answer fails
 * the run instead of counting.
 */
import { createHash, randomBytes } from 'node:crypto'
import { median } from '../figures.js'

export const WORKLOADS = ['noop', 'serial', 'cpu', 'data'] as const
export type Workload = (typeof WORKLOADS)[number]

/** Tasks per workload in a full run; a smaller run scales them down. */
export const FULL_COUNTS: Record<Workload, number> = {
  noop: 5_000,
  serial: 500,
  cpu: 400,
  data: 200
}

/** The task counts of a run at `scale` (1 is a full run). */
export function counts(scale: number): Record<Workload, number> {
  return Object.fromEntries(
    WORKLOADS.map((w) => [w, Math.max(4, Math.round(FULL_COUNTS[w] * scale))])
  ) as Record<Workload, number>
}

/**
 * How long one run of `n` tasks may take on one system before the bench
 * gives up on it, in ms: a minute, plus 50 ms a task.
 */
export function runTimeout(n: number): number {
  return 60_000 + 50 * n
}

/** CPU each task of the cpu workload spins for, in ms. */
export const SPIN_MS = 10
/** One-slot workers each system runs on. */
export const WORKERS = 2
/** Size of each input of the data workload. */
export const INPUT_BYTES = 1024 * 1024

/** What a system must offer to run the workloads. */
export interface BenchTarget {
  /** Runs one task of `kind` per entry of `args`, all submitted at once; the results in order. */
  many(kind: 'echo' | 'spin', args: number[]): Promise<unknown[]>
  /** Runs one `echo` task and waits for its result. */
  one(args: number): Promise<unknown>
  /** Stores the input of a later task; resolves with what the task is given to find it. */
  put(bytes: Uint8Array): Promise<unknown>
  /** Hashes each stored input in a task of its own, all at once; hex digests in order. */
  hash(refs: unknown[]): Promise<string[]>
  /** Of the tasks of the last `hash`, how many ran where their input was stored (untimed). */
  local?(refs: unknown[]): Promise<number>
}

export interface Figures {
  tasks: number
  /** The workload's headline figure: tasks/s, p50 ms, efficiency or MiB/s. */
  value: number
  /** noop: tasks/s; serial: p50/p99 ms; cpu: makespan/ideal s; data: MiB/s and local share. */
  [figure: string]: number
}

export function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`wrong result: ${what}`)
}

export async function runWorkload(
  target: BenchTarget,
  workload: Workload,
  n: number
): Promise<Figures> {
  switch (workload) {
    case 'noop':
      return noop(target, n)
    case 'serial':
      return serial(target, n)
    case 'cpu':
      return cpu(target, n)
    case 'data':
      return data(target, n)
  }
}

async function noop(target: BenchTarget, n: number): Promise<Figures> {
  const args = Array.from({ length: n }, (_, i) => i)
  const start = performance.now()
  const results = await target.many('echo', args)
  const seconds = (performance.now() - start) / 1000

  for (const [i, result] of results.entries()) {
    check(result === i, `echo ${i} gave ${JSON.stringify(result)}`)
  }
  const perSecond = Math.round(n / seconds)

  return { tasks: n, value: perSecond, perSecond }
}

async function serial(target: BenchTarget, n: number): Promise<Figures> {
  const times: number[] = []

  for (let i = 0; i < n; i++) {
    const start = performance.now()
    const result = await target.one(i)
    times.push(performance.now() - start)
    check(result === i, `echo ${i} gave ${JSON.stringify(result)}`)
  }

  const p50 = round(median(times))

  return { tasks: n, value: p50, p50, p99: round(percentile(times, 0.99)) }
}

async function cpu(target: BenchTarget, n: number): Promise<Figures> {
  const start = performance.now()
  const results = await target.many(
    'spin',
    Array.from({ length: n }, () => SPIN_MS)
  )
  const makespan = (performance.now() - start) / 1000

  for (const result of results) {
    check(
      (result as { spun?: number } | null)?.spun === SPIN_MS,
      `spin gave ${JSON.stringify(result)}`
    )
  }

  const ideal = (n * SPIN_MS) / 1000 / WORKERS
  const efficiency = round(ideal / makespan)

  return { tasks: n, value: efficiency, efficiency, makespan: round(makespan), ideal }
}

async function data(target: BenchTarget, n: number): Promise<Figures> {
  const inputs = Array.from({ length: n }, () => randomBytes(INPUT_BYTES))
  const start = performance.now()
  const refs: unknown[] = []

  for (const bytes of inputs) {
    refs.push(await target.put(bytes))
  }

  const put = (performance.now() - start) / 1000
  const digests = await target.hash(refs)
  const seconds = (performance.now() - start) / 1000

  for (const [i, digest] of digests.entries()) {
    const expected = createHash('sha256')
      .update(inputs[i] as Buffer)
      .digest('hex')
    check(digest === expected, `sha256 of input ${i} gave ${digest}`)
  }

  const mibPerSecond = round((n * INPUT_BYTES) / (1024 * 1024) / seconds)
  const figures: Figures = {
    tasks: n,
    value: mibPerSecond,
    mibPerSecond,
    putSeconds: round(put),
    runSeconds: round(seconds - put)
  }

  if (target.local !== undefined) {
    figures.local = round((await target.local(refs)) / n)
  }

  return figures
}

/** The value below which a share `q` of the sorted-or-not `values` lie. */
export function percentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b)

  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? Number.NaN
}

export function round(n: number): number {
  return Math.round(n * 100) / 100
}
