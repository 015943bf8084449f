/**
 * The omniscient scheduler the simulated one is measured against: it knows
 * every slot's state at once and starts each task, in the order submitted,
 * on the slot that frees first, with no messages and no delay. No placement
 * that runs tasks in submission order can do better.
 */
import { Heap } from './heap.js'

export interface IdealTask {
  submittedAt: number
  ms: number
}

export interface IdealOutcome {
  /** Each task's wait before it starts, in submission order. */
  waits: number[]
  makespan: number
}

export function idealSchedule(tasks: readonly IdealTask[], slots: number): IdealOutcome {
  const ordered = [...tasks].sort((a, b) => a.submittedAt - b.submittedAt)
  const free = new Heap<number>((a, b) => a < b)
  for (let i = 0; i < slots; i++) free.push(Number.NEGATIVE_INFINITY)

  const waits: number[] = []
  const first = ordered[0]?.submittedAt ?? 0
  let last = first

  for (const task of ordered) {
    const start = Math.max(task.submittedAt, free.pop() as number)
    const end = start + task.ms
    free.push(end)
    waits.push(start - task.submittedAt)
    last = Math.max(last, end)
  }

  return { waits, makespan: last - first }
}
