import { describe, expect, it } from 'vitest'
import { Parked, type ParkedItem } from '../../src/scheduler/parked.js'
import type { TaskNeeds } from '../../src/scheduler/task.js'
import { offer } from './offers.js'

interface Item extends ParkedItem {
  name: string
}

function item(
  name: string,
  overrides: { kind?: string; priority?: number; at?: number; needs?: Partial<TaskNeeds> } = {}
): Item {
  const { kind = 'sha256', priority = 0, at = 0, needs } = overrides

  return {
    name,
    submittedAt: at,
    task: { kind, priority, needs: { slots: 1, memory: 0, gpu: 0, labels: {}, ...needs } }
  }
}

function names(items: readonly Item[]): string[] {
  return items.map((i) => i.name)
}

describe('Parked', () => {
  it('gives a node only the tasks it can run, highest priority first, as many as its room takes', () => {
    const parked = new Parked<Item>()
    parked.add(item('low', { at: 0 }))
    parked.add(item('high', { priority: 5, at: 10 }))
    parked.add(item('gpu', { priority: 9, needs: { gpu: 1 } }))
    parked.add(item('eu', { priority: 1, needs: { labels: { zone: 'eu' } } }))
    parked.add(item('other kind', { kind: 'render', priority: 9 }))

    expect(names(parked.takeFor(offer(), 1))).toEqual(['high'])
    expect(names(parked.takeFor(offer({ labels: { zone: 'eu' } }), 5))).toEqual(['eu', 'low'])
    expect(parked.size).toBe(2)
    expect(names(parked.takeFor(offer({ kinds: ['render'], gpu: 1 }), 10))).toEqual(['other kind'])
    expect(names(parked.takeAll())).toEqual(['gpu'])
    expect(parked.size).toBe(0)
  })

  it('ranks across shapes as the queue does, older first at one priority, and counts slot units', () => {
    const parked = new Parked<Item>()
    parked.add(item('wide', { at: 5, needs: { slots: 3 } }))
    parked.add(item('old', { at: 0 }))
    parked.add(item('new', { at: 9 }))

    expect(names(parked.takeFor(offer(), 4))).toEqual(['old', 'wide'])
    // a task wider than the room left waits for it, and the narrower behind it too
    parked.add(item('wide again', { at: 1, needs: { slots: 3 } }))
    expect(names(parked.takeFor(offer(), 2))).toEqual([])
    expect(names(parked.takeFor(offer(), Number.POSITIVE_INFINITY))).toEqual(['wide again', 'new'])
  })

  it('forgets a deleted task, and files a task once', () => {
    const parked = new Parked<Item>()
    const a = item('a')
    parked.add(a)
    parked.add(a)

    expect(parked.size).toBe(1)
    expect(parked.delete(a)).toBe(true)
    expect(parked.delete(a)).toBe(false)
    expect(parked.takeFor(offer(), 10)).toEqual([])
  })
  it('gives up the tasks no node left can run', () => {
    const parked = new Parked<Item>()
    parked.add(item('gpu', { needs: { gpu: 1 } }))
    parked.add(item('any'))

    expect(names(parked.takeUnrunnable([offer({ gpu: 1 })]))).toEqual([])
    expect(names(parked.takeUnrunnable([offer()]))).toEqual(['gpu'])
    expect(names(parked.takeUnrunnable([]))).toEqual(['any'])
    expect(parked.size).toBe(0)
  })
})
