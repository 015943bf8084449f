/**
 * Where blocks belong: the consistent-hash ring over the live peers of the
 * view that offer storage, weighted by the capacity they advertise, kept in
 * step with the view. Every node builds the same ring from the same view.
 */

import { TypedEventEmitter } from 'main-event'
import type { CID } from 'multiformats/cid'
import type { MeshView, ViewEntry } from '../adverts/view.js'
import { HashRing, type RingMember } from '../ring/index.js'
import { ringKey } from './block.js'

export interface PlacementEvents {
  /** The ring's members or their weights changed: some blocks have new owners. */
  changed: CustomEvent<{ members: number }>
}

export class Placement extends TypedEventEmitter<PlacementEvents> {
  readonly ring = new HashRing()
  private readonly view: MeshView
  private changedAt = 0
  private readonly sync = (): void => this.update()

  constructor(view: MeshView) {
    super()
    this.view = view
  }

  start(): void {
    this.view.addEventListener('peer:joined', this.sync)
    this.view.addEventListener('peer:updated', this.sync)
    this.view.addEventListener('peer:left', this.sync)
    this.update()
  }

  stop(): void {
    this.view.removeEventListener('peer:joined', this.sync)
    this.view.removeEventListener('peer:updated', this.sync)
    this.view.removeEventListener('peer:left', this.sync)
  }

  /** When membership last changed, ms since the epoch. */
  get lastChange(): number {
    return this.changedAt
  }

  /** The r peers that own a block, in ring order. */
  owners(cid: CID, r: number): string[] {
    return this.ring.owners(ringKey(cid), r)
  }

  /** Every storing peer in ring order from the block: its owners first, then the next ones. */
  sequence(cid: CID): string[] {
    return this.ring.owners(ringKey(cid), this.ring.size)
  }

  /** Brings the ring in line with the view; a no-op when no member or weight changed. */
  update(now = Date.now()): void {
    const members = storingMembers(this.view.entries())
    const current = new Map(this.ring.members().map((m) => [m.id, m.weight]))
    const same =
      members.length === current.size && members.every((m) => current.get(m.id) === m.weight)

    if (same) {
      return
    }

    this.ring.update(members)
    this.changedAt = now
    this.safeDispatchEvent('changed', { detail: { members: members.length } })
  }
}

/** The peers of the view that offer storage, weighed by the capacity they offer. */
export function storingMembers(entries: readonly ViewEntry[]): RingMember[] {
  return entries
    .filter((entry) => (entry.advert.store?.capacity ?? 0) > 0)
    .map((entry) => ({ id: entry.peerId, weight: entry.advert.store?.capacity ?? 0 }))
}
