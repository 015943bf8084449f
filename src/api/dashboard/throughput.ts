/**
 * Tasks ended per interval over the last minutes, from running totals
 * sampled now and then: what the dashboard's chart draws. Pure: it is told
 * the time.
 */
import type { Throughput } from './snapshot.js'

/** One bar of the chart. */
export const THROUGHPUT_INTERVAL = 5_000 // ms
/** Bars kept: ten minutes. */
export const THROUGHPUT_INTERVALS = 120

export interface Totals {
  completed: number
  failed: number
}

export class ThroughputHistory {
  private readonly interval: number
  private readonly length: number
  private readonly completed: number[]
  private readonly failed: number[]
  /** The interval the last entry stands for, and the totals last sampled. */
  private current?: number
  private last?: Totals

  constructor(interval = THROUGHPUT_INTERVAL, length = THROUGHPUT_INTERVALS) {
    this.interval = interval
    this.length = length
    this.completed = new Array<number>(length).fill(0)
    this.failed = new Array<number>(length).fill(0)
  }

  /** Counts what ended since the last sample into the interval `now` falls in. */
  sample(totals: Totals, now: number): void {
    this.advance(Math.floor(now / this.interval))
    const last = this.last ?? totals

    // totals only grow; a smaller one (counters started again) counts from there
    this.add(this.completed, Math.max(0, totals.completed - last.completed))
    this.add(this.failed, Math.max(0, totals.failed - last.failed))
    this.last = { completed: totals.completed, failed: totals.failed }
  }

  /** The window, oldest first, as of the last sample. */
  read(): Throughput {
    return { interval: this.interval, completed: [...this.completed], failed: [...this.failed] }
  }

  /** Moves the window on to `interval`, with nothing counted in the intervals passed. */
  private advance(interval: number): void {
    const passed = Math.min(this.length, interval - (this.current ?? interval))
    this.current = Math.max(interval, this.current ?? interval)

    for (let i = 0; i < passed; i++) {
      this.completed.shift()
      this.completed.push(0)
      this.failed.shift()
      this.failed.push(0)
    }
  }

  private add(series: number[], count: number): void {
    series[series.length - 1] = (series[series.length - 1] ?? 0) + count
  }
}
