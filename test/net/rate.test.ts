import { describe, expect, it } from 'vitest'
import { perSecond, RateLimiter } from '../../src/net/rate.js'

describe('rate limits', () => {
  it('allows a burst, then the rate, per key', () => {
    const limiter = new RateLimiter({ perSecond: 2, burst: 3 })
    const takes = (key: string, now: number, n: number): boolean[] =>
      Array.from({ length: n }, () => limiter.take(key, now))

    expect(takes('a', 0, 4)).toEqual([true, true, true, false])
    expect(takes('b', 0, 1)).toEqual([true])
    expect(takes('a', 500, 2)).toEqual([true, false])
    expect(takes('a', 10_000, 4)).toEqual([true, true, true, false])
  })

  it('does not give tokens back when the clock goes back', () => {
    const limiter = new RateLimiter({ perSecond: 1, burst: 1 })

    expect(limiter.take('a', 5_000)).toBe(true)
    expect(limiter.take('a', 1_000)).toBe(false)
    expect(limiter.take('a', 5_500)).toBe(false)
    expect(limiter.take('a', 6_000)).toBe(true)
  })

  it('keeps at most maxKeys buckets: full ones go, and past that new keys are refused', () => {
    const limiter = new RateLimiter({ perSecond: 1, burst: 1 }, 2)

    expect(limiter.take('a', 0)).toBe(true)
    expect(limiter.take('b', 0)).toBe(true)
    // both buckets are empty: no room for a third key
    expect(limiter.take('c', 0)).toBe(false)
    // a second later both have refilled and are dropped for it
    expect(limiter.take('c', 1_000)).toBe(true)
    limiter.forget('c')
    expect(limiter.take('c', 1_000)).toBe(true)
  })

  it('holds two seconds of the rate in a burst', () => {
    expect(perSecond(500)).toEqual({ perSecond: 500, burst: 1_000 })
  })
})
