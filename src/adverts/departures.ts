/**
 * Departure notices. A node whose failure detector finds a peer gone tells
 * the mesh in its next adverts, for one TTL; a node that reads a notice about
 * a peer still in its view, with no newer advert, probes that peer itself. A
 * notice alone removes no one, so a false one costs a ping, not a peer.
 * Pure: no I/O.
 */

import type { PeerId } from '@libp2p/interface'
import { peerIdFromMultihash } from '@libp2p/peer-id'
import * as Digest from 'multiformats/hashes/digest'
import type { Departure } from './pb/advert.js'
import { MAX_DEPARTED } from './validate.js'
import type { MeshView } from './view.js'

/** The notices this node sends. */
export class DepartureNotices {
  private readonly notices = new Map<string, { departure: Departure; until: number }>()

  /** Notes a peer found gone, to tell of until `until` (ms since the epoch). */
  add(peer: PeerId, seq: number, until: number): void {
    this.notices.delete(peer.toString())
    this.notices.set(peer.toString(), { departure: { peer: peer.toMultihash().bytes, seq }, until })
  }

  /** The notices still due at `now`, newest last, at most as many as an advert may carry. */
  current(now: number): Departure[] {
    for (const [id, { until }] of this.notices) {
      if (until < now) this.notices.delete(id)
    }

    return [...this.notices.values()].slice(-MAX_DEPARTED).map(({ departure }) => departure)
  }
}

/**
 * The peers of another node's notices worth probing: in our view, not
 * ourselves, and with no advert newer than the one the notice names.
 */
export function suspectsFrom(
  departed: readonly Departure[],
  view: MeshView,
  self: string
): PeerId[] {
  return departed.flatMap(({ peer, seq }) => {
    let id: PeerId

    try {
      id = peerIdFromMultihash(Digest.decode(peer))
    } catch {
      return []
    }

    const known = view.get(id.toString())?.advert.seq

    return id.toString() !== self && known !== undefined && known <= seq ? [id] : []
  })
}
