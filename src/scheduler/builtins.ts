/**
 * The handlers every node runs without a handler module. `echo` and `sleep`
 * cost nothing and can run anywhere; `spin` and `sha256` load a CPU and run
 * on the worker pool's threads (see `pool-builtins.ts`).
 */
import { createHash } from 'node:crypto'
import { setTimeout as delay } from 'node:timers/promises'
import type { TaskContext } from './task.js'

/** Longest `sleep` or `spin` a task may ask for: a day. */
export const MAX_BUILTIN_MS = 24 * 3_600_000 // ms

/** How often `spin` reports its progress, in ms. */
const SPIN_PROGRESS_INTERVAL = 100 // ms

/** Returns the task's arguments unchanged. */
export async function echo(ctx: TaskContext): Promise<unknown> {
  return ctx.args
}

/**
 * Waits without using the CPU, then returns `{ slept: ms }`. The arguments are
 * a number of ms or `{ ms }`, at most a day; the wait ends early, with an
 * `AbortError`, when the task's signal aborts.
 */
export async function sleep(ctx: TaskContext): Promise<{ slept: number }> {
  const ms = millis('sleep', ctx.args)
  await delay(ms, undefined, { signal: ctx.signal })

  return { slept: ms }
}

/**
 * Keeps one CPU core busy for a while, then returns `{ spun: ms }`: a stand-in
 * for real computation. The arguments are a number of ms or `{ ms }`, at most
 * a day. It reports its progress about every 100 ms.
 */
export async function spin(ctx: TaskContext): Promise<{ spun: number }> {
  const ms = millis('spin', ctx.args)
  const start = performance.now()
  const end = start + ms
  let nextReport = start + SPIN_PROGRESS_INTERVAL

  for (let now = start; now < end; now = performance.now()) {
    if (now >= nextReport) {
      ctx.progress((now - start) / ms)
      nextReport = now + SPIN_PROGRESS_INTERVAL
    }
  }

  return { spun: ms }
}

/**
 * Hashes all the task's inputs in order as one stream of bytes with SHA-256,
 * and returns the digest in hex with the number of bytes hashed. It needs at
 * least one input and reports its progress after each one.
 */
export async function sha256(ctx: TaskContext): Promise<{ sha256: string; bytes: number }> {
  const { inputs } = ctx

  if (inputs.length === 0) {
    throw new Error('sha256 needs at least one input block')
  }

  const hash = createHash('sha256')
  let bytes = 0

  for (let i = 0; i < inputs.length; i++) {
    for await (const piece of inputs.stream(i)) {
      hash.update(piece)
      bytes += piece.byteLength
    }

    ctx.progress((i + 1) / inputs.length, `hashed ${i + 1} of ${inputs.length} inputs`)
  }

  return { sha256: hash.digest('hex'), bytes }
}

/** The duration in ms that `sleep` and `spin` take: a number or `{ ms }`, from 0 to a day. */
function millis(handler: string, args: unknown): number {
  const ms = typeof args === 'object' && args !== null && 'ms' in args ? args.ms : args

  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    throw new TypeError(`${handler} expects a number of ms or { ms }, got ${show(args)}`)
  }

  if (ms < 0 || ms > MAX_BUILTIN_MS) {
    throw new RangeError(`${handler} expects from 0 to ${MAX_BUILTIN_MS} ms, got ${ms}`)
  }

  return ms
}

/** A value as a message quotes it: JSON where it can, short either way. */
function show(value: unknown): string {
  let text: string | undefined

  try {
    text = JSON.stringify(value)
  } catch {
    // a BigInt or a cycle: fall through to the value's type
  }

  text ??= typeof value
  return text.length > 100 ? `${text.slice(0, 99)}…` : text
}
