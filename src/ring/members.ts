/**
 * The ring's members: what a valid one is, the median of their weights,
 * and how many points a weight earns against it. Pure.
 */
import { InvalidConfigError } from '../errors.js'

/** A peer gets at most this many times the points of a peer of the median weight. */
export const MAX_VNODE_FACTOR = 8

/** A peer on the ring. */
export interface RingMember {
  /** Its peer id, as a string. */
  id: string
  /** Its advertised store capacity, in bytes: a positive finite number. */
  weight: number
}

/** Throws `InvalidConfigError` unless a member has a non-empty id and a positive finite weight. */
export function checkMember(member: RingMember): void {
  if (typeof member?.id !== 'string' || member.id === '') {
    throw new InvalidConfigError(`expected a member id to be a non-empty string, got ${member?.id}`)
  }

  const { weight } = member

  if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0) {
    throw new InvalidConfigError(
      `expected the weight of ${member.id} to be a positive finite number, got ${weight}`
    )
  }
}

/**
 * Points for a peer of `weight`: `vnodes` for one of the median weight, in
 * proportion for others, rounded, from 1 to `vnodes * MAX_VNODE_FACTOR`.
 */
export function vnodeCount(weight: number, median: number, vnodes: number): number {
  const count = Math.round((vnodes * weight) / median)

  return Math.min(Math.max(count, 1), vnodes * MAX_VNODE_FACTOR)
}

/** Orders ids by UTF-16 code units, the same on every node whatever its locale. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** A multiset of weights kept sorted, for their median. */
export class Weights {
  private readonly sorted: number[] = []

  add(weight: number): void {
    this.sorted.splice(this.indexOf(weight), 0, weight)
  }

  delete(weight: number): void {
    this.sorted.splice(this.indexOf(weight), 1)
  }

  /** The middle weight, or the mean of the two middle ones; 0 when there are none. */
  median(): number {
    const { sorted } = this
    const middle = sorted.length >>> 1

    if (sorted.length % 2 === 1) {
      return sorted[middle] ?? 0
    }

    // halves first: the sum of two weights near the largest double would overflow
    return sorted.length === 0 ? 0 : (sorted[middle - 1] ?? 0) / 2 + (sorted[middle] ?? 0) / 2
  }

  /** The index of the first weight >= `weight`. */
  private indexOf(weight: number): number {
    let low = 0
    let high = this.sorted.length

    while (low < high) {
      const middle = (low + high) >>> 1

      if ((this.sorted[middle] ?? 0) < weight) {
        low = middle + 1
      } else {
        high = middle
      }
    }

    return low
  }
}
