/**
 * The view: every live peer of the mesh with its latest advert. Pure: it is
 * told what arrived and what the failure detector decided, with the time, and
 * says who joined, changed and left. The scheduler bids on it and the ring
 * places data on it, so every node must come to the same view quickly.
 *
 * A peer leaves the view when its latest advert is older than `ttlIntervals`
 * of the intervals it announced (`expired`), when the failure detector finds
 * it unreachable (`disconnected`), or when it says it is stopping
 * (`stopped`). Adverts it sent before it left, still on their way through
 * the mesh, do not bring it back: only a newer sequence number does.
 */
import { TypedEventEmitter } from 'main-event'
import type { Advert } from './pb/advert.js'

/** Intervals without an advert before a peer expires. */
export const DEFAULT_TTL_INTERVALS = 3
/** Departed peers whose last sequence number is remembered. */
const MAX_TOMBSTONES = 4_096
/**
 * Live peers the view holds at most. A member that signs adverts with ever
 * new keys fills it no further; the ones it already holds stay.
 */
export const MAX_VIEW_PEERS = 10_000

export type LeaveReason = 'expired' | 'disconnected' | 'stopped'

/** The sequence number and send time of a peer's latest advert. */
export interface SeqTime {
  seq: number
  time: number
}

/** One live peer as the view holds it. */
export interface ViewEntry {
  peerId: string
  advert: Advert
  /** When its latest advert arrived, by our clock, ms since the epoch. */
  receivedAt: number
  /** When it joined the view. */
  joinedAt: number
}

export interface PeerLeft {
  peerId: string
  reason: LeaveReason
  /** Its last advert. */
  advert: Advert
}

export interface MeshViewEvents {
  'peer:joined': CustomEvent<ViewEntry>
  'peer:updated': CustomEvent<ViewEntry>
  'peer:left': CustomEvent<PeerLeft>
}

export interface MeshViewInit {
  /**
   * Intervals without an advert before a peer expires.
   *
   * @default 3
   */
  ttlIntervals?: number
}

export class MeshView extends TypedEventEmitter<MeshViewEvents> {
  private readonly live = new Map<string, ViewEntry>()
  /** Last sequence numbers and times of departed peers, oldest departure first. */
  private readonly departed = new Map<string, SeqTime>()
  private readonly ttlIntervals: number

  constructor(init: MeshViewInit = {}) {
    super()
    this.ttlIntervals = init.ttlIntervals ?? DEFAULT_TTL_INTERVALS
  }

  /** How many peers are live. */
  get size(): number {
    return this.live.size
  }

  /** Every live peer. */
  entries(): ViewEntry[] {
    return [...this.live.values()]
  }

  get(peerId: string): ViewEntry | undefined {
    return this.live.get(peerId)
  }

  has(peerId: string): boolean {
    return this.live.has(peerId)
  }

  /** The highest sequence number seen from a peer, live or departed, with that advert's time. */
  last(peerId: string): SeqTime | undefined {
    const advert = this.live.get(peerId)?.advert

    return advert === undefined ? this.departed.get(peerId) : { seq: advert.seq, time: advert.time }
  }

  /** Whether a peer not yet in the view would find room. */
  hasRoomFor(peerId: string): boolean {
    return this.live.has(peerId) || this.live.size < MAX_VIEW_PEERS
  }

  /** How long a peer's advert stays good, in ms. */
  ttl(advert: Advert): number {
    return advert.interval * this.ttlIntervals
  }

  /**
   * Takes in an advert that passed validation. Returns what it did to the
   * view: an advert older than what the view knows changes nothing.
   */
  apply(
    peerId: string,
    advert: Advert,
    now: number
  ): 'joined' | 'updated' | 'left' | 'stale' | 'full' {
    const known = this.last(peerId)

    if (known !== undefined && advert.seq <= known.seq) {
      return 'stale'
    }

    if (advert.leaving) {
      this.remove(peerId, 'stopped')
      this.depart(peerId, { seq: advert.seq, time: advert.time })
      return 'left'
    }

    if (!this.hasRoomFor(peerId)) {
      return 'full'
    }

    const previous = this.live.get(peerId)
    const entry: ViewEntry = {
      peerId,
      advert,
      receivedAt: now,
      joinedAt: previous?.joinedAt ?? now
    }
    this.live.set(peerId, entry)

    if (previous === undefined) {
      this.departed.delete(peerId)
      this.safeDispatchEvent('peer:joined', { detail: entry })
      return 'joined'
    }

    this.safeDispatchEvent('peer:updated', { detail: entry })
    return 'updated'
  }

  /** Removes a peer, remembering its last sequence number. Returns whether it was live. */
  remove(peerId: string, reason: LeaveReason): boolean {
    const entry = this.live.get(peerId)

    if (entry === undefined) {
      return false
    }

    this.live.delete(peerId)
    this.depart(peerId, { seq: entry.advert.seq, time: entry.advert.time })
    this.safeDispatchEvent('peer:left', { detail: { peerId, reason, advert: entry.advert } })

    return true
  }

  /** Removes every peer whose latest advert is older than its TTL; returns their ids. */
  expire(now: number, keep?: string): string[] {
    const expired = this.entries()
      .filter((entry) => entry.peerId !== keep && now - entry.receivedAt > this.ttl(entry.advert))
      .map((entry) => entry.peerId)

    for (const peerId of expired) {
      this.remove(peerId, 'expired')
    }

    return expired
  }

  /** Empties the view, without events: for a node that stops. */
  clear(): void {
    this.live.clear()
    this.departed.clear()
  }

  private depart(peerId: string, last: SeqTime): void {
    this.departed.delete(peerId)
    this.departed.set(peerId, last)

    for (const peerId of this.departed.keys()) {
      if (this.departed.size <= MAX_TOMBSTONES) {
        break
      }

      this.departed.delete(peerId)
    }
  }
}
