/**
 * The task kinds this node runs, and how one task is run: in-process
 * handlers (`node.tasks.register`) for light work, handler modules in a pool
 * of worker threads for the rest. `echo` and `sleep` are in-process
 * built-ins, as they use no CPU; `spin` and `sha256` run on threads.
 */
import type { Logger } from '@libp2p/interface'
import {
  HandlerModuleError,
  InvalidTaskError,
  TaskCancelledError,
  TaskFailedError,
  TaskTimeoutError
} from '../errors.js'
import { echo, sleep } from './builtins.js'
import { BUILTIN_THREAD_MODULE, type JobResult, WorkerPool } from './pool.js'
import { assertKind } from './spec.js'
import type { TaskContext, TaskHandler, TaskInputs } from './task.js'

export interface HandlersInit {
  /** Worker threads at most (the node's slots). */
  threads: number
  /** Handler modules whose exported functions run on threads. */
  modules: readonly string[]
  /** Whether to offer the built-in kinds. */
  builtins: boolean
  /** Heap a thread may grow to, in MiB; past it the thread ends and its task fails. */
  memory?: number
  log: Logger
}

/** One task to run, with its inputs fetched as the handler asks for them. */
export interface Run {
  id: string
  kind: string
  args: string
  inputs: TaskInputs
  timeout: number
  signal: AbortSignal
  onProgress(fraction: number, message?: string): void
}

export class Handlers {
  private readonly inProcess = new Map<string, TaskHandler>()
  private readonly pool?: WorkerPool
  private poolKinds = new Set<string>()
  private readonly onChange: () => void

  constructor(init: HandlersInit, onChange: () => void) {
    this.onChange = onChange
    const modules = [...(init.builtins ? [BUILTIN_THREAD_MODULE] : []), ...init.modules]

    if (modules.length > 0 && init.threads > 0) {
      this.pool = new WorkerPool({
        size: init.threads,
        modules,
        ...(init.memory === undefined
          ? {}
          : { resourceLimits: { maxOldGenerationSizeMb: init.memory } }),
        log: init.log.newScope('pool')
      })
    }

    if (init.builtins) {
      this.inProcess.set('echo', echo)
      this.inProcess.set('sleep', sleep)
    }
  }

  /** Loads the handler modules; their kinds are offered from now on. */
  async start(): Promise<void> {
    if (this.pool !== undefined) {
      this.poolKinds = new Set(await this.pool.load())

      for (const kind of this.poolKinds) {
        if (this.inProcess.has(kind)) {
          throw new HandlerModuleError(
            `kind "${kind}" is exported by a handler module and also built in`
          )
        }
      }

      this.onChange()
    }
  }

  async stop(): Promise<void> {
    await this.pool?.stop()
  }

  /**
   * Registers an in-process handler for a kind.
   *
   * @throws {InvalidTaskError} when the kind name is not valid or already taken
   */
  register(kind: string, handler: TaskHandler): void {
    assertKind(kind)

    if (this.inProcess.has(kind) || this.poolKinds.has(kind)) {
      throw new InvalidTaskError(`a handler for kind "${kind}" is already registered`)
    }

    if (typeof handler !== 'function') {
      throw new InvalidTaskError(`expected a function to handle kind "${kind}"`)
    }

    this.inProcess.set(kind, handler)
    this.onChange()
  }

  /** Removes an in-process handler; returns whether there was one. */
  unregister(kind: string): boolean {
    const removed = this.inProcess.delete(kind)

    if (removed) {
      this.onChange()
    }

    return removed
  }

  /** Every kind this node runs, sorted. */
  kinds(): string[] {
    return [...new Set([...this.inProcess.keys(), ...this.poolKinds])].sort()
  }

  has(kind: string): boolean {
    return this.inProcess.has(kind) || this.poolKinds.has(kind)
  }

  /** What the pool has done, when there is one. */
  poolStats(): ReturnType<WorkerPool['stats']> | undefined {
    return this.pool?.stats()
  }

  /** Runs one task to its result. */
  async run(run: Run): Promise<JobResult> {
    const handler = this.inProcess.get(run.kind)

    if (handler !== undefined) {
      return await runInProcess(handler, run)
    }

    if (this.pool === undefined || !this.poolKinds.has(run.kind)) {
      throw new TaskFailedError(`this node has no handler for kind "${run.kind}"`)
    }

    const inputs: Uint8Array[] = []

    for (let i = 0; i < run.inputs.length; i++) {
      inputs.push(await run.inputs.bytes(i))
    }

    return await this.pool.run({
      id: run.id,
      kind: run.kind,
      args: JSON.parse(run.args) as unknown,
      cids: run.inputs.cids,
      inputs,
      timeout: run.timeout,
      signal: run.signal,
      onProgress: run.onProgress
    })
  }
}

/**
 * Runs a handler on this thread. Its timeout aborts its signal and gives up
 * on it; a handler that blocks the event loop cannot be stopped here, which
 * is why CPU-bound work belongs in a module.
 */
async function runInProcess(handler: TaskHandler, run: Run): Promise<JobResult> {
  const controller = new AbortController()
  const stop = (): void => controller.abort(run.signal.reason)
  run.signal.addEventListener('abort', stop, { once: true })
  let timer: ReturnType<typeof setTimeout> | undefined
  const context: TaskContext = {
    id: run.id,
    args: JSON.parse(run.args) as unknown,
    inputs: run.inputs,
    progress: (fraction, message) => run.onProgress(fraction, message),
    signal: controller.signal
  }

  try {
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = new TaskTimeoutError(`the task ran past its timeout of ${run.timeout} ms`)
        controller.abort(err)
        reject(err)
      }, run.timeout)
    })
    const cancelled = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), {
        once: true
      })
    })
    timedOut.catch(() => {})
    cancelled.catch(() => {})
    const value = await Promise.race([
      Promise.resolve().then(() => handler(context)),
      timedOut,
      cancelled
    ])

    return toResult(value)
  } catch (err) {
    throw asTaskError(err)
  } finally {
    clearTimeout(timer)
    run.signal.removeEventListener('abort', stop)
  }
}

/** A handler's return value as a result: bytes as they are, anything else as JSON. */
export function toResult(value: unknown): JobResult {
  if (value instanceof Uint8Array) {
    return { bytes: value }
  }

  if (value instanceof ArrayBuffer) {
    return { bytes: new Uint8Array(value) }
  }

  let json: string | undefined

  try {
    json = JSON.stringify(value ?? null)
  } catch (err) {
    throw new TaskFailedError(
      `the handler's result cannot be sent as JSON: ${(err as Error).message}`
    )
  }

  if (json === undefined) {
    throw new TaskFailedError(
      'the handler returned a value JSON cannot hold (a function or a symbol)'
    )
  }

  return { json }
}

function asTaskError(err: unknown): Error {
  if (
    err instanceof TaskTimeoutError ||
    err instanceof TaskCancelledError ||
    err instanceof TaskFailedError
  ) {
    return err
  }

  if (err instanceof Error) {
    const message = err.name === 'Error' ? err.message : `${err.name}: ${err.message}`

    return new TaskFailedError(message.split('\n')[0]?.slice(0, 1_000))
  }

  return new TaskFailedError(String(err).slice(0, 1_000))
}
