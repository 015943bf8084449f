/**
 * A task as its submitter keeps it: where it is, its attempts, and its
 * history (candidates, bids, refusals with reasons, awards, outcome), so
 * that "why is my task pending?" always has an answer.
 */
import type { Task, TaskNeeds, TaskProgress, TaskState } from './task.js'

/** History entries kept per task; the oldest go first, the submission stays. */
export const MAX_HISTORY = 200

export type HistoryEvent =
  | 'submitted'
  | 'pending'
  | 'candidates'
  | 'bid'
  | 'refused'
  | 'awarded'
  | 'declined'
  | 'started'
  | 'lost'
  | 'retry'
  | 'completed'
  | 'failed'
  | 'cancelled'

export interface HistoryEntry {
  /** ms since the epoch */
  at: number
  event: HistoryEvent
  peer?: string
  detail?: string
}

/** A task at a glance, as `mycel tasks` lists it. */
export interface TaskSummary {
  id: string
  kind: string
  state: TaskState
  priority: number
  submittedAt: number
  startedAt?: number
  finishedAt?: number
  /** The node it was last awarded to. */
  node?: string
  /** Attempts awarded so far. */
  attempts: number
  progress?: TaskProgress
  /** Why it is not running, while it is pending. */
  pendingReason?: string
  /** Why it failed. */
  error?: string
}

/** A task in full, as `mycel task <id>` explains it. */
export interface TaskInfo extends TaskSummary {
  args: unknown
  inputs: string[]
  needs: TaskNeeds
  timeout: number
  retries: number
  /** The result when it is small enough to show inline. */
  result?: unknown
  /** The CID the result was stored under, when it was too large to send inline. */
  resultCid?: string
  history: HistoryEntry[]
}

/** How a task's result arrived. */
export type ResultValue = { json: string } | { bytes: Uint8Array } | { cid: string; json: boolean }

export class TaskRecord {
  readonly task: Task
  readonly submittedAt: number
  state: TaskState = 'pending'
  /** The attempt awarded last (1 for the first); an award declined uses one up too. */
  attempt = 0
  /** Awards accepted. */
  runs = 0
  node?: string
  /** Every peer an attempt was awarded to, by attempt: only these may report a result. */
  readonly awardedTo = new Map<number, string>()
  /** Peers the task was lost on, left out of its next auctions. */
  readonly exclude = new Set<string>()
  /** Failures that count against `retries`: the handler threw or timed out. */
  errors = 0
  /** Times the task took its worker or node down with it. */
  kills = 0
  startedAt?: number
  finishedAt?: number
  /** When the winner last said it holds the task. */
  heardAt = 0
  progress?: TaskProgress
  pendingReason?: string
  error?: string
  result?: ResultValue
  /** Settles with the result, or the reason the task failed or was cancelled. */
  readonly done: Promise<ResultValue>
  /** The result as the handle gives it, once asked for. */
  decoded?: Promise<unknown>
  private readonly entries: HistoryEntry[] = []
  private resolve!: (result: ResultValue) => void
  private reject!: (err: Error) => void

  constructor(task: Task, now: number) {
    this.task = task
    this.submittedAt = now
    this.done = new Promise<ResultValue>((resolve, reject) => {
      this.resolve = resolve
      this.reject = reject
    })
    // a task nobody waits for may fail without an unhandled rejection
    this.done.catch(() => {})
    this.log(now, 'submitted')
  }

  /** The award of an attempt was accepted by its winner. */
  awarded(winner: string, now: number): void {
    this.state = 'awarded'
    this.node = winner
    this.heardAt = now
    this.runs++
    this.pendingReason = undefined
    this.log(now, 'awarded', winner, `attempt ${this.attempt}`)
  }

  /** Ends the task's promise. */
  settle(result?: ResultValue, error?: Error): void {
    if (result !== undefined) {
      this.resolve(result)
    } else {
      this.reject(error ?? new Error('the task ended without a result'))
    }
  }

  log(at: number, event: HistoryEvent, peer?: string, detail?: string): void {
    if (this.entries.length >= MAX_HISTORY) {
      this.entries.splice(1, 1)
    }

    this.entries.push({
      at,
      event,
      ...(peer === undefined ? {} : { peer }),
      ...(detail === undefined ? {} : { detail })
    })
  }

  summary(): TaskSummary {
    return {
      id: this.task.id,
      kind: this.task.kind,
      state: this.state,
      priority: this.task.priority,
      submittedAt: this.submittedAt,
      attempts: this.runs,
      ...(this.startedAt === undefined ? {} : { startedAt: this.startedAt }),
      ...(this.finishedAt === undefined ? {} : { finishedAt: this.finishedAt }),
      ...(this.node === undefined ? {} : { node: this.node }),
      ...(this.progress === undefined ? {} : { progress: { ...this.progress } }),
      ...(this.state === 'pending' && this.pendingReason !== undefined
        ? { pendingReason: this.pendingReason }
        : {}),
      ...(this.error === undefined ? {} : { error: this.error })
    }
  }

  info(): TaskInfo {
    const result = this.result

    return {
      ...this.summary(),
      args: JSON.parse(this.task.args) as unknown,
      inputs: this.task.inputs.map((cid) => cid.toString()),
      needs: { ...this.task.needs, labels: { ...this.task.needs.labels } },
      timeout: this.task.timeout,
      retries: this.task.retries,
      ...(result !== undefined && 'json' in result && !('cid' in result)
        ? { result: JSON.parse(result.json) as unknown }
        : {}),
      ...(result !== undefined && 'bytes' in result
        ? { result: { bytes: result.bytes.byteLength } }
        : {}),
      ...(result !== undefined && 'cid' in result ? { resultCid: result.cid } : {}),
      history: this.entries.map((entry) => ({ ...entry }))
    }
  }
}
