import { describe, expect, it } from 'vitest'
import { DEFAULT_QUEUE_DEPTH } from '../../src/scheduler/bidder.js'
import { freeSlots, fromAdvert, ROOM_STALE_AFTER, RoomBook } from '../../src/scheduler/room.js'
import { offer as node, type OfferOverrides } from './offers.js'

/** A node with 4 slots, 3 of them free: room 3 + 4 × depth by its advert. */
function offer(overrides: OfferOverrides = {}) {
  return node({ kinds: ['work'], free: 3, ...overrides })
}

const advertised = fromAdvert(offer())

describe('fromAdvert', () => {
  it('is what a node of default depth takes, less what it runs and queues', () => {
    expect(advertised).toBe(3 + 4 * DEFAULT_QUEUE_DEPTH)
    expect(fromAdvert(offer({ slots: 2, free: 0 }))).toBe(2 * DEFAULT_QUEUE_DEPTH)
    // a queue deeper than the slots shows in the units taken, not in the free slots
    expect(fromAdvert(offer({ slots: 2, free: 0, taken: 12 }))).toBe(2 * DEFAULT_QUEUE_DEPTH - 10)
    expect(fromAdvert(offer({ slots: 1, free: 0, taken: 1_000 }))).toBe(0)
    expect(fromAdvert(offer({ slots: 0, free: 0 }))).toBe(0)
  })
})

describe('freeSlots', () => {
  it('is the room beyond the queue of a node of default depth, between 0 and its slots', () => {
    expect(freeSlots(4 + 4 * DEFAULT_QUEUE_DEPTH, 4)).toBe(4)
    expect(freeSlots(1 + 4 * DEFAULT_QUEUE_DEPTH, 4)).toBe(1)
    expect(freeSlots(4 * DEFAULT_QUEUE_DEPTH, 4)).toBe(0)
    expect(freeSlots(3, 4)).toBe(0)
    expect(freeSlots(fromAdvert(offer()), 4)).toBe(3)
  })
})

describe('RoomBook', () => {
  it("goes by a node's advert until the node has said otherwise", () => {
    const book = new RoomBook()

    expect(book.get('p', offer(), 0)).toBe(advertised)
    expect(book.get('p', offer({ free: 0 }), 0)).toBe(4 * DEFAULT_QUEUE_DEPTH)
  })

  it("goes by a node's word while it is fresh, whatever the advert says", () => {
    const book = new RoomBook()

    book.set('p', 5, 1_000)

    expect(book.get('p', offer(), 1_000)).toBe(5)
    expect(book.get('p', offer({ free: 0, slots: 100 }), 1_000 + ROOM_STALE_AFTER)).toBe(5)
  })

  it('gives way to the advert once the word is older than ROOM_STALE_AFTER', () => {
    const book = new RoomBook()

    book.set('p', 5, 1_000)

    expect(book.get('p', offer(), 1_001 + ROOM_STALE_AFTER)).toBe(advertised)
  })

  it('goes stale after the time it was made with', () => {
    const book = new RoomBook(100)

    book.set('p', 5, 0)

    expect(book.get('p', offer(), 100)).toBe(5)
    expect(book.get('p', offer(), 101)).toBe(advertised)
  })

  it('takes a new word over the old one, and freshens it', () => {
    const book = new RoomBook(100)

    book.set('p', 5, 0)
    book.set('p', 2, 90)

    expect(book.get('p', offer(), 150)).toBe(2)
    expect(book.get('p', offer(), 191)).toBe(advertised)
  })

  it('keeps each node apart', () => {
    const book = new RoomBook()

    book.set('p', 5, 0)
    book.add('p', -1, 0)

    expect(book.get('p', offer(), 0)).toBe(4)
    expect(book.get('q', offer(), 0)).toBe(advertised)
  })

  describe('add', () => {
    it('changes a fresh word by the delta, without freshening it', () => {
      const book = new RoomBook(100)

      book.set('p', 10, 0)
      book.add('p', -3, 50)
      book.add('p', 1, 100, offer())

      expect(book.get('p', offer(), 100)).toBe(8)
      expect(book.get('p', offer(), 101)).toBe(advertised)
    })

    it('starts from the advert when there is no word, and that belief is fresh from then', () => {
      const book = new RoomBook(100)

      book.add('p', -2, 1_000, offer())

      expect(book.get('p', offer({ free: 0 }), 1_000)).toBe(advertised - 2)

      book.add('p', -1, 1_050)

      expect(book.get('p', offer(), 1_100)).toBe(advertised - 3)
      expect(book.get('p', offer(), 1_101)).toBe(advertised)
    })

    it('starts from the advert, not the stale word', () => {
      const book = new RoomBook(100)

      book.set('p', 10, 0)
      book.add('p', -1, 500, offer())

      expect(book.get('p', offer(), 500)).toBe(advertised - 1)
    })

    it('changes nothing without a fresh word or an advert to start from', () => {
      const book = new RoomBook(100)

      book.add('p', -5, 0)

      expect(book.get('p', offer(), 0)).toBe(advertised)

      book.set('q', 10, 0)
      book.add('q', -5, 500)

      expect(book.get('q', offer(), 500)).toBe(advertised)

      book.set('q', 10, 600)

      expect(book.get('q', offer(), 600)).toBe(10)
    })
  })

  describe('forget', () => {
    it("drops a node's word, so its advert counts again", () => {
      const book = new RoomBook()

      book.set('p', 5, 0)
      book.forget('p')

      expect(book.get('p', offer(), 0)).toBe(advertised)

      book.add('p', -1, 0)

      expect(book.get('p', offer(), 0)).toBe(advertised)
      expect(() => book.forget('never')).not.toThrow()
    })
  })
})
