/**
 * What a task is: the spec a user submits, the form it takes once checked,
 * and what a handler sees while it runs. Pure types and constants.
 */
import type { CID } from 'multiformats/cid'

/** What a task needs of the node that runs it. */
export interface TaskNeeds {
  /** Execution slots it takes while it runs. */
  slots: number
  /** Memory it needs free, in MiB. */
  memory: number
  /** GPUs it needs. */
  gpu: number
  /** Labels the node must carry, e.g. `{ zone: 'eu' }`. */
  labels: Record<string, string>
}

/** A task as a user submits it. Only `kind` is required. */
export interface TaskSpec {
  /** The handler that runs it, e.g. `'sha256'`. */
  kind: string
  /** Arguments for the handler: any JSON value. */
  args?: unknown
  /** Blocks or objects of the store the handler reads. */
  inputs?: ReadonlyArray<CID | string>
  /** What it needs of the node; 1 slot and nothing else by default. */
  needs?: Partial<TaskNeeds>
  /**
   * Higher runs first; a task waiting long rises (see `AGING_INTERVAL`).
   *
   * @default 0
   */
  priority?: number
  /**
   * How long one attempt may run before it is stopped, in ms.
   *
   * @default 3600000
   */
  timeout?: number
  /**
   * Attempts after the first when the handler throws or times out.
   *
   * @default 3
   */
  retries?: number
}

/** A spec once checked, with every default filled in. */
export interface Task {
  id: string
  kind: string
  /** The arguments as JSON text. */
  args: string
  inputs: CID[]
  needs: TaskNeeds
  priority: number
  timeout: number
  retries: number
}

/** A task's inputs as its handler reads them. */
export interface TaskInputs {
  /** How many there are. */
  readonly length: number
  /** Their CIDs, as strings. */
  readonly cids: readonly string[]
  /** Input `i`, whole. */
  bytes(i: number): Promise<Uint8Array>
  /** Input `i`, piece by piece. */
  stream(i: number): AsyncIterable<Uint8Array>
}

/** What a handler is given. */
export interface TaskContext {
  /** The task's id. */
  id: string
  /** The arguments, parsed. */
  args: unknown
  inputs: TaskInputs
  /** Reports how far it got: a fraction from 0 to 1, and optionally what it is doing. */
  progress(fraction: number, message?: string): void
  /** Aborts when the task is cancelled or runs past its timeout. */
  signal: AbortSignal
}

/**
 * Runs one task. It returns a JSON value or bytes; a result larger than
 * `MAX_INLINE_RESULT` is stored in the mesh and handed back by CID.
 */
export type TaskHandler = (context: TaskContext) => unknown

/** Where a task is. */
export type TaskState =
  | 'pending'
  | 'auction'
  | 'awarded'
  | 'running'
  | 'completed'
  | 'failed'
  | 'cancelled'

/** States a task does not leave. */
export const FINAL_STATES: ReadonlySet<TaskState> = new Set(['completed', 'failed', 'cancelled'])

/** Progress a handler reported. */
export interface TaskProgress {
  fraction: number
  message?: string
}

/** Largest result sent back inline; larger ones are stored as a block. */
export const MAX_INLINE_RESULT = 256 * 1024
/** Largest arguments, as JSON text. */
export const MAX_ARGS_BYTES = 64 * 1024
/** Most inputs one task reads. */
export const MAX_INPUTS = 256
/** Longest task id. */
export const MAX_TASK_ID = 64

export const DEFAULT_TIMEOUT = 3_600_000 // ms
/** Longest timeout a task may ask for: a week. */
export const MAX_TIMEOUT = 7 * 24 * 3_600_000 // ms
export const DEFAULT_RETRIES = 3
export const MAX_RETRIES = 100
/** Priorities run from -MAX_PRIORITY to MAX_PRIORITY. */
export const MAX_PRIORITY = 1_000_000
