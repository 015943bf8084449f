import { describe, expect, it } from 'vitest'
import { DEFAULT_QUEUE_DEPTH } from '../../src/scheduler/bidder.js'
import {
  budget,
  type DispatchState,
  MAX_IN_AUCTION,
  MIN_ROUND,
  nextStep,
  ROUND_SIZE
} from '../../src/scheduler/dispatch.js'
import { RoomBook } from '../../src/scheduler/room.js'
import { offer } from './offers.js'

/** An idle queue of 1 task on a mesh with room for 99 in auctions among 3 (33 each). */
function state(overrides: Partial<DispatchState> = {}): DispatchState {
  return {
    queued: 1,
    inAuction: 0,
    room: 99,
    asked: 33,
    queuedOut: 0,
    gathered: false,
    ...overrides
  }
}

describe('nextStep', () => {
  it('auctions all that wait among d candidates while the auctions can take them', () => {
    expect(nextStep(state())).toEqual({ take: 1, backlog: false })
    expect(nextStep(state({ queued: 33 }))).toEqual({ take: 33, backlog: false })
  })

  it('asks each task of one node, as many as there is room for, under a backlog', () => {
    expect(nextStep(state({ queued: 34 }))).toEqual({ take: 34, backlog: true })
    expect(nextStep(state({ queued: 500 }))).toEqual({ take: 99, backlog: true })
    expect(nextStep(state({ queued: 5_000, room: 1_000, asked: 333 }))).toEqual({
      take: ROUND_SIZE,
      backlog: true
    })
  })

  it('waits for room when there is none, or when the auctions are full', () => {
    expect(nextStep(state({ room: 0, asked: 0 }))).toEqual({ wait: 'room' })
    expect(nextStep(state({ inAuction: MAX_IN_AUCTION }))).toEqual({ wait: 'room' })
    expect(nextStep(state({ queued: 10, inAuction: MAX_IN_AUCTION - 4 }))).toEqual({
      take: 4,
      backlog: true
    })
  })

  it('gathers a small round under a backlog while the nodes hold enough to stay busy', () => {
    const small = state({ queued: 1_000, room: 2, asked: 0, queuedOut: MIN_ROUND })

    expect(nextStep(small)).toEqual({ wait: 'gather' })
    // once held back long enough, the small round goes
    expect(nextStep({ ...small, gathered: true })).toEqual({ take: 2, backlog: true })
    // nodes that could run dry are not kept waiting
    expect(nextStep({ ...small, queuedOut: MIN_ROUND - 1 })).toEqual({ take: 2, backlog: true })
    // a round as large as what waits is not small
    expect(nextStep({ ...small, queued: 2, asked: 2 })).toEqual({ take: 2, backlog: false })
  })
})

describe('budget', () => {
  const idle = fromDepth(4)

  function fromDepth(slots: number): number {
    return slots * (1 + DEFAULT_QUEUE_DEPTH)
  }

  it('sums the room of the nodes that run tasks, by their adverts or their word', () => {
    const book = new RoomBook()
    const peers = [
      { peerId: 'a', offer: offer() },
      { peerId: 'b', offer: offer() },
      { peerId: 'submitter', offer: offer({ slots: 0, free: 0 }) }
    ]

    expect(budget(peers, book, 0)).toEqual({ room: 2 * idle, asked: Math.floor((2 * idle) / 2) })

    book.set('a', 0, 0)

    expect(budget(peers, book, 0)).toEqual({ room: idle, asked: idle })
  })

  it('divides the room by d, or by the nodes with room when fewer', () => {
    const book = new RoomBook()
    const peers = ['a', 'b', 'c', 'd'].map((peerId) => ({ peerId, offer: offer() }))

    expect(budget(peers, book, 0, 3).asked).toBe(Math.floor((4 * idle) / 3))
    expect(budget(peers, book, 0, 1).asked).toBe(4 * idle)
  })

  it('lets tasks go to auction to learn why when no node runs any', () => {
    const peers = [{ peerId: 'submitter', offer: offer({ slots: 0, free: 0 }) }]

    expect(budget(peers, new RoomBook(), 0)).toEqual({ room: ROUND_SIZE, asked: ROUND_SIZE })
  })
})
