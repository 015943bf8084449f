import { describe, expect, it } from 'vitest'
import { seeded as random } from '../../scripts/simulate/random.js'
import { AGING_INTERVAL, effectivePriority, TaskQueue } from '../../src/scheduler/queue.js'
import { thrown } from '../helpers/errors.js'

interface Item {
  name: string
}

function item(name: string): Item {
  return { name }
}

/** Pops everything, by name. */
function drain(queue: TaskQueue<Item>): string[] {
  const names: string[] = []

  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    names.push(next.name)
  }

  return names
}

describe('effectivePriority', () => {
  it('rises one level per aging interval waited', () => {
    expect(effectivePriority(3, 1_000, 1_000)).toBe(3)
    expect(effectivePriority(3, 1_000, 1_000 + AGING_INTERVAL)).toBe(4)
    expect(effectivePriority(-2, 0, 25_000)).toBe(0.5)
    expect(effectivePriority(0, 0, 300, 100)).toBe(3)
  })
})

describe('TaskQueue', () => {
  it('is empty to begin with', () => {
    const queue = new TaskQueue<Item>()

    expect(queue.size).toBe(0)
    expect(queue.pop()).toBeUndefined()
    expect(queue.peek()).toBeUndefined()
    expect([...queue]).toEqual([])
  })

  it('pops the highest priority first', () => {
    const queue = new TaskQueue<Item>()

    queue.push(item('low'), -1, 0)
    queue.push(item('high'), 10, 0)
    queue.push(item('mid'), 0, 0)

    expect(queue.peek()?.name).toBe('high')
    expect(queue.size).toBe(3)
    expect(drain(queue)).toEqual(['high', 'mid', 'low'])
    expect(queue.size).toBe(0)
  })

  it('pops equal priorities first in, first out', () => {
    const queue = new TaskQueue<Item>()
    const names = Array.from({ length: 20 }, (_, i) => `t${i}`)

    for (const name of names) {
      queue.push(item(name), 1, 500)
    }

    expect(drain(queue)).toEqual(names)
  })

  it('lets an old low-priority task pass a newer higher one after long enough', () => {
    // the old task gains 1 level per 10 s; the new one is 5 levels up
    const order = (newAt: number): string[] => {
      const queue = new TaskQueue<Item>(10_000)

      queue.push(item('old'), 0, 0)
      queue.push(item('new'), 5, newAt)

      return drain(queue)
    }

    expect(order(40_000)).toEqual(['new', 'old'])
    expect(order(50_000)).toEqual(['old', 'new']) // level: first in, first out
    expect(order(60_000)).toEqual(['old', 'new'])
  })

  it('ranks by effective priority whatever the order of pushes', () => {
    const queue = new TaskQueue<Item>(1_000)

    queue.push(item('b'), 2, 5_000) // effective at 5 s: 2
    queue.push(item('a'), 0, 1_000) // effective at 5 s: 4
    queue.push(item('c'), 1, 4_500) // effective at 5 s: 1.5

    expect(drain(queue)).toEqual(['a', 'b', 'c'])
  })

  it('keeps exact order for times of today in ms', () => {
    const now = 1_750_000_000_000
    const queue = new TaskQueue<Item>()

    queue.push(item('first'), 1_000_000, now)
    queue.push(item('second'), 1_000_000, now + 1)

    expect(drain(queue)).toEqual(['first', 'second'])
  })

  it('deletes an item wherever it is, and tells whether it was queued', () => {
    const queue = new TaskQueue<Item>()
    const items = [5, 3, 8, 1, 9, 2].map((p) => ({ name: `p${p}`, p }))

    for (const it of items) {
      queue.push(it, it.p, 0)
    }

    const middle = items[1] as Item

    expect(queue.delete(middle)).toBe(true)
    expect(queue.delete(middle)).toBe(false)
    expect(queue.has(middle)).toBe(false)
    expect(queue.has(items[0] as Item)).toBe(true)
    expect(queue.size).toBe(5)
    expect(drain(queue)).toEqual(['p9', 'p8', 'p5', 'p2', 'p1'])
  })

  it('refuses an item queued already, and takes it again once out', () => {
    const queue = new TaskQueue<Item>()
    const a = item('a')

    queue.push(a, 0, 0)

    expect(thrown(() => queue.push(a, 1, 1)).message).toBe('the item is queued already')

    queue.pop()
    queue.push(a, 0, 0)

    expect(queue.size).toBe(1)
  })

  it('refuses a priority or time that is not finite', () => {
    const queue = new TaskQueue<Item>()

    expect(thrown(() => queue.push(item('a'), Number.NaN, 0)).name).toBe('RangeError')
    expect(thrown(() => queue.push(item('a'), 0, Number.POSITIVE_INFINITY)).name).toBe('RangeError')
    expect(queue.size).toBe(0)
  })

  it('refuses an aging interval that is not above 0', () => {
    for (const interval of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(thrown(() => new TaskQueue(interval)).name).toBe('InvalidConfigError')
    }
  })

  it('iterates over every item and empties on clear', () => {
    const queue = new TaskQueue<Item>()
    const items = ['a', 'b', 'c'].map(item)

    items.forEach((it, i) => {
      queue.push(it, i, 0)
    })

    expect(new Set(queue)).toEqual(new Set(items))

    queue.clear()

    expect(queue.size).toBe(0)
    expect(queue.has(items[0] as Item)).toBe(false)
    expect(queue.pop()).toBeUndefined()
  })

  it('agrees with a sorted list over random pushes, pops and deletes', () => {
    for (const seed of [1, 2, 3, 42, 1234]) {
      const next = random(seed)
      const interval = 1 + Math.floor(next() * 1_000)
      const queue = new TaskQueue<Item>(interval)
      // the reference: every queued item with its rank (effective priority at time 0, times the
      // interval to keep it exact) and its arrival
      const reference: Array<{ item: Item; rank: number; seq: number }> = []
      let now = 0
      let seq = 0

      for (let step = 0; step < 2_000; step++) {
        now += Math.floor(next() * 50)
        const roll = next()

        if (roll < 0.5 || reference.length === 0) {
          const it = item(`s${seq}`)
          const priority = Math.floor(next() * 11) - 5 // few levels, so ties and aging both count

          queue.push(it, priority, now)
          reference.push({ item: it, rank: priority * interval - now, seq: seq++ })
        } else if (roll < 0.75) {
          reference.sort((a, b) => b.rank - a.rank || a.seq - b.seq)

          expect(queue.pop()).toBe(reference.shift()?.item)
        } else {
          const [gone] = reference.splice(Math.floor(next() * reference.length), 1)

          expect(queue.delete(gone?.item as Item)).toBe(true)
        }

        expect(queue.size).toBe(reference.length)
      }

      reference.sort((a, b) => b.rank - a.rank || a.seq - b.seq)

      expect(drain(queue)).toEqual(reference.map((r) => r.item.name))
    }
  })
})
