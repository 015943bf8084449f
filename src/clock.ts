/**
 * Time and chance as the scheduler sees them. A node runs on the system's
 * clock; the simulator (`scripts/simulate`) runs the same scheduling code on
 * virtual time with a seeded generator, so the parts that place and run tasks
 * read the time, set timers and draw at random only through a `Clock`.
 */

declare const timer: unique symbol

/** A timer set by a clock, to be cleared by the same clock. */
export type Timer = { readonly [timer]: true }

export interface Clock {
  /** Milliseconds since the epoch, or since the simulation began. */
  now(): number
  setTimeout(callback: () => void, ms: number): Timer
  clearTimeout(timer: Timer | undefined): void
  setInterval(callback: () => void, ms: number): Timer
  clearInterval(timer: Timer | undefined): void
  /** Runs `callback` on a later turn, once what runs now and the promises it settled are done. */
  nextTurn(callback: () => void): void
  /** A number in [0, 1), for the choices made at random. */
  random(): number
}

type NodeTimer = ReturnType<typeof setTimeout>
const wrap = (handle: NodeTimer): Timer => handle as unknown as Timer
const unwrap = (handle: Timer | undefined): NodeTimer | undefined =>
  handle as unknown as NodeTimer | undefined

/** The system's clock and `Math.random`. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => wrap(setTimeout(callback, ms)),
  clearTimeout: (handle) => clearTimeout(unwrap(handle)),
  setInterval: (callback, ms) => wrap(setInterval(callback, ms)),
  clearInterval: (handle) => clearInterval(unwrap(handle)),
  nextTurn: (callback) => {
    setImmediate(callback)
  },
  random: () => Math.random()
}
