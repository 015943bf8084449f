/**
 * Virtual time for the simulator: a `Clock` whose timers are events in a
 * heap, run in time order (and in the order they were set, at equal times).
 * After each event the promises it settled run to the end before the next
 * event, as they would on a node's event loop, so the scheduler's async code
 * runs unchanged and a whole run takes no longer than its computation.
 */
import type { Clock, Timer } from '../../src/clock.js'
import { Heap } from './heap.js'

interface Event {
  at: number
  seq: number
  callback: () => void
  /** Set for an interval: the event comes back this long after it ran. */
  every?: number
  cancelled: boolean
}

/** Lets every promise settled so far run its reactions, down to the last. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

export class VirtualClock implements Clock {
  private time = 0
  private seq = 0
  private readonly heap = new Heap<Event>(before)
  private readonly draw: () => number
  /** Events run so far. */
  events = 0

  constructor(random: () => number) {
    this.draw = random
  }

  now(): number {
    return this.time
  }

  random(): number {
    return this.draw()
  }

  setTimeout(callback: () => void, ms: number): Timer {
    return this.add(callback, ms)
  }

  setInterval(callback: () => void, ms: number): Timer {
    return this.add(callback, ms, Math.max(1, ms))
  }

  clearTimeout(timer: Timer | undefined): void {
    if (timer !== undefined) (timer as unknown as Event).cancelled = true
  }

  clearInterval(timer: Timer | undefined): void {
    this.clearTimeout(timer)
  }

  nextTurn(callback: () => void): void {
    this.add(callback, 0)
  }

  /** Resolves after `ms` of virtual time. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true) return Promise.reject(signal.reason)

    return new Promise((resolve, reject) => {
      const timer = this.setTimeout(() => {
        signal?.removeEventListener('abort', abort)
        resolve()
      }, ms)
      const abort = (): void => {
        this.clearTimeout(timer)
        reject(signal?.reason)
      }
      signal?.addEventListener('abort', abort, { once: true })
    })
  }

  /**
   * Runs events in time order until `done()` holds, or until the next event
   * is past `until` (or none is left), when virtual time moves on to
   * `until`; time never goes back.
   */
  async run(until: number, done: () => boolean = () => false): Promise<void> {
    await settle()

    while (!done()) {
      const next = this.heap.peek()

      if (next === undefined || next.at > until) {
        if (Number.isFinite(until)) this.time = Math.max(this.time, until)
        return
      }

      this.heap.pop()
      if (next.cancelled) continue

      this.time = next.at
      this.events++

      if (next.every !== undefined) {
        next.at += next.every
        next.seq = this.seq++
        this.heap.push(next)
      }

      next.callback()
      await settle()
    }
  }

  private add(callback: () => void, ms: number, every?: number): Timer {
    const event: Event = {
      at: this.time + Math.max(0, ms),
      seq: this.seq++,
      callback,
      ...(every === undefined ? {} : { every }),
      cancelled: false
    }
    this.heap.push(event)

    return event as unknown as Timer
  }
}

function before(a: Event, b: Event): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq)
}
