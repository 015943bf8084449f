/** A binary min-heap under a given order: what the clock's events and the ideal scheduler's slots wait in. */
export class Heap<T> {
  private readonly items: T[] = []
  private readonly before: (a: T, b: T) => boolean

  /** `before(a, b)` says whether `a` comes out ahead of `b`. */
  constructor(before: (a: T, b: T) => boolean) {
    this.before = before
  }

  get size(): number {
    return this.items.length
  }

  peek(): T | undefined {
    return this.items[0]
  }

  push(item: T): void {
    const items = this.items
    let i = items.push(item) - 1

    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.before(item, items[parent] as T)) break
      items[i] = items[parent] as T
      i = parent
    }

    items[i] = item
  }

  /** Takes out the first item; undefined when empty. */
  pop(): T | undefined {
    const items = this.items
    const top = items[0]
    const last = items.pop() as T
    if (items.length === 0) return top

    let i = 0

    for (;;) {
      const left = 2 * i + 1
      if (left >= items.length) break
      const right = left + 1
      const child =
        right < items.length && this.before(items[right] as T, items[left] as T) ? right : left
      if (!this.before(items[child] as T, last)) break
      items[i] = items[child] as T
      i = child
    }

    items[i] = last
    return top
  }
}
