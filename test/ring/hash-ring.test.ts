import { describe, expect, it } from 'vitest'
import { HashRing, MAX_POSITION, MAX_VNODE_FACTOR, vnodePosition } from '../../src/ring/index.js'
import { vnodePositions } from '../../src/ring/keys.js'
import { equal, peerIds, TB, uniform } from './fixtures.js'

/** Two ids whose point 0 lands on the same position. */
const TIED = ['12D3KooWtie59704', '12D3KooWtie70913'] as const
const TIED_POSITION = 2_542_884_709

function positions(count: number, seed: number): Uint32Array {
  const next = uniform(seed)

  return new Uint32Array(count).map(() => next())
}

/** Keys that look like sha-256 digests. */
function keys(count: number, seed: number): Uint8Array[] {
  const next = uniform(seed)

  return Array.from({ length: count }, () => {
    const key = new Uint8Array(32)
    const view = new DataView(key.buffer)

    for (let i = 0; i < 32; i += 4) {
      view.setUint32(i, next())
    }

    return key
  })
}

/** How many of `count` uniform keys each peer owns as primary. */
function primaryCounts(ring: HashRing, count: number, seed: number): Map<string, number> {
  const next = uniform(seed)
  const counts = new Map<string, number>()

  for (let i = 0; i < count; i++) {
    const [owner = ''] = ring.ownersAt(next(), 1)
    counts.set(owner, (counts.get(owner) ?? 0) + 1)
  }

  return counts
}

function expectSameRing(actual: HashRing, expected: HashRing, lookups: Uint8Array[]): void {
  expect(actual.members()).toEqual(expected.members())
  expect(actual.shares()).toEqual(expected.shares())

  for (const { id } of expected.members()) {
    expect(actual.vnodes(id)).toBe(expected.vnodes(id))
  }

  for (const key of lookups) {
    expect(actual.owners(key, 3)).toEqual(expected.owners(key, 3))
  }
}

describe('HashRing lookups', () => {
  it('gives the same owners whatever order the members arrived in', () => {
    const members = peerIds(16).map((id, i) => ({ id, weight: (1 + (i % 4)) * TB }))
    const forward = HashRing.from(members)
    const backward = HashRing.from([...members].reverse())
    const incremental = new HashRing()

    for (const member of [...members].sort((a, b) => a.weight - b.weight)) {
      incremental.add({ id: member.id, weight: TB })
      incremental.setWeight(member.id, member.weight)
    }

    for (const key of keys(10_000, 1)) {
      const owners = forward.owners(key, 3)

      expect(backward.owners(key, 3)).toEqual(owners)
      expect(incremental.owners(key, 3)).toEqual(owners)
    }
  })

  it('returns min(r, size) distinct owners, the primary first', () => {
    const ring = HashRing.from(equal(peerIds(16)))

    for (const key of keys(200, 2)) {
      for (const r of [0, 1, 3, 16, 40]) {
        const owners = ring.owners(key, r)

        expect(owners).toHaveLength(Math.min(r, 16))
        expect(new Set(owners).size).toBe(owners.length)
        expect(owners.slice(0, 1)).toEqual(ring.owners(key, Math.min(r, 1)))
      }
    }
  })

  it('returns no owners from an empty ring', () => {
    const ring = new HashRing()

    expect(ring.owners(new Uint8Array(32), 3)).toEqual([])
    expect(ring.ownersAt(0, 1)).toEqual([])
  })

  it('walks clockwise from the first point at or after the key, wrapping past the top', () => {
    const ids = peerIds(3)
    const ring = HashRing.from(equal(ids), { vnodes: 1 })
    const clockwise = ids
      .map((id) => ({ id, position: vnodePosition(id, 0) }))
      .sort((a, b) => a.position - b.position)
    const [first, second, third] = clockwise.map((point) => point.id)
    const top = clockwise[2]?.position ?? 0

    expect(ring.ownersAt(clockwise[0]?.position ?? 0, 3)).toEqual([first, second, third])
    expect(ring.ownersAt((clockwise[0]?.position ?? 0) + 1, 3)).toEqual([second, third, first])
    expect(ring.ownersAt(top, 1)).toEqual([third])
    expect(ring.ownersAt(0, 1)).toEqual([first])

    if (top < MAX_POSITION) {
      expect(ring.ownersAt(top + 1, 3)).toEqual([first, second, third])
      expect(ring.ownersAt(MAX_POSITION, 1)).toEqual([first])
    }
  })

  it('puts point i of a peer at the position of sha256(utf8(id) || uint32be(i))', () => {
    const [a = '', b = ''] = peerIds(2)
    const ring = HashRing.from(equal([a, b]), { vnodes: 8 })

    for (const position of vnodePositions(a, 0, 8)) {
      expect(ring.ownersAt(position, 1)).toEqual([a])
    }
  })

  it('orders points at the same position by peer id', () => {
    expect(vnodePosition(TIED[0], 0)).toBe(TIED_POSITION)
    expect(vnodePosition(TIED[1], 0)).toBe(TIED_POSITION)

    for (const ids of [TIED, [...TIED].reverse()]) {
      const ring = HashRing.from(equal(ids), { vnodes: 1 })

      expect(ring.ownersAt(TIED_POSITION, 2)).toEqual([...TIED])
      expect(ring.ownersAt(TIED_POSITION + 1, 2)).toEqual([...TIED])
      expect(ring.shares()).toEqual(
        new Map([
          [TIED[0], 1],
          [TIED[1], 0]
        ])
      )
    }
  })

  it('refuses a key shorter than four bytes and a position off the ring', () => {
    const ring = HashRing.from(equal(peerIds(2)))

    expect(() => ring.owners(Uint8Array.of(1, 2), 1)).toThrow(
      'expected a key of at least 4 bytes, got 2 bytes'
    )

    for (const position of [-1, 1.5, 2 ** 32, Number.NaN]) {
      expect(() => ring.ownersAt(position, 1)).toThrow(
        `expected a position to be an integer from 0 to ${MAX_POSITION}, got ${position}`
      )
    }
  })

  it('refuses a negative or fractional r with InvalidConfigError', () => {
    const ring = HashRing.from(equal(peerIds(2)))

    for (const r of [-1, 1.5, Number.NaN]) {
      expect(() => ring.ownersAt(0, r)).toThrow(
        expect.objectContaining({ name: 'InvalidConfigError' })
      )
    }
  })
})

describe('HashRing balance and movement', () => {
  const K = 1_000_000
  const r = 3

  it('gives no peer more than 1.15 × the average primary share over 16 equal peers', () => {
    const ring = HashRing.from(equal(peerIds(16)))
    const counts = primaryCounts(ring, K, 3)

    expect(counts.size).toBe(16)
    expect(Math.max(...counts.values())).toBeLessThanOrEqual((1.15 * K) / 16)

    const shares = [...ring.shares().values()]

    expect(shares.reduce((sum, share) => sum + share, 0)).toBeCloseTo(1, 12)
  })

  it('moves at most 1.1 · r · K / 17 key copies when a 17th equal peer joins', () => {
    const ids = peerIds(17)
    const before = HashRing.from(equal(ids.slice(0, 16)))
    const after = HashRing.from(equal(ids))
    const next = uniform(4)
    let moved = 0

    for (let i = 0; i < K; i++) {
      const position = next()
      const old = before.ownersAt(position, r)

      for (const owner of after.ownersAt(position, r)) {
        if (!old.includes(owner)) {
          moved++
        }
      }
    }

    expect(moved).toBeGreaterThan(0)
    expect(moved).toBeLessThanOrEqual((1.1 * r * K) / 17)
  })

  it('changes no owner of a key but the peer that leaves', () => {
    const ids = peerIds(16)
    const leaving = ids[5] ?? ''
    const ring = HashRing.from(equal(ids))
    const lookups = positions(200_000, 5)
    const before = Array.from(lookups, (position) => ring.ownersAt(position, r))
    const wrong: Array<{ before: string[]; after: string[] }> = []
    let affected = 0

    ring.remove(leaving)

    for (const [i, position] of lookups.entries()) {
      const old = before[i] ?? []
      const owners = ring.ownersAt(position, r)
      const kept = old.filter((owner) => owner !== leaving)

      // the owners it keeps, in the same order; a peer after them only where one left
      const same = kept.every((owner, k) => owners[k] === owner)
      const filled = owners.length === r && (kept.length === r || !owners.includes(leaving))

      if (kept.length < r) {
        affected++
      }

      if (!same || !filled) {
        wrong.push({ before: old, after: owners })
      }
    }

    expect(wrong).toEqual([])
    expect(affected).toBeGreaterThan(0)
  })
})

describe('HashRing weights', () => {
  it('gives a peer of twice the median weight about twice the share', () => {
    const ids = peerIds(16, 'weights')
    const heavy = ids[0] ?? ''
    const ring = HashRing.from(ids.map((id) => ({ id, weight: id === heavy ? 2 * TB : TB })))
    const counts = primaryCounts(ring, 1_000_000, 6)
    const others = ids.slice(1).map((id) => counts.get(id) ?? 0)
    const average = others.reduce((sum, count) => sum + count, 0) / others.length
    const ratio = (counts.get(heavy) ?? 0) / average

    expect(ring.vnodes(heavy)).toBe(512)
    expect(ratio).toBeGreaterThan(2 * 0.85)
    expect(ratio).toBeLessThan(2 * 1.15)
  })

  it('gives peers of equal weight exactly vnodes points each', () => {
    const ids = peerIds(5)

    for (const vnodes of [1, 100, 256]) {
      const ring = HashRing.from(equal(ids, 123_456_789), { vnodes })

      expect(ids.map((id) => ring.vnodes(id))).toEqual(ids.map(() => vnodes))
    }
  })

  it('sizes points against the median weight, from 1 to MAX_VNODE_FACTOR × vnodes', () => {
    const weights = [1, 1, 1, 1.5, 2, 100, 0.0001]
    const ids = peerIds(weights.length)
    const ring = HashRing.from(ids.map((id, i) => ({ id, weight: (weights[i] ?? 0) * TB })))

    expect(ids.map((id) => ring.vnodes(id))).toEqual([
      256,
      256,
      256,
      384,
      512,
      256 * MAX_VNODE_FACTOR,
      1
    ])
    expect(ring.vnodes('not-a-member')).toBe(0)
  })

  it('recounts every peer when the median moves', () => {
    const ids = peerIds(4)
    const ring = HashRing.from([
      { id: ids[0] ?? '', weight: TB },
      { id: ids[1] ?? '', weight: TB },
      { id: ids[2] ?? '', weight: 2 * TB }
    ])

    expect(ids.slice(0, 3).map((id) => ring.vnodes(id))).toEqual([256, 256, 512])

    ring.add({ id: ids[3] ?? '', weight: 4 * TB }) // median (1 + 2) / 2 = 1.5

    expect(ids.map((id) => ring.vnodes(id))).toEqual([171, 171, 341, 683])
  })
})

describe('HashRing membership changes', () => {
  it('ends up where a fresh build of the same members would after any changes', () => {
    const pool = peerIds(20, 'churn')
    const weights = [0.5, 1, 1, 1, 2, 3, 8, 40].map((w) => w * TB)
    const next = uniform(7)
    const ring = new HashRing({ vnodes: 16 })
    const lookups = keys(500, 8)

    for (let step = 0; step < 80; step++) {
      const id = pool[next() % pool.length] ?? ''
      const weight = weights[next() % weights.length] ?? TB
      const action = next() % 3

      if (action === 0) {
        ring.add({ id, weight })
      } else if (action === 1) {
        ring.remove(id)
      } else {
        ring.setWeight(id, weight)
      }

      expectSameRing(ring, HashRing.from(ring.members(), { vnodes: 16 }), lookups)
    }
  })

  it('applies an update as the difference from the members it holds', () => {
    const ids = peerIds(12, 'update')
    const ring = HashRing.from(equal(ids.slice(0, 8)))
    const target = [
      ...equal(ids.slice(2, 6)),
      { id: ids[6] ?? '', weight: 3 * TB },
      ...equal(ids.slice(8))
    ]
    const kept = vnodePositions(ids[2] ?? '', 0, 256)

    ring.update(target)

    expectSameRing(ring, HashRing.from(target), keys(2_000, 9))

    for (const position of kept) {
      expect(ring.ownersAt(position, 1)).toEqual([ids[2]])
    }
  })

  it('says whether add, remove and setWeight found the peer', () => {
    const [a = '', b = ''] = peerIds(2)
    const ring = new HashRing({ vnodes: 8 })

    expect(ring.add({ id: a, weight: TB })).toBe(true)
    expect(ring.add({ id: a, weight: 2 * TB })).toBe(false)
    expect(ring.members()).toEqual([{ id: a, weight: 2 * TB }])
    expect(ring.setWeight(b, TB)).toBe(false)
    expect(ring.remove(b)).toBe(false)
    expect(ring.has(b)).toBe(false)
    expect(ring.remove(a)).toBe(true)
    expect(ring.size).toBe(0)
    expect(ring.shares()).toEqual(new Map())
  })

  it('gives a peer that leaves and comes back the same points', () => {
    const ids = peerIds(6, 'return')
    const ring = HashRing.from(equal(ids))
    const lookups = keys(2_000, 10)
    const before = lookups.map((key) => ring.owners(key, 3))

    ring.remove(ids[1] ?? '')
    ring.remove(ids[4] ?? '')
    ring.add({ id: ids[4] ?? '', weight: TB })
    ring.add({ id: ids[1] ?? '', weight: TB })

    expect(lookups.map((key) => ring.owners(key, 3))).toEqual(before)
  })
})

describe('HashRing validation', () => {
  const invalidConfig = expect.objectContaining({ name: 'InvalidConfigError' })

  it('refuses vnodes that are not an integer from 1 to 4096', () => {
    for (const vnodes of [0, -1, 1.5, 4097, Number.NaN]) {
      expect(() => new HashRing({ vnodes })).toThrow(invalidConfig)
    }

    expect(() => new HashRing({ vnodes: 0 })).toThrow(
      'expected vnodes to be an integer from 1 to 4096, got 0'
    )
    expect(new HashRing({ vnodes: 4096 }).vnodesPerPeer).toBe(4096)
    expect(new HashRing().vnodesPerPeer).toBe(256)
  })

  it('refuses a weight that is not a positive finite number', () => {
    const ring = HashRing.from(equal(['a']))

    for (const weight of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '5' as unknown as number]) {
      expect(() => ring.add({ id: 'b', weight })).toThrow(invalidConfig)
      expect(() => ring.setWeight('a', weight)).toThrow(invalidConfig)
    }

    expect(() => ring.add({ id: 'b', weight: 0 })).toThrow(
      'expected the weight of b to be a positive finite number, got 0'
    )
    expect(ring.members()).toEqual([{ id: 'a', weight: TB }])
  })

  it('refuses an empty id', () => {
    expect(() => HashRing.from([{ id: '', weight: TB }])).toThrow(invalidConfig)
  })

  it('refuses an update with a duplicate id or a bad member, and changes nothing', () => {
    const ring = HashRing.from(equal(['a', 'b']))

    expect(() => ring.update(equal(['c', 'c']))).toThrow(
      'expected distinct member ids, got c twice'
    )
    expect(() =>
      ring.update([
        { id: 'c', weight: TB },
        { id: 'd', weight: -1 }
      ])
    ).toThrow(invalidConfig)
    expect(ring.members()).toEqual(equal(['a', 'b']))
  })
})
