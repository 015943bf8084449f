/**
 * Open bids (reservations not yet awarded) by submitter, and which give way
 * when a full node is asked by another submitter. Pure.
 *
 * Each submitter with open bids, the asker counted, has a fair share of
 * the node: its capacity divided among them (never less than its slots).
 * When the asker needs room, the newest open bids of submitters holding
 * more than their share give way, only as many as free what it needs, and
 * none unless that many can be freed. So members flooding calls for
 * proposals under any number of ids cannot keep another submitter from a
 * bid, and a lone submitter still fills the whole node.
 */

/** An open bid, as far as giving way goes. */
export interface OpenBid {
  submitter: string
  needs: { slots: number }
}

/** Bids remembered as having given way, so their award can say so; the oldest go first. */
const MAX_GAVE_WAY = 4_096

export class OpenBids {
  private readonly units = new Map<string, number>()
  private readonly gaveWay = new Set<string>()

  /** Slot units `submitter`'s open bids hold. */
  of(submitter: string): number {
    return this.units.get(submitter) ?? 0
  }

  add(submitter: string, slots: number): void {
    this.units.set(submitter, this.of(submitter) + slots)
  }

  remove(submitter: string, slots: number): void {
    const left = this.of(submitter) - slots

    if (left > 0) this.units.set(submitter, left)
    else this.units.delete(submitter)
  }

  /**
   * The bids to drop so that `asker` gets `needed` slot units, from
   * `newestFirst` (the node's open bids, newest first); none when they
   * could not free that many.
   *
   * @param capacity slot units the node takes in all
   * @param floor the least fair share (the node's slots)
   */
  toGiveWay<B extends OpenBid>(
    asker: string,
    needed: number,
    newestFirst: Iterable<B>,
    capacity: number,
    floor: number
  ): B[] {
    const sharing = this.units.size + (this.units.has(asker) ? 0 : 1)
    const share = Math.max(floor, Math.floor(capacity / sharing))
    const over = new Map<string, number>()

    for (const [submitter, units] of this.units) {
      if (submitter !== asker && units > share) over.set(submitter, units - share)
    }

    const chosen: B[] = []
    let freed = 0

    for (const bid of over.size === 0 ? [] : newestFirst) {
      const excess = over.get(bid.submitter) ?? 0

      if (excess <= 0) continue

      over.set(bid.submitter, excess - bid.needs.slots)
      chosen.push(bid)
      freed += bid.needs.slots

      if (freed >= needed) return chosen
    }

    return []
  }

  /** Remembers that the bid under `key` gave way. */
  gaveWayAt(key: string): void {
    if (this.gaveWay.size >= MAX_GAVE_WAY) {
      this.gaveWay.delete(this.gaveWay.values().next().value as string)
    }

    this.gaveWay.add(key)
  }

  /** Whether the bid under `key` gave way (and forgets it). */
  gaveWayFor(key: string): boolean {
    return this.gaveWay.delete(key)
  }
}
