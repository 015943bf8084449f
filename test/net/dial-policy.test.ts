import { describe, expect, it } from 'vitest'
import { chooseDialTargets, nextWalkDelay, recordFailure } from '../../src/net/dial-policy.js'

const backoff = { backoffBase: 1_000, backoffMax: 60_000 }
const known = ['self', 'a', 'b', 'c', 'd'].map((id) => ({ id, addresses: 1 }))

describe('choosing whom to dial', () => {
  const choose = (overrides: Partial<Parameters<typeof chooseDialTargets>[0]> = {}) =>
    chooseDialTargets({
      self: 'self',
      known,
      busy: new Set(),
      failures: new Map(),
      now: 10_000,
      count: 10,
      random: () => 0.5,
      ...overrides
    })

  it('never dials itself, a busy peer, or a peer without addresses', () => {
    const targets = choose({
      known: [...known, { id: 'e', addresses: 0 }],
      busy: new Set(['a'])
    })

    expect(targets.sort()).toEqual(['b', 'c', 'd'])
  })

  it('dials no more than asked', () => {
    expect(choose({ count: 2 })).toHaveLength(2)
    expect(choose({ count: 0 })).toEqual([])
  })

  it('skips peers still backing off and puts peers that failed least first', () => {
    const failures = new Map([
      ['a', { count: 3, retryAt: 20_000 }],
      ['b', { count: 2, retryAt: 5_000 }]
    ])
    const targets = choose({ failures })

    expect(targets).not.toContain('a')
    expect(targets.at(-1)).toBe('b')
  })

  it('spreads ties at random', () => {
    let i = 0
    const order = [0.9, 0.1, 0.5, 0.3]
    const targets = choose({ random: () => order[i++ % order.length] as number })

    expect(targets).toEqual(['b', 'd', 'c', 'a'])
  })
})

describe('backing off', () => {
  it('doubles the wait with each failure, up to the maximum', () => {
    let failure = recordFailure(undefined, 0, backoff)
    expect(failure).toEqual({ count: 1, retryAt: 1_000 })

    failure = recordFailure(failure, 0, backoff)
    expect(failure.retryAt).toBe(2_000)

    for (let i = 0; i < 10; i++) {
      failure = recordFailure(failure, 0, backoff)
    }
    expect(failure.retryAt).toBe(60_000)
  })

  it('walks the DHT again soon after a walk found peers, and ever later when not', () => {
    const limits = { min: 1_000, max: 30_000 }

    expect(nextWalkDelay(8_000, true, limits)).toBe(1_000)
    expect(nextWalkDelay(1_000, false, limits)).toBe(2_000)
    expect(nextWalkDelay(20_000, false, limits)).toBe(30_000)
  })
})
