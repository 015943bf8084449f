/**
 * How much more work each node could take, as the submitting node believes:
 * what the node said in its last answer (the `room` of its proposals), less
 * the offers sent to it since, plus what it finished or was released from
 * since. Pure. A belief older than `staleAfter` gives way to what the node's
 * advert says, so a node whose room came back unseen is asked again.
 *
 * The submitter auctions only as many tasks as the mesh has room for, and
 * asks only nodes with room, so a burst of thousands of tasks does not turn
 * into thousands of refused calls for proposals.
 */
import { DEFAULT_QUEUE_DEPTH } from './bidder.js'
import type { NodeOffer } from './needs.js'

/** How long a node's own word on its room holds. */
export const ROOM_STALE_AFTER = 1_000 // ms

interface Belief {
  room: number
  at: number
}

export class RoomBook {
  private readonly beliefs = new Map<string, Belief>()
  private readonly staleAfter: number

  constructor(staleAfter = ROOM_STALE_AFTER) {
    this.staleAfter = staleAfter
  }

  /** The room a node said it has. */
  set(peer: string, room: number, now: number): void {
    this.beliefs.set(peer, { room, at: now })
  }

  /**
   * Changes the belief by `delta`: negative for offers sent, positive for
   * work done or released. Without an advert to start from, only a belief
   * still fresh is changed: a stale one has given way to the advert, which
   * shows the change by itself.
   */
  add(peer: string, delta: number, now: number, offer?: NodeOffer): void {
    const belief = this.beliefs.get(peer)

    if (belief !== undefined && now - belief.at <= this.staleAfter) {
      belief.room += delta
    } else if (offer !== undefined) {
      this.beliefs.set(peer, { room: fromAdvert(offer) + delta, at: now })
    }
  }

  /** The room a node has, by its word or else by its advert. */
  get(peer: string, offer: NodeOffer, now: number): number {
    const belief = this.beliefs.get(peer)

    if (belief !== undefined && now - belief.at <= this.staleAfter) {
      return belief.room
    }

    return fromAdvert(offer)
  }

  forget(peer: string): void {
    this.beliefs.delete(peer)
  }
}

/** Room by an advert: what a node of default queue depth takes, less what it runs and queues. */
export function fromAdvert(offer: NodeOffer): number {
  return Math.max(0, offer.slots * (1 + DEFAULT_QUEUE_DEPTH) - offer.taken)
}

/**
 * The slots a node of default queue depth has free when it has `room`: the
 * room beyond its queue. A node with a shallower queue counts as having
 * none free, which only ranks it by locality and chance.
 */
export function freeSlots(room: number, slots: number): number {
  return Math.max(0, Math.min(slots, room - slots * DEFAULT_QUEUE_DEPTH))
}
