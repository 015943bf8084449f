/**
 * The queue of tasks waiting for a slot on a node: highest priority first,
 * with aging so a low-priority task still runs under a steady stream of
 * higher ones. Pure: the time is passed in.
 */
import { InvalidConfigError } from '../errors.js'

/** How long a task waits to rise one priority level. */
export const AGING_INTERVAL = 10_000 // ms

/**
 * The priority a task ranks with after waiting: `priority` plus one level per
 * `agingInterval` ms since it was queued.
 */
export function effectivePriority(
  priority: number,
  queuedAt: number,
  now: number,
  agingInterval = AGING_INTERVAL
): number {
  return priority + (now - queuedAt) / agingInterval
}

interface Entry<T> {
  item: T
  /** `priority * agingInterval - queuedAt`: higher ranks first; see `TaskQueue`. */
  key: number
  /** Order of arrival, to break ties first in, first out. */
  seq: number
}

/**
 * A priority queue with aging, as a binary heap.
 *
 * An item pushed with priority `p` at time `t` ranks at time `now` as if its
 * priority were `p + (now - t) / agingInterval`. Every item ages at the same
 * rate, so which of two ranks first never changes with `now`: comparing
 * `p1 + (now - t1) / I` with `p2 + (now - t2) / I` is comparing
 * `p1 - t1 / I` with `p2 - t2 / I`. That key is fixed at push time and a
 * plain heap keeps the order. It is kept scaled by `I`, as `p * I - t`, which
 * is exact for whole priorities and times.
 *
 * Items are unique (objects, as a rule): a map from each to its place in the
 * heap lets `delete` and `has` work without a search.
 *
 * @example
 * ```ts
 * const queue = new TaskQueue<Task>()
 * queue.push(task, task.priority, now)
 * const next = queue.pop()
 * ```
 */
export class TaskQueue<T> implements Iterable<T> {
  private readonly agingInterval: number
  private readonly heap: Array<Entry<T>> = []
  private readonly places = new Map<T, number>()
  private seq = 0

  /**
   * @param agingInterval - ms a task waits to rise one priority level
   * @default AGING_INTERVAL
   */
  constructor(agingInterval = AGING_INTERVAL) {
    if (!(agingInterval > 0 && Number.isFinite(agingInterval))) {
      throw new InvalidConfigError(
        `expected agingInterval to be a number of ms above 0, got ${agingInterval}`
      )
    }

    this.agingInterval = agingInterval
  }

  /** Items queued. */
  get size(): number {
    return this.heap.length
  }

  /**
   * Queues an item. O(log n).
   *
   * @param now - the time, in ms
   * @throws {Error} when the item is queued already
   * @throws {RangeError} when the priority or the time is not a finite number
   */
  push(item: T, priority: number, now: number): void {
    if (this.places.has(item)) {
      throw new Error('the item is queued already')
    }

    const key = priority * this.agingInterval - now

    if (!Number.isFinite(key)) {
      throw new RangeError(`expected a finite priority and time, got ${priority} at ${now}`)
    }

    this.heap.push({ item, key, seq: this.seq++ })
    this.up(this.heap.length - 1)
  }

  /** Takes the item that ranks first out of the queue. O(log n). */
  pop(): T | undefined {
    const top = this.heap[0]

    if (top === undefined) {
      return undefined
    }

    this.removeAt(0)

    return top.item
  }

  /** The item that ranks first, left in the queue. */
  peek(): T | undefined {
    return this.heap[0]?.item
  }

  /** Whether the item is queued. */
  has(item: T): boolean {
    return this.places.has(item)
  }

  /** Takes an item out wherever it is in the queue. O(log n). */
  delete(item: T): boolean {
    const at = this.places.get(item)

    if (at === undefined) {
      return false
    }

    this.removeAt(at)

    return true
  }

  clear(): void {
    this.heap.length = 0
    this.places.clear()
  }

  /** The items queued, in no particular order. Do not change the queue while iterating. */
  *[Symbol.iterator](): Iterator<T> {
    for (const entry of this.heap) {
      yield entry.item
    }
  }

  /** Removes the entry at `at`, filling its place with the last one and moving that into line. */
  private removeAt(at: number): void {
    const entry = this.heap[at] as Entry<T>
    const last = this.heap.pop() as Entry<T>

    this.places.delete(entry.item)

    if (at < this.heap.length) {
      this.heap[at] = last
      this.places.set(last.item, at)
      // the last entry may rank above the removed one's parent, or below its children
      this.down(this.up(at))
    }
  }

  /** Moves the entry at `at` towards the root while it ranks before its parent; its new place. */
  private up(at: number): number {
    const heap = this.heap
    const entry = heap[at] as Entry<T>

    while (at > 0) {
      const parentAt = (at - 1) >> 1
      const parent = heap[parentAt] as Entry<T>

      if (!before(entry, parent)) {
        break
      }

      heap[at] = parent
      this.places.set(parent.item, at)
      at = parentAt
    }

    heap[at] = entry
    this.places.set(entry.item, at)

    return at
  }

  /** Moves the entry at `at` towards the leaves while a child ranks before it. */
  private down(at: number): void {
    const heap = this.heap
    const entry = heap[at] as Entry<T>
    const half = heap.length >> 1

    // entries from `half` on have no children
    while (at < half) {
      let childAt = 2 * at + 1
      let child = heap[childAt] as Entry<T>
      const right = heap[childAt + 1]

      if (right !== undefined && before(right, child)) {
        childAt += 1
        child = right
      }

      if (!before(child, entry)) {
        break
      }

      heap[at] = child
      this.places.set(child.item, at)
      at = childAt
    }

    heap[at] = entry
    this.places.set(entry.item, at)
  }
}

/** Whether `a` ranks before `b`: a higher key, or the same key and queued earlier. */
function before<T>(a: Entry<T>, b: Entry<T>): boolean {
  return a.key > b.key || (a.key === b.key && a.seq < b.seq)
}
