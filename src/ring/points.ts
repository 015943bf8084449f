/**
 * The ring's virtual nodes as three parallel typed arrays, sorted by
 * position, then by peer id, then by ordinal: a total order that does not
 * depend on the order peers arrived in. Pure.
 *
 * A point names its peer by a slot, an index into the ring's table of ids,
 * so a lookup walks integers and touches a string only to return it.
 */
import { vnodePositions } from './keys.js'

/** Points `from` (inclusive) to `to` (exclusive) of the peer in `slot`. */
export interface VnodeRun {
  slot: number
  from: number
  to: number
}

export class Points {
  /** Where each point sits, ascending. */
  positions: Uint32Array
  /** The slot of each point's peer. */
  slots: Int32Array
  /** Each point's ordinal among its peer's points. */
  ordinals: Uint16Array

  constructor(length = 0) {
    this.positions = new Uint32Array(length)
    this.slots = new Int32Array(length)
    this.ordinals = new Uint16Array(length)
  }

  get length(): number {
    return this.positions.length
  }

  /** The index of the first point at or after `position`, or `length` when there is none. */
  search(position: number): number {
    const { positions } = this
    let low = 0
    let high = positions.length

    while (low < high) {
      const middle = (low + high) >>> 1

      if ((positions[middle] ?? 0) < position) {
        low = middle + 1
      } else {
        high = middle
      }
    }

    return low
  }

  /**
   * Keeps the points whose ordinal is below their peer's count, in order:
   * a peer whose count shrank loses its last points, one with a count of
   * zero loses them all.
   */
  retain(counts: Uint16Array): void {
    const { positions, slots, ordinals } = this
    let kept = 0

    for (let i = 0; i < positions.length; i++) {
      const slot = slots[i] ?? 0
      const ordinal = ordinals[i] ?? 0

      if (ordinal < (counts[slot] ?? 0)) {
        positions[kept] = positions[i] ?? 0
        slots[kept] = slot
        ordinals[kept] = ordinal
        kept++
      }
    }

    this.positions = positions.slice(0, kept)
    this.slots = slots.slice(0, kept)
    this.ordinals = ordinals.slice(0, kept)
  }

  /** Merges in sorted points, in one pass over both. `ids` names each slot, for ties. */
  merge(other: Points, ids: readonly string[]): void {
    const merged = new Points(this.length + other.length)
    let i = 0
    let j = 0

    for (let k = 0; k < merged.length; k++) {
      const takeOther =
        i === this.length || (j < other.length && comparePoints(other, j, this, i, ids) < 0)

      if (takeOther) {
        merged.copy(k, other, j++)
      } else {
        merged.copy(k, this, i++)
      }
    }

    this.positions = merged.positions
    this.slots = merged.slots
    this.ordinals = merged.ordinals
  }

  /** Hashes the points of each run and sorts them. `ids` names each slot. */
  static generate(runs: readonly VnodeRun[], ids: readonly string[]): Points {
    const unsorted = new Points(runs.reduce((sum, run) => sum + run.to - run.from, 0))
    let k = 0

    for (const { slot, from, to } of runs) {
      unsorted.positions.set(vnodePositions(ids[slot] ?? '', from, to), k)
      unsorted.slots.fill(slot, k, k + to - from)

      for (let ordinal = from; ordinal < to; ordinal++) {
        unsorted.ordinals[k++] = ordinal
      }
    }

    const order = new Uint32Array(unsorted.length).map((_, i) => i)
    order.sort((a, b) => comparePoints(unsorted, a, unsorted, b, ids))

    const sorted = new Points(unsorted.length)

    for (let i = 0; i < order.length; i++) {
      sorted.copy(i, unsorted, order[i] ?? 0)
    }

    return sorted
  }

  private copy(to: number, from: Points, index: number): void {
    this.positions[to] = from.positions[index] ?? 0
    this.slots[to] = from.slots[index] ?? 0
    this.ordinals[to] = from.ordinals[index] ?? 0
  }
}

/** Orders point `i` of `a` against point `j` of `b`: by position, then peer id, then ordinal. */
function comparePoints(a: Points, i: number, b: Points, j: number, ids: readonly string[]): number {
  const byPosition = (a.positions[i] ?? 0) - (b.positions[j] ?? 0)

  if (byPosition !== 0) {
    return byPosition
  }

  const idA = ids[a.slots[i] ?? 0] ?? ''
  const idB = ids[b.slots[j] ?? 0] ?? ''

  if (idA !== idB) {
    return idA < idB ? -1 : 1
  }

  return (a.ordinals[i] ?? 0) - (b.ordinals[j] ?? 0)
}
