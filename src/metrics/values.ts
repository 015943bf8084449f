/**
 * Figures as metrics hold them: names Prometheus allows, and the values
 * calculations answer, added up when several answer for one name.
 */
import type { SummaryOptions } from '@libp2p/interface'

/** What a `calculate` answers: one figure, or one per label value. */
export type Value = number | Record<string, number>

/** A metric or label name as Prometheus allows it. */
export function metricName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_:]/g, '_')
}

/** Two calculated values as one: the later wins, per label value for groups. */
export function merge(earlier: Value | undefined, later: Value): Value {
  if (typeof earlier !== 'object' || typeof later !== 'object') {
    return typeof later === 'object' ? { ...later } : later
  }

  return Object.assign(earlier, later)
}

/** A value as one figure: a group's summed. */
export function total(value: Value): number {
  return typeof value === 'number' ? value : entries(value).reduce((sum, [, n]) => sum + n, 0)
}

/** A group's label values and figures; none for a single figure. */
export function entries(value: Value): Array<[string, number]> {
  return typeof value === 'number' ? [] : Object.entries(value)
}

/** Applies each figure of an update, `true` counting as 1. */
export function eachOf(
  values: Partial<Record<string, number | true>>,
  apply: (key: string, value: number) => void
): void {
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) apply(key, value === true ? 1 : value)
  }
}

/** The summary options prom-client takes, those not given left out. */
export function summaryOptions(options: SummaryOptions) {
  return {
    ...(options.percentiles === undefined ? {} : { percentiles: options.percentiles }),
    ...(options.maxAgeSeconds === undefined ? {} : { maxAgeSeconds: options.maxAgeSeconds }),
    ...(options.ageBuckets === undefined ? {} : { ageBuckets: options.ageBuckets }),
    ...(options.pruneAgedBuckets === undefined
      ? {}
      : { pruneAgedBuckets: options.pruneAgedBuckets }),
    ...(options.compressCount === undefined ? {} : { compressCount: options.compressCount })
  }
}
