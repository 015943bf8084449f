/**
 * What `submit` and `map` hand back: a task's id, its result when it comes,
 * its progress as events, and a way to cancel it.
 */
import { TypedEventEmitter } from 'main-event'
import type { TaskInfo } from './record.js'
import type { TaskProgress, TaskState } from './task.js'

export interface TaskHandleEvents {
  /** The handler reported progress. */
  progress: CustomEvent<TaskProgress>
  /** The task moved: pending, auction, awarded, running, and its end. */
  state: CustomEvent<TaskState>
}

/** What a handle asks of the scheduler. */
export interface HandleSource {
  result(id: string): Promise<unknown>
  cancel(id: string): void
  info(id: string): TaskInfo
}

export class TaskHandle extends TypedEventEmitter<TaskHandleEvents> {
  readonly id: string
  private readonly source: HandleSource

  constructor(id: string, source: HandleSource) {
    super()
    this.id = id
    this.source = source
  }

  /**
   * The task's result: the handler's JSON value, or its bytes.
   *
   * @throws {TaskFailedError} with the handler's message, once its retries are spent
   * @throws {TaskCancelledError} when it was cancelled
   */
  result(): Promise<unknown> {
    return this.source.result(this.id)
  }

  /** Stops the task wherever it is. */
  cancel(): void {
    this.source.cancel(this.id)
  }

  /** Where the task is, and its history. */
  info(): TaskInfo {
    return this.source.info(this.id)
  }
}

export interface MapProgress {
  total: number
  completed: number
  failed: number
}

export interface MapHandleEvents {
  /** A task of the batch ended. */
  progress: CustomEvent<MapProgress>
}

/** The tasks of one `map`, in the order of their inputs. */
export class MapHandle extends TypedEventEmitter<MapHandleEvents> {
  readonly tasks: readonly TaskHandle[]
  private completed = 0
  private failed = 0

  constructor(tasks: readonly TaskHandle[]) {
    super()
    this.tasks = tasks

    for (const task of tasks) {
      task.result().then(
        () => this.ended('completed'),
        () => this.ended('failed')
      )
    }
  }

  /** Every result, in input order; rejects with the first task that fails. */
  results(): Promise<unknown[]> {
    return Promise.all(this.tasks.map((task) => task.result()))
  }

  /** Every outcome, in input order, failed ones included. */
  settled(): Promise<PromiseSettledResult<unknown>[]> {
    return Promise.allSettled(this.tasks.map((task) => task.result()))
  }

  /** Cancels every task of the batch that has not ended. */
  cancel(): void {
    for (const task of this.tasks) {
      task.cancel()
    }
  }

  private ended(how: 'completed' | 'failed'): void {
    this[how]++
    this.safeDispatchEvent('progress', {
      detail: { total: this.tasks.length, completed: this.completed, failed: this.failed }
    })
  }
}
