/**
 * When a node's figures have moved enough to tell the mesh before the next
 * regular advert. Pure.
 *
 * Slots, task kinds and labels matter to every auction, so any change to
 * them counts, and so does the capacity a store offers, which weighs the
 * node on the ring, and a store filling up. Load, free memory and disk and
 * bytes stored wobble all the time; only a jump the scheduler would act on
 * counts.
 */
import type { Advert } from './pb/advert.js'

/** A change of the 1-minute load by this much counts. */
export const LOAD_STEP = 0.5
/** A change of free memory or disk by this fraction of the total counts. */
export const CAPACITY_STEP = 0.05

export type AdvertBody = Pick<
  Advert,
  'cpu' | 'memory' | 'disk' | 'gpu' | 'slots' | 'kinds' | 'labels' | 'store'
>

export function isMeaningfulChange(before: AdvertBody, after: AdvertBody): boolean {
  return (
    !sameJson(before.slots, after.slots) ||
    !sameJson(before.kinds, after.kinds) ||
    !sameJson(before.labels, after.labels) ||
    Math.abs((before.cpu?.load1 ?? 0) - (after.cpu?.load1 ?? 0)) >= LOAD_STEP ||
    movedBy(before.memory?.free, after.memory?.free, after.memory?.total) ||
    movedBy(before.disk?.free, after.disk?.free, after.disk?.capacity) ||
    before.store?.capacity !== after.store?.capacity ||
    movedBy(before.store?.used, after.store?.used, after.store?.capacity) ||
    isFull(before.store) !== isFull(after.store)
  )
}

/** Whether an advertised store has no room left. */
export function isFull(store?: { capacity: number; used: number }): boolean {
  return store !== undefined && store.used >= store.capacity
}

function movedBy(before = 0, after = 0, total = 0): boolean {
  return total > 0 && Math.abs(before - after) / total >= CAPACITY_STEP
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}
