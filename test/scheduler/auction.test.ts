import { describe, expect, it } from 'vitest'
import {
  Auction,
  bidCost,
  DEFAULT_AUCTION_WINDOW,
  FETCH_BYTES_PER_MS,
  LOCALITY_PATIENCE
} from '../../src/scheduler/auction.js'
import type { BidTerms } from '../../src/scheduler/bidder.js'

const WINDOW = DEFAULT_AUCTION_WINDOW

/** A bid that starts at once and runs 10 ms with its input at hand; override what a test is about. */
function bid(overrides: Partial<BidTerms> = {}): BidTerms {
  return { startDelay: 0, runTime: 10, fetchBytes: 0, expires: 2_000, ...overrides }
}

/** A random function that returns `values` in turn. */
function sequence(...values: number[]): () => number {
  let i = 0

  return () => values[i++ % values.length] ?? 0
}

/** An auction among `candidates`, opened at 0, with no jitter between them. */
function auction(candidates: string[], holders: string[] = [], window = WINDOW): Auction {
  return new Auction(candidates, 0, () => 0, window, new Set(holders))
}

/** Every winner in turn, as `nextWinner` hands them out, and what it says after the last. */
function winners(a: Auction): Array<string | undefined> {
  return Array.from({ length: a.candidates.length + 1 }, () => a.nextWinner())
}

describe('bidCost', () => {
  it('adds the start delay, the run time and the time to fetch the input', () => {
    expect(bidCost(bid({ startDelay: 30, runTime: 12 }))).toBe(42)
    expect(bidCost(bid({ startDelay: 0, runTime: 0, fetchBytes: 8 * 1024 * 1024 }))).toBeCloseTo(
      1_000,
      9
    )
    expect(
      bidCost(bid({ startDelay: 5, runTime: 20, fetchBytes: 250 * FETCH_BYTES_PER_MS }))
    ).toBeCloseTo(275, 9)
  })
})

describe('Auction closing', () => {
  it('keeps what it was opened with', () => {
    const a = new Auction(['a', 'b'], 1_234, () => 0)

    expect(a.candidates).toEqual(['a', 'b'])
    expect(a.openedAt).toBe(1_234)
  })

  it('has no closing time and stays open while no bid is in, however long it has been', () => {
    const a = auction(['a', 'b', 'c'])

    expect(a.closesAt()).toBeUndefined()
    expect(a.closable(1_000_000)).toBe(false)

    a.answer({ peer: 'a', refusal: 'busy' }, 10)

    expect(a.closesAt()).toBeUndefined()
    expect(a.closable(1_000_000)).toBe(false)
  })

  it('closes as soon as every candidate has answered, before the window is out', () => {
    const a = auction(['a', 'b', 'c'])

    a.answer({ peer: 'a', bid: bid() }, 100)
    a.answer({ peer: 'b', refusal: 'busy' }, 101)

    expect(a.complete).toBe(false)
    expect(a.closable(102)).toBe(false)

    a.answer({ peer: 'c', bid: bid() }, 102)

    expect(a.complete).toBe(true)
    expect(a.closable(102)).toBe(true)
  })

  it('closes one window after the first bid, however long after the opening it came', () => {
    const a = auction(['a', 'b', 'c'])

    a.answer({ peer: 'a', refusal: 'busy' }, 10)
    a.answer({ peer: 'b', bid: bid() }, 300)

    expect(a.closesAt()).toBe(300 + WINDOW)

    a.answer({ peer: 'c', bid: bid() }, 320)

    expect(a.complete).toBe(true)
    expect(a.closesAt()).toBe(300 + WINDOW)
  })

  it('is not closable one ms before the window is out, and is at its end', () => {
    const a = auction(['a', 'b', 'c'])

    a.answer({ peer: 'a', bid: bid() }, 100)

    expect(a.closable(100 + WINDOW - 1)).toBe(false)
    expect(a.closable(100 + WINDOW)).toBe(true)
    expect(a.closable(100 + WINDOW + 500)).toBe(true)
  })

  it('takes the window it is given', () => {
    const a = auction(['a', 'b'], [], 7)

    a.answer({ peer: 'b', bid: bid() }, 20)

    expect(a.closesAt()).toBe(27)
    expect(a.closable(26)).toBe(false)
    expect(a.closable(27)).toBe(true)
  })

  it(`waits ${LOCALITY_PATIENCE} windows while a candidate that holds the input has not answered`, () => {
    const a = auction(['near', 'far', 'other'], ['near'])

    a.answer({ peer: 'far', bid: bid() }, 100)

    expect(a.closesAt()).toBe(100 + WINDOW * LOCALITY_PATIENCE)
    expect(a.closable(100 + WINDOW)).toBe(false)
    expect(a.closable(100 + WINDOW * LOCALITY_PATIENCE - 1)).toBe(false)
    expect(a.closable(100 + WINDOW * LOCALITY_PATIENCE)).toBe(true)
  })

  it('goes back to one window once the holders have answered, bid or refusal', () => {
    const a = auction(['near', 'also', 'far', 'other'], ['near', 'also'])

    a.answer({ peer: 'far', bid: bid() }, 100)
    a.answer({ peer: 'near', refusal: 'busy' }, 120)

    expect(a.closesAt()).toBe(100 + WINDOW * LOCALITY_PATIENCE)

    a.answer({ peer: 'also', bid: bid() }, 100 + 3 * WINDOW)

    expect(a.closesAt()).toBe(100 + WINDOW)
    expect(a.closable(100 + 3 * WINDOW)).toBe(true)
  })

  it('waits one window when the holder itself bid first, and ignores holders never asked', () => {
    const first = auction(['near', 'far'], ['near'])
    first.answer({ peer: 'near', bid: bid() }, 40)

    expect(first.closesAt()).toBe(40 + WINDOW)

    const unasked = auction(['a', 'b'], ['elsewhere'])
    unasked.answer({ peer: 'a', bid: bid() }, 40)

    expect(unasked.closesAt()).toBe(40 + WINDOW)
  })
})

describe('Auction answers', () => {
  it('ignores an answer from a peer that was never a candidate', () => {
    const a = auction(['a', 'b'])

    expect(a.answer({ peer: 'stranger', bid: bid({ runTime: 0 }) }, 10)).toBe(false)
    expect(a.closesAt()).toBeUndefined()
    expect(a.bids()).toEqual([])

    expect(a.answer({ peer: 'a', refusal: 'busy' }, 20)).toBe(true)
    expect(a.answer({ peer: 'b', refusal: 'busy' }, 30)).toBe(true)
    expect(a.complete).toBe(true)
    expect(a.nextWinner()).toBeUndefined()
  })

  it('keeps the first answer of a peer and ignores any later one', () => {
    const a = auction(['a', 'b'])

    expect(a.answer({ peer: 'a', refusal: 'busy' }, 10)).toBe(true)
    expect(a.answer({ peer: 'a', bid: bid() }, 20)).toBe(false)

    expect(a.complete).toBe(false)
    expect(a.closesAt()).toBeUndefined()
    expect(a.bids()).toEqual([])
    expect(a.refusals()).toEqual([{ peer: 'a', refusal: 'busy' }])

    const b = auction(['a', 'b'])
    b.answer({ peer: 'a', bid: bid({ runTime: 5 }) }, 10)
    b.answer({ peer: 'a', bid: bid({ runTime: 1 }) }, 15)

    expect(b.closesAt()).toBe(10 + WINDOW)
    expect(b.bids()).toEqual([{ peer: 'a', bid: bid({ runTime: 5 }) }])
  })

  it('records the refusals with their reasons, in the order they came', () => {
    const a = auction(['a', 'b', 'c', 'd'])

    a.answer({ peer: 'c', refusal: 'busy' }, 1)
    a.answer({ peer: 'b', bid: bid() }, 2)
    a.answer({ peer: 'a', refusal: 'lacks label zone=eu' }, 3)

    expect(a.refusals()).toEqual([
      { peer: 'c', refusal: 'busy' },
      { peer: 'a', refusal: 'lacks label zone=eu' }
    ])
  })
})

describe('Auction award', () => {
  const cheap = bid({ startDelay: 50, runTime: 10 })
  const middle = bid({ startDelay: 0, runTime: 100 })
  const remote = bid({ startDelay: 0, runTime: 10, fetchBytes: 200 * FETCH_BYTES_PER_MS })

  /** `remote` runs fastest but fetches 200 ms of input; `cheap` costs least in all. */
  function bidding(): Auction {
    const a = auction(['remote', 'middle', 'cheap', 'refuser'])

    a.answer({ peer: 'remote', bid: remote }, 1)
    a.answer({ peer: 'middle', bid: middle }, 2)
    a.answer({ peer: 'refuser', refusal: 'busy' }, 3)
    a.answer({ peer: 'cheap', bid: cheap }, 4)

    return a
  }

  it('lists the bids cheapest first by their cost, fetching included', () => {
    expect(bidding().bids()).toEqual([
      { peer: 'cheap', bid: cheap },
      { peer: 'middle', bid: middle },
      { peer: 'remote', bid: remote }
    ])
  })

  it('awards the cheapest bid, then walks down the bids as winners decline', () => {
    const a = bidding()

    expect(a.nextWinner()).toBe('cheap')
    expect(a.nextWinner()).toBe('middle')
    expect(a.nextWinner()).toBe('remote')
    expect(a.nextWinner()).toBeUndefined()
    expect(a.nextWinner()).toBeUndefined()
  })

  it('lets a bid that came after a winner declined take its place in the order', () => {
    const a = auction(['a', 'b', 'c'])

    a.answer({ peer: 'a', bid: bid({ runTime: 20 }) }, 1)
    a.answer({ peer: 'b', bid: bid({ runTime: 30 }) }, 2)

    expect(a.nextWinner()).toBe('a')

    a.answer({ peer: 'c', bid: bid({ runTime: 5 }) }, 3)

    expect(winners(a)).toEqual(['c', 'b', undefined, undefined])
  })

  it('breaks ties between equal bids by the jitter, not by the order of the candidates', () => {
    const answers = (a: Auction) => {
      for (const peer of ['a', 'b', 'c']) {
        a.answer({ peer, bid: bid() }, 1)
      }

      return a
    }

    const one = answers(new Auction(['a', 'b', 'c'], 0, sequence(0.9, 0.1, 0.5)))
    const other = answers(new Auction(['a', 'b', 'c'], 0, sequence(0.2, 0.7, 0.4)))

    expect(winners(one)).toEqual(['b', 'c', 'a', undefined])
    expect(winners(other)).toEqual(['a', 'c', 'b', undefined])
  })

  it('puts cost before the jitter', () => {
    const a = new Auction(['a', 'b'], 0, sequence(0.99, 0))

    a.answer({ peer: 'b', bid: bid({ runTime: 11 }) }, 1)
    a.answer({ peer: 'a', bid: bid({ runTime: 10 }) }, 2)

    expect(winners(a)).toEqual(['a', 'b', undefined])
  })

  it('names the other bidders as losers, cheapest first, and no one who refused', () => {
    const a = bidding()

    expect(a.losers('cheap')).toEqual(['middle', 'remote'])
    expect(a.losers('remote')).toEqual(['cheap', 'middle'])
    expect(a.losers()).toEqual(['cheap', 'middle', 'remote'])
  })

  it('has no winner and no losers when every answer is a refusal', () => {
    const a = auction(['a', 'b'])

    a.answer({ peer: 'a', refusal: 'busy' }, 1)
    a.answer({ peer: 'b', refusal: 'does not run "render"' }, 2)

    expect(a.closable(2)).toBe(true)
    expect(a.closesAt()).toBeUndefined()
    expect(a.bids()).toEqual([])
    expect(a.nextWinner()).toBeUndefined()
    expect(a.losers()).toEqual([])
  })
})

describe('Auction summary', () => {
  it('gives each distinct refusal once, with how many nodes gave it, then those that did not answer', () => {
    const a = auction(['a', 'b', 'c', 'd', 'e', 'f'])

    a.answer({ peer: 'a', refusal: 'busy' }, 1)
    a.answer({ peer: 'b', refusal: 'lacks label zone=eu' }, 2)
    a.answer({ peer: 'c', refusal: 'busy' }, 3)
    a.answer({ peer: 'd', bid: bid() }, 4)

    expect(a.summary()).toBe('busy (2 nodes); lacks label zone=eu; no answer (2 nodes)')

    a.answer({ peer: 'e', refusal: 'busy' }, 5)

    expect(a.summary()).toBe('busy (3 nodes); lacks label zone=eu; no answer')
  })

  it('is empty when every candidate bid, and names only the silence when no one answered', () => {
    const a = auction(['a', 'b'])

    expect(a.summary()).toBe('no answer (2 nodes)')

    a.answer({ peer: 'a', bid: bid() }, 1)
    a.answer({ peer: 'b', bid: bid() }, 2)

    expect(a.summary()).toBe('')
  })
})
