/**
 * Rate limits by key (a peer, a client address): a token bucket each,
 * refilled at `rate` a second up to `burst`. Pure: it is told the time.
 *
 * A bucket that has refilled to full is the same as none, so when the keys
 * pass `maxKeys` the full ones are dropped; a flood of distinct keys costs
 * at most `maxKeys` buckets of memory and, past that, is refused.
 */

/** A rate: so many a second, with a burst of so many at once. */
export interface Rate {
  perSecond: number
  burst: number
}

/** How many seconds' worth a burst holds, for rates given as a figure a second. */
export const BURST_SECONDS = 2

/** A rate of `rate` a second, with a burst of `BURST_SECONDS` seconds' worth. */
export function perSecond(rate: number): Rate {
  return { perSecond: rate, burst: rate * BURST_SECONDS }
}

/** Most keys a limiter keeps buckets for. */
export const DEFAULT_MAX_KEYS = 4_096

interface Bucket {
  tokens: number
  at: number
}

export class RateLimiter {
  readonly rate: Rate
  private readonly maxKeys: number
  private readonly buckets = new Map<string, Bucket>()

  constructor(rate: Rate, maxKeys = DEFAULT_MAX_KEYS) {
    this.rate = rate
    this.maxKeys = maxKeys
  }

  /** Takes one token from `key`'s bucket; whether there was one. */
  take(key: string, now: number): boolean {
    let bucket = this.buckets.get(key)

    if (bucket === undefined) {
      if (this.buckets.size >= this.maxKeys && !this.prune(now)) {
        return false
      }

      bucket = { tokens: this.rate.burst, at: now }
      this.buckets.set(key, bucket)
    }

    this.refill(bucket, now)

    if (bucket.tokens < 1) {
      return false
    }

    bucket.tokens -= 1
    return true
  }

  /** Forgets `key`, as if it had never been seen. */
  forget(key: string): void {
    this.buckets.delete(key)
  }

  /** Drops the buckets that have refilled to full; whether any went. */
  private prune(now: number): boolean {
    const before = this.buckets.size

    for (const [key, bucket] of this.buckets) {
      this.refill(bucket, now)
      if (bucket.tokens >= this.rate.burst) this.buckets.delete(key)
    }

    return this.buckets.size < before
  }

  private refill(bucket: Bucket, now: number): void {
    const elapsed = Math.max(0, now - bucket.at)
    bucket.tokens = Math.min(
      this.rate.burst,
      bucket.tokens + (elapsed / 1000) * this.rate.perSecond
    )
    bucket.at = Math.max(bucket.at, now)
  }
}
