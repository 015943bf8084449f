/**
 * Metrics read off a part's `stats()` when scraped: a table of names, help
 * texts and what each reads, registered in one go.
 */
import type { Metrics } from '@libp2p/interface'

/**
 * How long one reading of a part's stats serves: a scrape reads dozens of
 * figures from the same stats within a millisecond or two, and some stats
 * walk every task the node remembers.
 */
export const STATS_REUSE = 100 // ms

/** `read`, answering its last result again for `STATS_REUSE` ms. */
export function reused<S>(read: () => S, now: () => number = Date.now): () => S {
  let last: { at: number; value: S } | undefined

  return () => {
    const at = now()

    if (last === undefined || at - last.at >= STATS_REUSE || at < last.at) {
      last = { at, value: read() }
    }

    return last.value
  }
}

/** A metric's name, its help text, and the figure it reads from the stats. */
export type Reading<S> = readonly [name: string, help: string, read: (stats: S) => number]

/** Registers each reading as a gauge: a figure that goes up and down. */
export function registerGauges<S>(
  metrics: Metrics,
  stats: () => S,
  readings: ReadonlyArray<Reading<S>>
): void {
  for (const [name, help, read] of readings) {
    metrics.registerMetric(name, { help, calculate: () => read(stats()) })
  }
}

/** Registers each reading as a counter: a running total. */
export function registerCounters<S>(
  metrics: Metrics,
  stats: () => S,
  readings: ReadonlyArray<Reading<S>>
): void {
  for (const [name, help, read] of readings) {
    metrics.registerCounter(name, { help, calculate: () => read(stats()) })
  }
}
