/**
 * One task's auction, on the submitting node. Pure: it is told the answers
 * as they come, with the time, and says when it may close and who wins.
 *
 * It closes when every candidate has answered, or once the window has
 * passed since the first bid came in: it never waits a fixed time for
 * answers that have already come, and a slow mesh (a loaded machine, a
 * candidate that answers at once because it is this node) still gives the
 * others the window to answer in. For a candidate that holds the task's
 * input it waits `LOCALITY_PATIENCE` windows instead (delay scheduling, as
 * in Hadoop's fair scheduler): moving the data costs more than a short
 * wait for the node that has it. The cheapest bid wins; a winner that
 * declines (its reservation lapsed) hands the award to the next.
 */
import type { BidTerms } from './bidder.js'

/** How long an auction waits for the last answers once it has a bid. */
export const DEFAULT_AUCTION_WINDOW = 50 // ms
/**
 * The rate a bid's input bytes are taken to arrive at, to weigh fetching
 * them against waiting: 8 MiB/s, well below what loopback moves, as Dask
 * and Ray also lean towards the node that holds the data. A remote read
 * costs a round trip, the holder's disk, hashing and a copy on both sides,
 * and the network it takes is shared by every task in the mesh, while a
 * wait in a queue costs only this task.
 */
export const FETCH_BYTES_PER_MS = (8 * 1024 * 1024) / 1000

/** What a bid costs the task: ms until its result, by the bidder's own estimate. */
export function bidCost(bid: BidTerms): number {
  return bid.startDelay + bid.runTime + bid.fetchBytes / FETCH_BYTES_PER_MS
}

/** Windows an auction waits for a candidate that holds the input. */
export const LOCALITY_PATIENCE = 10

export interface Answer {
  peer: string
  bid?: BidTerms
  refusal?: string
}

export class Auction {
  readonly candidates: readonly string[]
  readonly openedAt: number
  /** When it was awarded or given up, once it was. */
  closedAt?: number
  private readonly window: number
  private readonly holders: ReadonlySet<string>
  private readonly answers = new Map<string, Answer>()
  private readonly tried = new Set<string>()
  private firstBidAt?: number
  /** Random tie-breakers, so equal bids do not all go to the first candidate. */
  private readonly jitter: Map<string, number>

  /**
   * @param holders candidates that hold the task's input, waited for longer
   */
  constructor(
    candidates: readonly string[],
    openedAt: number,
    random: () => number,
    window = DEFAULT_AUCTION_WINDOW,
    holders: ReadonlySet<string> = new Set()
  ) {
    this.candidates = candidates
    this.openedAt = openedAt
    this.window = window
    this.holders = holders
    this.jitter = new Map(candidates.map((peer) => [peer, random()]))
  }

  /** Takes a candidate's answer; one from a peer not asked, or a second one, is ignored. */
  answer(answer: Answer, now: number): boolean {
    if (!this.jitter.has(answer.peer) || this.answers.has(answer.peer)) {
      return false
    }

    this.answers.set(answer.peer, answer)

    if (answer.bid !== undefined) {
      this.firstBidAt ??= now
    }

    return true
  }

  /** Whether every candidate has answered. */
  get complete(): boolean {
    return this.answers.size === this.candidates.length
  }

  /** Whether the auction may close now. */
  closable(now: number): boolean {
    const closes = this.closesAt()

    return this.complete || (closes !== undefined && now >= closes)
  }

  /** When it may close at the latest, with the answers in so far; undefined while no bid is in. */
  closesAt(): number | undefined {
    if (this.firstBidAt === undefined) {
      return undefined
    }

    const waiting = this.candidates.some(
      (peer) => this.holders.has(peer) && !this.answers.has(peer)
    )

    return this.firstBidAt + this.window * (waiting ? LOCALITY_PATIENCE : 1)
  }

  /** How many bids are in. */
  bidCount(): number {
    let count = 0

    for (const answer of this.answers.values()) {
      if (answer.bid !== undefined) count++
    }

    return count
  }

  /** The bids in, cheapest first. */
  bids(): Answer[] {
    return [...this.answers.values()]
      .filter((answer) => answer.bid !== undefined)
      .sort(
        (a, b) =>
          bidCost(a.bid as BidTerms) - bidCost(b.bid as BidTerms) ||
          (this.jitter.get(a.peer) ?? 0) - (this.jitter.get(b.peer) ?? 0)
      )
  }

  /** The cheapest bid not yet tried, marked tried; none when every bid has been. */
  nextWinner(): string | undefined {
    const next = this.bids().find((answer) => !this.tried.has(answer.peer))

    if (next !== undefined) {
      this.tried.add(next.peer)
    }

    return next?.peer
  }

  /** Bidders other than the winner, whose reservations are to be released. */
  losers(winner?: string): string[] {
    return this.bids()
      .map((answer) => answer.peer)
      .filter((peer) => peer !== winner)
  }

  /** The refusals, with their reasons. */
  refusals(): Answer[] {
    return [...this.answers.values()].filter((answer) => answer.refusal !== undefined)
  }

  /** Why no one bid: each distinct reason with how many gave it. */
  summary(): string {
    const reasons = new Map<string, number>()

    for (const { refusal } of this.refusals()) {
      reasons.set(refusal ?? '', (reasons.get(refusal ?? '') ?? 0) + 1)
    }

    const unanswered = this.candidates.length - this.answers.size

    if (unanswered > 0) {
      reasons.set('no answer', unanswered)
    }

    return [...reasons].map(([reason, n]) => (n > 1 ? `${reason} (${n} nodes)` : reason)).join('; ')
  }
}
