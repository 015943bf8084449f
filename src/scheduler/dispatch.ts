/**
 * How many queued tasks a submitter sends to auction next, and how. Pure:
 * from what is queued and in auction, the room the nodes have, and how
 * many of the submitter's tasks they hold, one step.
 *
 * - Only as many tasks go to auction as the mesh has room for, so a burst
 *   of thousands does not turn into thousands of refused calls.
 * - More waiting than auctions among d candidates can take is a backlog:
 *   each task is then asked of its one best node with room, so each node's
 *   room is spent once rather than d times and no losers need telling.
 * - Under a backlog, room that frees a task at a time is gathered into
 *   rounds of `MIN_ROUND` (fewer messages a task) while the nodes hold
 *   enough of the submitter's tasks beyond their slots to stay busy.
 */
import { DEFAULT_CANDIDATES, type PeerOffer } from './candidates.js'
import type { RoomBook } from './room.js'

/** Tasks in auction at once, at most. */
export const MAX_IN_AUCTION = 1_024
/** Tasks in one auction round, at most. */
export const ROUND_SIZE = 128
/**
 * Under a backlog, while the nodes hold at least this many of our tasks
 * beyond their slots, a round waits until it can take this many...
 */
export const MIN_ROUND = 16
/** ...for at most this long. */
export const GATHER_WAIT = 100 // ms

export interface Budget {
  /** Slot units the nodes have room for. */
  room: number
  /** Tasks the mesh can take in auctions that each ask d candidates. */
  asked: number
}

export interface DispatchState extends Budget {
  /** Tasks waiting in the queue. */
  queued: number
  inAuction: number
  /** Tasks of ours the nodes hold beyond their slots. */
  queuedOut: number
  /** Whether a small round was already held back for `GATHER_WAIT`. */
  gathered: boolean
}

export type Step =
  /** No room: wait until some appears. */
  | { wait: 'room' }
  /** A small round under a backlog: wait for more room, up to `GATHER_WAIT`. */
  | { wait: 'gather' }
  /** Auction the first `take` tasks; under a backlog each is asked of one candidate. */
  | { take: number; backlog: boolean }

/** The next step, for a queue that is not empty. */
export function nextStep(state: DispatchState): Step {
  const most = Math.min(ROUND_SIZE, MAX_IN_AUCTION - state.inAuction)
  const backlog = state.queued > Math.min(most, state.asked)
  const take = Math.min(most, backlog ? state.room : state.asked, state.queued)

  if (take < 1) {
    return { wait: 'room' }
  }

  if (!state.gathered && take < Math.min(MIN_ROUND, state.queued) && state.queuedOut >= MIN_ROUND) {
    return { wait: 'gather' }
  }

  return { take, backlog }
}

/**
 * The room the nodes that run tasks have now, as `book` believes, and the
 * tasks auctions among `d` of them can take. With no such node, a round's
 * worth, so the tasks go to auction and learn why they cannot run.
 */
export function budget(
  peers: readonly PeerOffer[],
  book: RoomBook,
  now: number,
  d = DEFAULT_CANDIDATES
): Budget {
  const runners = peers.filter((p) => p.offer.slots > 0)

  if (runners.length === 0) {
    return { room: ROUND_SIZE, asked: ROUND_SIZE }
  }

  let room = 0
  let withRoom = 0

  for (const { peerId, offer } of runners) {
    const free = book.get(peerId, offer, now)

    if (free > 0) {
      room += free
      withRoom++
    }
  }

  return { room, asked: Math.floor(room / Math.max(1, Math.min(d, withRoom))) }
}
