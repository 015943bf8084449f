import { describe, expect, it } from 'vitest'
import { seeded } from '../../scripts/simulate/random.js'
import { DEFAULT_QUEUE_DEPTH } from '../../src/scheduler/bidder.js'
import {
  type CandidateTask,
  type PeerOffer,
  type Pick,
  type PickInit,
  pickCandidates,
  pickWithRoom
} from '../../src/scheduler/candidates.js'
import { offerOf } from '../../src/scheduler/needs.js'
import type { TaskNeeds } from '../../src/scheduler/task.js'
import { advert } from '../adverts/fixtures.js'
import { type OfferOverrides, offer } from './offers.js'

const GIB = 1024 * 1024 * 1024

/** A node that runs `sha256` with 4 slots, all free, 8 GiB and no GPU; override what a test is about. */
function peer(peerId: string, overrides: OfferOverrides = {}): PeerOffer {
  return { peerId, offer: offer(overrides) }
}

/** A 1-slot `sha256` task with no inputs; override what a test is about. */
function task(
  overrides: { needs?: Partial<TaskNeeds>; inputs?: string[]; kind?: string } = {}
): CandidateTask {
  return {
    kind: overrides.kind ?? 'sha256',
    inputs: overrides.inputs ?? [],
    needs: { slots: 1, memory: 0, gpu: 0, labels: {}, ...overrides.needs }
  }
}

/** A random function that returns `values` in turn. */
function sequence(...values: number[]): () => number {
  let i = 0

  return () => values[i++ % values.length] ?? 0
}

/** Picks among `peers` with no jitter and no input owned by anyone, unless told otherwise. */
function pick(t: CandidateTask, peers: PeerOffer[], init: Partial<PickInit> = {}): Pick {
  return pickCandidates(t, { peers, d: 10, owners: () => [], random: () => 0, ...init })
}

/** The owners of each input, first owner first, as a ring would give them. */
function ring(owners: Record<string, string[]>): PickInit['owners'] {
  return (input) => owners[input] ?? []
}

describe('pickCandidates filtering', () => {
  it('leaves out the peers that could never run the task, whatever their load', () => {
    const t = task({ needs: { slots: 2, memory: 4096, gpu: 1, labels: { zone: 'eu' } } })
    const able = { gpu: 1, labels: { zone: 'eu', os: 'linux' } }
    const peers = [
      peer('other-kind', { ...able, kinds: ['render'] }),
      peer('able', able),
      peer('one-slot', { ...able, slots: 1, free: 1 }),
      peer('little-memory', { ...able, memory: 2048, memoryFree: 2048 }),
      peer('no-gpu', { ...able, gpu: 0 }),
      peer('other-zone', { ...able, labels: { zone: 'us' } }),
      peer('no-label', { gpu: 1 }),
      peer('full', { ...able, free: 0, memoryFree: 0 })
    ]

    expect(pick(t, peers)).toEqual({ candidates: ['able', 'full'] })
  })

  it('returns at most d, those with a free slot first', () => {
    const peers = [
      peer('one', { free: 1 }),
      peer('none', { free: 0 }),
      peer('four', { free: 4 }),
      peer('also-none', { free: 0 })
    ]

    // with no jitter, ties keep the view's order
    expect(pick(task(), peers, { d: 2 })).toEqual({ candidates: ['one', 'four'] })
    expect(pick(task(), peers, { d: 1 })).toEqual({ candidates: ['one'] })
    expect(pick(task(), peers, { d: 9 })).toEqual({
      candidates: ['one', 'four', 'none', 'also-none']
    })
  })

  it('skips the excluded peers, even the best', () => {
    const peers = [peer('best'), peer('good', { free: 2 }), peer('poor', { free: 0 })]

    expect(pick(task(), peers, { exclude: new Set(['best']), d: 2 })).toEqual({
      candidates: ['good', 'poor']
    })
  })

  it('asks the excluded peers after all when no other peer could run the task', () => {
    const peers = [peer('lost', { free: 0 }), peer('render-only', { kinds: ['render'] })]

    expect(pick(task(), peers, { exclude: new Set(['lost']) })).toEqual({ candidates: ['lost'] })
  })
})

describe('pickCandidates ranking', () => {
  it('ranks a node with a slot free for the task above one without, from the adverts', () => {
    const from = (peerId: string, slots: { total: number; busy: number; queued: number }) => ({
      peerId,
      offer: offerOf(advert({ kinds: ['sha256'], slots, memory: { total: 8 * GIB, free: GIB } }))
    })
    const peers = [
      from('queued-up', { total: 4, busy: 4, queued: 3 }),
      from('one-free', { total: 16, busy: 12, queued: 3 }),
      from('two-free', { total: 4, busy: 1, queued: 1 })
    ]

    expect(pick(task(), peers)).toEqual({ candidates: ['one-free', 'two-free', 'queued-up'] })
    // one free slot is none for a task of two
    expect(pick(task({ needs: { slots: 2 } }), peers)).toEqual({
      candidates: ['two-free', 'queued-up', 'one-free']
    })
  })

  it('spreads picks at random over the nodes with a free slot, however free each looks', () => {
    const peers = [
      peer('idle', { free: 4 }),
      peer('three', { free: 3 }),
      peer('one', { free: 1 }),
      peer('full', { free: 0 })
    ]
    const random = seeded(7)
    const firsts = new Map<string, number>()

    for (let i = 0; i < 3_000; i++) {
      const picked = pick(task(), peers, { d: 1, random })
      const first = 'candidates' in picked ? (picked.candidates[0] as string) : ''
      firsts.set(first, (firsts.get(first) ?? 0) + 1)
    }

    // many submitters reading the same adverts must not all go to the freest
    for (const name of ['idle', 'three', 'one']) {
      expect(firsts.get(name)).toBeGreaterThan(800)
    }
    expect(firsts.get('full')).toBeUndefined()
  })

  it('puts the holders of the input first, the first owner before the second', () => {
    const peers = [
      peer('idle'),
      peer('second', { free: 0 }),
      peer('first', { free: 0 }),
      peer('half', { free: 2 })
    ]
    const owners = ring({ block: ['first', 'second'] })

    expect(pick(task({ inputs: ['block'] }), peers, { owners })).toEqual({
      candidates: ['first', 'second', 'idle', 'half']
    })
  })

  it('ranks by how much of the input a peer owns', () => {
    const peers = [peer('none'), peer('one', { free: 0 }), peer('two', { free: 0 })]
    const owners = ring({ a: ['two'], b: ['two'], c: ['one'] })

    expect(pick(task({ inputs: ['a', 'b', 'c'] }), peers, { owners })).toEqual({
      candidates: ['two', 'one', 'none']
    })
  })

  it('ranks holders first within the d it returns', () => {
    const peers = [peer('idle-1'), peer('idle-2'), peer('holder', { free: 0 })]
    const owners = ring({ block: ['holder', 'not-a-peer'] })

    expect(pick(task({ inputs: ['block'] }), peers, { owners, d: 1 })).toEqual({
      candidates: ['holder']
    })
  })

  it('does not let the jitter put a non-holder above the holder', () => {
    const peers = [peer('idle'), peer('holder', { free: 0 })]
    const owners = ring({ block: ['holder'] })

    for (const random of [sequence(0.999, 0), sequence(0, 0.999), sequence(0.999)]) {
      expect(pick(task({ inputs: ['block'] }), peers, { owners, random })).toEqual({
        candidates: ['holder', 'idle']
      })
    }
  })

  it('breaks ties between equal peers by the jitter', () => {
    const peers = [peer('a'), peer('b'), peer('c')]

    expect(pick(task(), peers, { random: sequence(0.1, 0.9, 0.5) })).toEqual({
      candidates: ['b', 'c', 'a']
    })
    expect(pick(task(), peers, { random: sequence(0.8, 0.2, 0.6) })).toEqual({
      candidates: ['a', 'c', 'b']
    })
  })

  it('may rank a free node above a later owner of a copy, never above the first owner', () => {
    const peers = [peer('free'), peer('first', { free: 0 }), peer('third', { free: 0 })]
    const owners = ring({ block: ['first', 'second', 'third'] })
    const orders = new Set<string>()
    const random = seeded(3)

    for (let i = 0; i < 200; i++) {
      const picked = pick(task({ inputs: ['block'] }), peers, { owners, random })
      if ('candidates' in picked) orders.add(picked.candidates.join(' '))
    }

    expect(orders).toEqual(new Set(['first free third', 'first third free']))
  })

  it('does not let the jitter outweigh a free slot', () => {
    const peers = [peer('full', { free: 0 }), peer('idle')]

    expect(pick(task(), peers, { random: sequence(0.999, 0) })).toEqual({
      candidates: ['idle', 'full']
    })
  })
})

describe('pickCandidates reasons', () => {
  it('says there is no live node when there are no peers', () => {
    expect(pick(task(), [])).toEqual({ reason: 'no live node' })
  })

  it('says no node runs the kind', () => {
    const peers = [peer('a', { kinds: ['render'] }), peer('b', { kinds: [] })]

    expect(pick(task(), peers)).toEqual({ reason: 'no live node runs kind "sha256"' })
  })

  it('names the label no runner offers', () => {
    const peers = [peer('a', { labels: { zone: 'us' } }), peer('b')]

    expect(pick(task({ needs: { labels: { zone: 'eu' } } }), peers)).toEqual({
      reason: 'no live node that runs "sha256" offers label zone=eu'
    })
  })

  it('names the total need no runner meets, with the most any has', () => {
    const peers = [peer('a', { gpu: 1 }), peer('b', { slots: 2, free: 2 })]

    expect(pick(task({ needs: { gpu: 2 } }), peers)).toEqual({
      reason: 'no live node that runs "sha256" has 2 GPUs (the most is 1)'
    })
    expect(pick(task({ needs: { slots: 8 } }), peers)).toEqual({
      reason: 'no live node that runs "sha256" has 8 slots (the most is 4)'
    })
    expect(pick(task({ needs: { memory: 16_384 } }), peers)).toEqual({
      reason: 'no live node that runs "sha256" has 16384 MiB of memory (the most is 8192 MiB)'
    })
  })

  it('gives the reason whatever peers are excluded', () => {
    const peers = [peer('a', { kinds: ['render'] })]

    expect(pick(task(), peers, { exclude: new Set(['a']) })).toEqual({
      reason: 'no live node runs kind "sha256"'
    })
  })
})

describe('pickWithRoom', () => {
  /** Room for a 4-slot node of default depth with `free` slots free. */
  const roomWith = (free: number): number => free + 4 * DEFAULT_QUEUE_DEPTH

  function withRoom(t: CandidateTask, rooms: Map<string, number>, init: Partial<PickInit> = {}) {
    const peers = [...rooms.keys()].map((id) => peer(id))
    return pickWithRoom(t, { peers, rooms, d: 1, owners: () => [], random: () => 0, ...init })
  }

  it('ranks by whether room leaves a slot free, and counts each pick against its first', () => {
    const rooms = new Map([
      ['a', roomWith(0)],
      ['b', roomWith(2)]
    ])

    expect(withRoom(task(), rooms)).toEqual({ candidates: ['b'] })
    expect(withRoom(task(), rooms)).toEqual({ candidates: ['b'] })
    // b has no slot free now, as a has none: the tie goes by the order of the peers
    expect(rooms.get('b')).toBe(roomWith(0))
    expect(withRoom(task(), rooms)).toEqual({ candidates: ['a'] })
  })

  it('asks the first owner of the input even when it looks full', () => {
    const rooms = new Map([
      ['owner', 0],
      ['other', roomWith(4)]
    ])

    const picked = withRoom(task({ inputs: ['x'] }), rooms, { owners: ring({ x: ['owner'] }) })

    expect(picked).toEqual({ candidates: ['owner'] })
  })

  it('tells a task that waits for room from one no node can run', () => {
    const rooms = new Map([['a', 0]])

    expect(withRoom(task(), rooms)).toEqual({
      reason: 'waiting for room on the nodes that can run it',
      busy: true
    })
    expect(withRoom(task({ kind: 'render' }), rooms)).toMatchObject({ busy: false })
  })
})
