/**
 * The ring's table of peers by slot. A point names its peer by slot, so
 * lookups walk integers; a slot freed by a peer that left is reused by the
 * next one to join. Pure.
 */

const INITIAL_SLOTS = 16

export class Slots {
  /** The peer id in each slot; '' in a free one. */
  readonly ids: string[] = []
  /** How many points the peer in each slot has on the ring. */
  counts = new Uint16Array(INITIAL_SLOTS)
  /** The slots the current lookup has returned already: those where `seen[slot] === stamp`. */
  seen = new Uint32Array(INITIAL_SLOTS)
  private readonly free: number[] = []
  private stamp = 0

  /** Gives a peer a slot, with a count of 0. */
  take(id: string): number {
    const slot = this.free.pop() ?? this.ids.length

    if (slot >= this.counts.length) {
      const counts = new Uint16Array(this.counts.length * 2)
      counts.set(this.counts)
      this.counts = counts
      this.seen = new Uint32Array(counts.length)
      this.stamp = 0
    }

    this.ids[slot] = id
    this.counts[slot] = 0

    return slot
  }

  /** Frees a slot whose points are off the ring. */
  release(slot: number): void {
    this.ids[slot] = ''
    this.counts[slot] = 0
    this.free.push(slot)
  }

  /** Starts a lookup: returns a stamp that no slot in `seen` holds yet. */
  nextStamp(): number {
    this.stamp = (this.stamp + 1) >>> 0

    if (this.stamp === 0) {
      this.seen.fill(0)
      this.stamp = 1
    }

    return this.stamp
  }
}
