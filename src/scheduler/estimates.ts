/**
 * What a node expects its work to take. Pure: how long each kind runs,
 * learnt as a running average of the tasks it timed, and how long a new
 * task would wait behind the work the node holds, which is the start
 * delay it bids.
 */
import type { TaskNeeds } from './task.js'

/** What a kind is expected to take before any has been timed. */
export const DEFAULT_RUN_TIME = 1 // ms
/**
 * The least a task is expected to take: a task costs its round trips even
 * when its handler takes nothing, and a node that learnt its tasks take no
 * time would otherwise bid a start delay of 0 however deep its queue.
 */
const MIN_RUN_TIME = 1 // ms
/** Weight of the newest duration in a kind's running average. */
const EWMA_WEIGHT = 0.2

/** Run times by kind. */
export class RunTimes {
  private readonly means = new Map<string, number>()

  /** A task of `kind` took `took` ms. */
  learn(kind: string, took: number): void {
    const mean = this.means.get(kind)
    this.means.set(kind, mean === undefined ? took : mean + EWMA_WEIGHT * (took - mean))
  }

  /** What a task of `kind` is expected to take, in ms. */
  expected(kind: string): number {
    return Math.max(MIN_RUN_TIME, this.means.get(kind) ?? DEFAULT_RUN_TIME)
  }
}

/** Work a node holds, as the start delay weighs it. */
export interface HeldWork {
  kind: string
  needs: Pick<TaskNeeds, 'slots'>
  priority: number
  state: 'reserved' | 'queued' | 'running'
  startedAt: number
}

/**
 * When a task of `priority` could start on `slots` slots: the work ahead of
 * it (what runs, what is queued or reserved at the same or a higher
 * priority), spread over the slots. With every slot busy it waits for one,
 * even when the running tasks are past what they were expected to take.
 */
export function startDelay(
  held: Iterable<HeldWork>,
  runTimes: RunTimes,
  slots: number,
  priority: number,
  now: number
): number {
  let ahead = 0
  let running = 0

  for (const work of held) {
    const expected = runTimes.expected(work.kind) * work.needs.slots

    if (work.state === 'running') {
      running += work.needs.slots
      ahead += Math.max(0, expected - (now - work.startedAt))
    } else if (work.priority >= priority) {
      ahead += expected
    }
  }

  const spread = Math.round(ahead / Math.max(1, slots))

  return running >= slots ? Math.max(1, spread) : spread
}
