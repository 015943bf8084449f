import { describe, expect, it } from 'vitest'
import { type OpenBid, OpenBids } from '../../src/scheduler/open-bids.js'

/** `count` one-slot bids of `submitter`, oldest first. */
function bids(submitter: string, count: number): OpenBid[] {
  return Array.from({ length: count }, () => ({ submitter, needs: { slots: 1 } }))
}

/** Open bids holding what `bids` hold. */
function holding(...all: OpenBid[][]): OpenBids {
  const open = new OpenBids()
  for (const bid of all.flat()) open.add(bid.submitter, bid.needs.slots)
  return open
}

describe('open bids giving way', () => {
  it('shares a full node among every submitter with open bids, the asker counted', () => {
    // two ids of one attacker fill a node of 8 between them
    const mallory = bids('mallory', 4)
    const eve = bids('eve', 4)
    const open = holding(mallory, eve)
    const newestFirst = [...mallory, ...eve].reverse()

    // a share of 8 / 3: each attacker gives up its newest above 2
    const giving = open.toGiveWay('alice', 3, newestFirst, 8, 1)

    expect(giving).toHaveLength(3)
    expect(giving.every((bid) => bid.submitter !== 'alice')).toBe(true)
  })

  it('drops nothing when it cannot free what the asker needs', () => {
    const alice = bids('alice', 6)
    const open = holding(alice)

    // a share of 8 / 2 = 4: only 2 of alice's can go, and bob needs 4
    expect(open.toGiveWay('bob', 4, [...alice].reverse(), 8, 1)).toEqual([])
    expect(open.toGiveWay('bob', 2, [...alice].reverse(), 8, 1)).toHaveLength(2)
  })

  it('never takes from the asker, nor from one within its share', () => {
    const alice = bids('alice', 4)
    const bob = bids('bob', 3)
    const open = holding(alice, bob)

    expect(open.toGiveWay('alice', 1, [...alice, ...bob].reverse(), 8, 1)).toEqual([])
  })

  it('remembers a bid that gave way once, and only so many', () => {
    const open = new OpenBids()
    open.gaveWayAt('alice/t1')

    expect(open.gaveWayFor('alice/t1')).toBe(true)
    expect(open.gaveWayFor('alice/t1')).toBe(false)

    for (let i = 0; i < 5_000; i++) open.gaveWayAt(`x/${i}`)
    expect(open.gaveWayFor('x/0')).toBe(false)
    expect(open.gaveWayFor('x/4999')).toBe(true)
  })
})
