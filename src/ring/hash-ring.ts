/**
 * A consistent-hash ring over the peers of the view, with virtual nodes
 * weighted by the store capacity each peer advertises. Pure: members in,
 * owners out. Every node that holds the same members computes the same
 * owners for every key, whatever order the members arrived in.
 *
 * A peer of the median weight gets `vnodes` points; one of another weight
 * gets that many in proportion, rounded, at least one and at most
 * `MAX_VNODE_FACTOR` times as many. Membership changes are incremental: a
 * joining peer's points are merged into the sorted ring, a leaving peer's
 * points are filtered out, and when the median moves only the peers whose
 * count changed gain or lose their last points.
 */
import { InvalidConfigError } from '../errors.js'
import { keyPosition, MAX_POSITION, RING_SIZE } from './keys.js'
import { checkMember, compareIds, type RingMember, vnodeCount, Weights } from './members.js'
import { Points, type VnodeRun } from './points.js'
import { Slots } from './slots.js'

/** Points on the ring for a peer of the median weight. */
export const DEFAULT_VNODES = 256
/** The most points a peer of the median weight may be given. */
export const MAX_VNODES = 4_096

export interface HashRingInit {
  /**
   * Points on the ring for a peer of the median weight: an integer from 1
   * to `MAX_VNODES`. More points spread keys more evenly and cost memory
   * and time to change membership.
   *
   * @default 256
   */
  vnodes?: number
}

interface Entry extends RingMember {
  /** Its index in the table of ids, or -1 before it has one. */
  slot: number
  /** How many points it has on the ring. */
  vnodes: number
}

/**
 * The ring. Lookups take a fraction of a microsecond and allocate only the
 * array they return; membership changes cost the points that move, plus
 * one pass over the others.
 *
 * @example
 * ```ts
 * const ring = HashRing.from([
 *   { id: '12D3KooWA…', weight: 500e9 },
 *   { id: '12D3KooWB…', weight: 1e12 }
 * ])
 * const owners = ring.owners(cid.multihash.digest, 3) // up to 3 distinct peer ids
 * ring.remove('12D3KooWA…')
 * ```
 */
export class HashRing {
  /** Points on the ring for a peer of the median weight. */
  readonly vnodesPerPeer: number
  private readonly entries = new Map<string, Entry>()
  private readonly slots = new Slots()
  private readonly weights = new Weights()
  private median = 0
  private readonly points = new Points()

  constructor(init: HashRingInit = {}) {
    const vnodes = init.vnodes ?? DEFAULT_VNODES

    if (!Number.isInteger(vnodes) || vnodes < 1 || vnodes > MAX_VNODES) {
      throw new InvalidConfigError(
        `expected vnodes to be an integer from 1 to ${MAX_VNODES}, got ${String(vnodes)}`
      )
    }

    this.vnodesPerPeer = vnodes
  }

  /** A ring holding `members`, which must have distinct ids. */
  static from(members: Iterable<RingMember>, init?: HashRingInit): HashRing {
    const ring = new HashRing(init)
    ring.update(members)

    return ring
  }

  /** How many peers are on the ring. */
  get size(): number {
    return this.entries.size
  }

  has(id: string): boolean {
    return this.entries.has(id)
  }

  /** Every peer with its weight, in id order. */
  members(): RingMember[] {
    return [...this.entries.values()]
      .map(({ id, weight }) => ({ id, weight }))
      .sort((a, b) => compareIds(a.id, b.id))
  }

  /** How many points a peer has on the ring: 0 for one that is not on it. */
  vnodes(id: string): number {
    return this.entries.get(id)?.vnodes ?? 0
  }

  /**
   * The `min(r, size)` distinct peers that own a key, primary first: the
   * peers of the points met walking clockwise from the key's position,
   * starting at the first point at or after it and wrapping past the top.
   * Points at the same position are met in peer id order.
   *
   * @param key - a uniform hash, such as a CID's sha-256 digest; its first 4 bytes place it
   * @param r - how many owners to return: an integer >= 0
   */
  owners(key: Uint8Array, r: number): string[] {
    return this.ownersAt(keyPosition(key), r)
  }

  /** The owners of a position on the ring, an integer from 0 to 2^32 - 1; see `owners`. */
  ownersAt(position: number, r: number): string[] {
    if (position >>> 0 !== position) {
      throw new Error(
        `expected a position to be an integer from 0 to ${MAX_POSITION}, got ${position}`
      )
    }

    if (!Number.isInteger(r) || r < 0) {
      throw new InvalidConfigError(
        `expected r, the number of owners, to be an integer >= 0, got ${r}`
      )
    }

    const owners: string[] = []
    const wanted = Math.min(r, this.entries.size)

    if (wanted === 0) {
      return owners
    }

    const pointSlots = this.points.slots
    const { length } = this.points
    const stamp = this.slots.nextStamp()
    const { seen, ids } = this.slots
    let i = this.points.search(position)

    // every member has a point, so the walk meets `wanted` distinct ones within one turn
    while (owners.length < wanted) {
      if (i === length) {
        i = 0
      }

      const slot = pointSlots[i++] ?? 0

      if (seen[slot] !== stamp) {
        seen[slot] = stamp
        owners.push(ids[slot] ?? '')
      }
    }

    return owners
  }

  /**
   * Each peer's fraction of the key space as primary owner, in id order.
   * The fractions add up to 1 on a ring with members.
   */
  shares(): Map<string, number> {
    const arcs = new Float64Array(this.slots.ids.length)
    const { positions, slots, length } = this.points

    for (let i = 0; i < length; i++) {
      // point i owns the positions after the point before it, up to and including its own
      const previous = i === 0 ? (positions[length - 1] ?? 0) - RING_SIZE : (positions[i - 1] ?? 0)
      const slot = slots[i] ?? 0

      arcs[slot] = (arcs[slot] ?? 0) + (positions[i] ?? 0) - previous
    }

    const shares = new Map<string, number>()

    for (const { id } of this.members()) {
      shares.set(id, (arcs[this.entries.get(id)?.slot ?? 0] ?? 0) / RING_SIZE)
    }

    return shares
  }

  /**
   * Adds a peer, or sets its weight when it is on the ring already.
   * Returns whether it was new.
   */
  add(member: RingMember): boolean {
    checkMember(member)

    const added = !this.entries.has(member.id)
    this.change([member], [])

    return added
  }

  /** Removes a peer. Returns whether it was on the ring. */
  remove(id: string): boolean {
    if (!this.entries.has(id)) {
      return false
    }

    this.change([], [id])

    return true
  }

  /** Sets a peer's weight. Returns whether it is on the ring. */
  setWeight(id: string, weight: number): boolean {
    checkMember({ id, weight })

    if (!this.entries.has(id)) {
      return false
    }

    this.change([{ id, weight }], [])

    return true
  }

  /**
   * Makes the ring hold exactly `members`, which must have distinct ids:
   * adds the new peers, removes the missing ones and sets changed weights,
   * in one pass over the points. Throws before changing anything when a
   * member is invalid.
   */
  update(members: Iterable<RingMember>): void {
    const next = new Map<string, RingMember>()

    for (const member of members) {
      checkMember(member)

      if (next.has(member.id)) {
        throw new InvalidConfigError(`expected distinct member ids, got ${member.id} twice`)
      }

      next.set(member.id, member)
    }

    const removals = [...this.entries.keys()].filter((id) => !next.has(id))
    const upserts = [...next.values()].filter((m) => this.entries.get(m.id)?.weight !== m.weight)

    this.change(upserts, removals)
  }

  /**
   * Applies checked changes in three steps: the weights and the median,
   * each peer's count of points, and the points of the peers whose count
   * changed: a filter for those that shrank or left, a merge for those that
   * grew or joined.
   */
  private change(upserts: readonly RingMember[], removals: readonly string[]): void {
    const { touched, removed } = this.setWeights(upserts, removals)
    const { grown, shrank } = this.recount(touched)

    if (shrank || removed.length > 0) {
      this.points.retain(this.slots.counts)
    }

    for (const slot of removed) {
      this.slots.release(slot)
    }

    const runs: VnodeRun[] = grown.map((entry) => {
      if (entry.slot < 0) {
        entry.slot = this.slots.take(entry.id)
      }

      const run = { slot: entry.slot, from: this.slots.counts[entry.slot] ?? 0, to: entry.vnodes }
      this.slots.counts[entry.slot] = entry.vnodes

      return run
    })

    if (runs.length > 0) {
      this.points.merge(Points.generate(runs, this.slots.ids), this.slots.ids)
    }
  }

  /** Updates the members and their weights; returns the members touched and the slots freed. */
  private setWeights(
    upserts: readonly RingMember[],
    removals: readonly string[]
  ): { touched: Entry[]; removed: number[] } {
    const touched: Entry[] = []
    const removed: number[] = []

    for (const id of removals) {
      const entry = this.entries.get(id)

      if (entry !== undefined) {
        this.entries.delete(id)
        this.weights.delete(entry.weight)
        this.slots.counts[entry.slot] = 0
        removed.push(entry.slot)
      }
    }

    for (const { id, weight } of upserts) {
      let entry = this.entries.get(id)

      if (entry?.weight === weight) {
        continue
      }

      if (entry === undefined) {
        entry = { id, weight, slot: -1, vnodes: 0 }
        this.entries.set(id, entry)
      } else {
        this.weights.delete(entry.weight)
        entry.weight = weight
      }

      this.weights.add(weight)
      touched.push(entry)
    }

    return { touched, removed }
  }

  /**
   * Sets each member's count of points against the new median: every
   * member's when the median moved, else only the touched ones'. Lowers
   * the counts of those that shrank; the caller adds points to those that
   * grew.
   */
  private recount(touched: readonly Entry[]): { grown: Entry[]; shrank: boolean } {
    const median = this.weights.median()
    const recount = median === this.median ? touched : this.entries.values()
    const grown: Entry[] = []
    let shrank = false

    this.median = median

    for (const entry of recount) {
      const target = vnodeCount(entry.weight, median, this.vnodesPerPeer)

      if (target < entry.vnodes) {
        this.slots.counts[entry.slot] = target
        shrank = true
      } else if (target > entry.vnodes) {
        grown.push(entry)
      }

      entry.vnodes = target
    }

    return { grown, shrank }
  }
}
