/**
 * Tasks a submitter has set aside until a node can take them. Pure.
 *
 * They are filed by shape, a kind and its needs, since every task of a
 * shape can run on the same nodes. When a node shows room (a task of ours
 * ended there, or its advert came), only the tasks that node can run come
 * back, highest priority first, as many as its room takes. So a node's
 * advert or a task's end costs a look at each shape, not at each task, and
 * a parked task never waits behind a lower one for room it could use.
 */
import { type NodeOffer, unmet } from './needs.js'
import { AGING_INTERVAL, TaskQueue } from './queue.js'
import type { Task } from './task.js'

export interface ParkedItem {
  task: Pick<Task, 'kind' | 'needs' | 'priority'>
  submittedAt: number
}

interface Shape<T> {
  kind: string
  needs: Task['needs']
  items: TaskQueue<T>
}

export class Parked<T extends ParkedItem> {
  private readonly shapes = new Map<string, Shape<T>>()
  private readonly shapeOf = new Map<T, Shape<T>>()

  get size(): number {
    return this.shapeOf.size
  }

  add(item: T): void {
    if (this.shapeOf.has(item)) {
      return
    }

    const { kind, needs } = item.task
    const key = shapeKey(kind, needs)
    let shape = this.shapes.get(key)

    if (shape === undefined) {
      shape = { kind, needs, items: new TaskQueue<T>() }
      this.shapes.set(key, shape)
    }

    shape.items.push(item, item.task.priority, item.submittedAt)
    this.shapeOf.set(item, shape)
  }

  delete(item: T): boolean {
    const shape = this.shapeOf.get(item)

    if (shape === undefined) {
      return false
    }

    shape.items.delete(item)
    this.shapeOf.delete(item)
    this.dropIfEmpty(shape)

    return true
  }

  /**
   * Takes out the tasks a node offering `offer` can run, highest priority
   * first, until the next would not fit in `room` slot units (all of them
   * for `Infinity`).
   */
  takeFor(offer: NodeOffer, room: number): T[] {
    const able = [...this.shapes.values()].filter(
      (shape) => unmet(shape.kind, shape.needs, offer) === undefined
    )
    const taken: T[] = []
    let left = room

    while (able.length > 0) {
      // the shape whose first task ranks highest, by the queue's own key
      let best = 0

      for (let i = 1; i < able.length; i++) {
        if (rank(able[i] as Shape<T>) > rank(able[best] as Shape<T>)) best = i
      }

      const shape = able[best] as Shape<T>

      // the first in line waits for room enough, as a node's own queue
      // does, rather than let narrower tasks behind it take each slot
      if (shape.needs.slots > left) {
        break
      }

      const item = shape.items.pop() as T
      this.shapeOf.delete(item)
      taken.push(item)
      left -= shape.needs.slots

      if (shape.items.size === 0) {
        this.dropIfEmpty(shape)
        able.splice(best, 1)
      }
    }

    return taken
  }

  /** Takes out the tasks that none of `offers` can run, say once the only nodes that could have left. */
  takeUnrunnable(offers: readonly NodeOffer[]): T[] {
    const taken: T[] = []

    for (const shape of [...this.shapes.values()]) {
      if (offers.every((offer) => unmet(shape.kind, shape.needs, offer) !== undefined)) {
        for (let item = shape.items.pop(); item !== undefined; item = shape.items.pop()) {
          this.shapeOf.delete(item)
          taken.push(item)
        }

        this.dropIfEmpty(shape)
      }
    }

    return taken
  }

  /** Takes out every task. */
  takeAll(): T[] {
    const all = [...this.shapeOf.keys()]
    this.shapes.clear()
    this.shapeOf.clear()

    return all
  }

  private dropIfEmpty(shape: Shape<T>): void {
    if (shape.items.size === 0) {
      this.shapes.delete(shapeKey(shape.kind, shape.needs))
    }
  }
}

/** How the first task of a shape ranks: the key `TaskQueue` orders by (priority with aging). */
function rank<T extends ParkedItem>(shape: Shape<T>): number {
  const first = shape.items.peek() as T

  return first.task.priority * AGING_INTERVAL - first.submittedAt
}

function shapeKey(kind: string, needs: Task['needs']): string {
  const labels = Object.entries(needs.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))

  return JSON.stringify([kind, needs.slots, needs.memory, needs.gpu, labels])
}
