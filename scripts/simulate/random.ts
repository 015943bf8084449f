/**
 * Seeded chance, so that a run can be repeated exactly: mulberry32, a small
 * 32-bit generator with a full period and good spread for simulation (not
 * for anything secret).
 */

export type Random = () => number

/** A generator of numbers in [0, 1) from a 32-bit seed. */
export function seeded(seed: number): Random {
  let state = seed >>> 0

  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** An exponentially distributed draw with the given mean: the gaps of a Poisson process. */
export function exponential(random: Random, mean: number): number {
  return -Math.log(1 - random()) * mean
}

/** A whole number in [0, n). */
export function below(random: Random, n: number): number {
  return Math.floor(random() * n)
}

/** `k` distinct items of `items`, in random order. */
export function sample<T>(random: Random, items: readonly T[], k: number): T[] {
  const copy = [...items]
  const n = Math.min(k, copy.length)

  for (let i = 0; i < n; i++) {
    const j = i + below(random, copy.length - i)
    ;[copy[i], copy[j]] = [copy[j] as T, copy[i] as T]
  }

  return copy.slice(0, n)
}
