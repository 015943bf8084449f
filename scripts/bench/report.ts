/**
 * What the benchmark reports: the median of each figure over the runs, the
 * ratio mycel/BullMQ, the targets with how far each is from being met, and
 * a Markdown table of it all.
 */
import { median } from '../figures.js'
import { round, type Workload } from './workloads.js'

/** Figures of one workload on one system, one entry per run. */
export type Runs = Record<string, number>[]

/** Each figure's median over the runs. */
export function medians(runs: Runs): Record<string, number> {
  const names = new Set(runs.flatMap((run) => Object.keys(run)))

  return Object.fromEntries(
    [...names].map((name) => [name, round(median(runs.map((r) => r[name] ?? Number.NaN)))])
  )
}

export interface Target {
  what: string
  /** The figure measured. */
  value: number
  /** The bound it must reach. */
  bound: number
  /** Whether the figure must be at least (`>=`) or at most (`<=`) the bound. */
  sense: '>=' | '<='
  met: boolean
  /** How far from the bound, as a share of it: positive is the margin, negative the shortfall. */
  margin: number
}

export function target(what: string, value: number, sense: '>=' | '<=', bound: number): Target {
  const met = sense === '>=' ? value >= bound : value <= bound
  const margin = round((sense === '>=' ? value - bound : bound - value) / bound)

  return { what, value: round(value), bound, sense, met, margin }
}

/** An idle daemon may hold at most this much resident memory, in MB. */
export const IDLE_RSS_BOUND = 80

type Figure = (c: Compared) => number | undefined

/** The targets, each checked on the workload it is about: what, figure, sense, bound. */
const TARGETS: Array<[Workload, string, Figure, '>=' | '<=', number]> = [
  ['noop', 'no-op throughput, mycel / BullMQ', (c) => c.ratio.value, '>=', 1.5],
  ['serial', 'serial p50, mycel / BullMQ', (c) => c.ratio.p50, '<=', 1],
  ['serial', 'serial p99, mycel / BullMQ', (c) => c.ratio.p99, '<=', 1],
  ['cpu', '10 ms CPU tasks, mycel efficiency', (c) => c.mycel.efficiency, '>=', 0.95],
  ['data', '1 MiB inputs MiB/s, mycel / BullMQ', (c) => c.ratio.value, '>=', 1.5],
  ['noop', 'no-op CPU per task, mycel / BullMQ', (c) => c.ratio.cpuMs, '<=', 1]
]

/** The targets of the workloads that ran, and the idle daemon's memory. */
export function targetsOf(compared: Compared[], idleRss: number[]): Target[] {
  return [
    ...TARGETS.flatMap(([workload, what, figure, sense, bound]) => {
      const c = compared.find((x) => x.workload === workload)
      return c === undefined ? [] : [target(what, figure(c) ?? Number.NaN, sense, bound)]
    }),
    target('idle daemon RSS, MB', Math.max(...idleRss), '<=', IDLE_RSS_BOUND)
  ]
}

/** One workload's medians on both systems, and the median ratio mycel/BullMQ. */
export interface Compared {
  workload: Workload
  mycel: Record<string, number>
  bullmq: Record<string, number>
  ratio: Record<string, number>
}

export function compare(workload: Workload, mycel: Runs, bullmq: Runs): Compared {
  const m = medians(mycel)
  const b = medians(bullmq)
  // the median of each run's ratio: both ran in the same run, under the same noise
  const ratio = Object.fromEntries(
    Object.keys(m)
      .filter((name) => name !== 'tasks' && b[name] !== undefined)
      .map((name) => [
        name,
        round(
          median(
            mycel.map((run, i) => (run[name] ?? Number.NaN) / (bullmq[i]?.[name] ?? Number.NaN))
          )
        )
      ])
  )

  return { workload, mycel: m, bullmq: b, ratio }
}

const HEADLINES: Record<Workload, { label: string; show(f: Record<string, number>): string }> = {
  noop: { label: 'no-op throughput', show: (f) => `${f.perSecond} tasks/s` },
  serial: { label: 'serial round trip', show: (f) => `p50 ${f.p50} ms, p99 ${f.p99} ms` },
  cpu: { label: '10 ms CPU tasks', show: (f) => `${f.makespan} s, efficiency ${f.efficiency}` },
  data: {
    label: '1 MiB inputs, put included',
    show: (f) =>
      `${f.mibPerSecond} MiB/s${f.local === undefined ? '' : `, ${Math.round(f.local * 100)} % local`}`
  }
}

/** The comparison as a Markdown table. */
export function table(compared: Compared[]): string {
  const rows = compared.map(({ workload, mycel, bullmq, ratio }) => {
    const headline = HEADLINES[workload]
    const ratios = workload === 'serial' ? `p50 ${ratio.p50}, p99 ${ratio.p99}` : `${ratio.value}`

    return [
      `${headline.label} (${mycel.tasks})`,
      headline.show(mycel),
      headline.show(bullmq),
      ratios,
      `${mycel.cpuMs} / ${bullmq.cpuMs}`
    ]
  })

  return markdown(
    ['workload (tasks)', 'mycel', 'BullMQ', 'mycel / BullMQ', 'CPU ms per task, mycel / BullMQ'],
    rows
  )
}

export function targetTable(targets: Target[]): string {
  return markdown(
    ['target', 'measured', 'bound', 'met', 'margin'],
    targets.map((t) => [
      t.what,
      String(t.value),
      `${t.sense} ${t.bound}`,
      t.met ? 'yes' : 'NO',
      `${t.margin >= 0 ? '+' : ''}${Math.round(t.margin * 100)} %`
    ])
  )
}

export function markdown(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`

  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n')
}
