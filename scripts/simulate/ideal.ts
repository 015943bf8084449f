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
  /** Each task's wait before it starts, in the order the tasks were given. */
  waits: number[]
  /** From the first submission to the last end. */
  makespan: number
}

export function idealSchedule(tasks: readonly IdealTask[], slots: number): IdealOutcome {
  const order = tasks.map((_, i) => i).sort((a, b) => at(tasks, a) - at(tasks, b))
  const free = new Heap<number>((a, b) => a < b)
  for (let i = 0; i < slots; i++) free.push(Number.NEGATIVE_INFINITY)

  const waits: number[] = new Array(tasks.length).fill(0)
  const first = tasks.length === 0 ? 0 : at(tasks, order[0] as number)
  let last = first

  for (const i of order) {
    const task = tasks[i] as IdealTask
    const start = Math.max(task.submittedAt, free.pop() as number)
    const end = start + task.ms
    free.push(end)
    waits[i] = start - task.submittedAt
    last = Math.max(last, end)
  }

  return { waits, makespan: last - first }
}

function at(tasks: readonly IdealTask[], i: number): number {
  return (tasks[i] as IdealTask).submittedAt
}
