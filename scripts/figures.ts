/** The middle of a run of measurements (the upper middle of an even count); NaN for none. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)

  return sorted[sorted.length >>> 1] ?? Number.NaN
}
