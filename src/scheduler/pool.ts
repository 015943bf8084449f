/**
 * A pool of worker threads that runs task handlers, so CPU-bound work never
 * blocks the node's event loop.
 *
 * Each thread imports every handler module (see `pool-thread.ts`) and runs one
 * job at a time; jobs wait in FIFO order while every thread is busy. Threads
 * start when first needed and are kept. A job that runs past its timeout or is
 * aborted has its thread terminated, and a thread that dies under a job fails
 * that job alone: the next job that needs a thread starts a new one.
 */
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { type ResourceLimits, Worker } from 'node:worker_threads'
import type { Logger } from '@libp2p/interface'
import {
  HandlerModuleError,
  InvalidConfigError,
  NotStartedError,
  TaskCancelledError,
  TaskFailedError,
  TaskTimeoutError,
  WorkerCrashedError
} from '../errors.js'
import type { RunMessage, ThreadData, ThreadMessage } from './pool-thread.js'

// Run from source (tests, scripts), this file and the thread's entry are
// TypeScript, and the thread needs tsx. `--import tsx` does not do: on Node 20
// tsx registers its hooks on the main thread only, so the thread registers
// them itself through tsx's API. The build is plain JavaScript.
const FROM_SOURCE = import.meta.url.endsWith('.ts')
const EXTENSION = FROM_SOURCE ? '.ts' : '.js'
const THREAD_ENTRY = new URL(`./pool-thread${EXTENSION}`, import.meta.url)
const THREAD_EXEC_ARGV = FROM_SOURCE ? ['--import', tsxRegistration()] : undefined

/** The module of the built-in handlers that run on threads, to pass in `WorkerPoolInit.modules`. */
export const BUILTIN_THREAD_MODULE: string = new URL(`./pool-builtins${EXTENSION}`, import.meta.url)
  .href

/** How long a new thread may take to import the handler modules. */
export const DEFAULT_LOAD_TIMEOUT = 30_000 // ms
/** Longest delay a timer takes; a longer timeout would fire at once. */
const MAX_TIMER = 2 ** 31 - 1 // ms
/** Longest reason put in an error message, in characters. */
const MAX_REASON = 1000

export interface WorkerPoolInit {
  /** Threads at most: one per execution slot. Threads start when first needed and are kept. */
  size: number
  /** Handler modules: absolute paths or `file:` URLs. A relative path is taken from the cwd. */
  modules: readonly string[]
  /** Passed to every thread, e.g. a memory limit; a thread past it dies and its job fails. */
  resourceLimits?: ResourceLimits
  /**
   * How long a new thread may take to import the handler modules, in ms.
   *
   * @default 30000
   */
  loadTimeout?: number
  log: Logger
}

/** One run of a task's handler. */
export interface PoolJob {
  id: string
  kind: string
  /** The arguments, parsed from JSON. */
  args: unknown
  cids: readonly string[]
  /**
   * The inputs, one per CID. Each one that fills its buffer is moved to the
   * thread, not copied, and the caller's view is left empty: pass bytes the
   * pool may take, and a copy of bytes kept elsewhere (a cache). A view of
   * part of a buffer is copied.
   */
  inputs: Uint8Array[]
  /** How long the handler may run, in ms; past it the thread is terminated. */
  timeout: number
  /** Aborting it terminates the thread running the job. */
  signal?: AbortSignal
  onProgress?(fraction: number, message?: string): void
}

/** The handler's result: JSON text (`'null'` when it returned nothing), or bytes. */
export type JobResult = { json: string } | { bytes: Uint8Array }

/** Counts since the pool was made, and its state now. */
export interface WorkerPoolStats {
  threads: number
  busy: number
  queued: number
  completed: number
  failed: number
  crashed: number
  timedOut: number
}

/** A job waiting for a thread or running on one. */
interface Entry {
  job: PoolJob
  resolve(result: JobResult): void
  reject(err: Error): void
  onAbort(): void
  thread?: Thread
  /** Runs out the job's time; set once the job is sent to its thread. */
  timer?: ReturnType<typeof setTimeout>
}

interface Thread {
  worker: Worker
  /** It has imported the handler modules. */
  ready: boolean
  /** It is terminated or exited; nothing it sends counts any more. */
  dead: boolean
  entry?: Entry
  loadTimer?: ReturnType<typeof setTimeout>
  /** Hears how the thread's load went: the kinds, or why it failed. */
  onLoad?(outcome: string[] | Error): void
}

/**
 * Runs task handlers on worker threads.
 *
 * @example
 * ```ts
 * const pool = new WorkerPool({ size: 2, modules: [BUILTIN_THREAD_MODULE], log })
 * await pool.load() // ['sha256', 'spin']
 * await pool.run({ id: 't1', kind: 'spin', args: 100, cids: [], inputs: [], timeout: 5000 })
 * // { json: '{"spun":100}' }
 * await pool.stop()
 * ```
 */
export class WorkerPool {
  private readonly size: number
  private readonly modules: string[]
  private readonly resourceLimits?: ResourceLimits
  private readonly loadTimeout: number
  private readonly log: Logger
  private readonly threads: Thread[] = []
  private readonly queue: Entry[] = []
  private loading?: Promise<string[]>
  private known?: ReadonlySet<string>
  private stopped = false
  private readonly counts = { completed: 0, failed: 0, crashed: 0, timedOut: 0 }

  constructor(init: WorkerPoolInit) {
    if (!Number.isInteger(init.size) || init.size < 1) {
      throw new InvalidConfigError(`expected size to be an integer >= 1, got ${init.size}`)
    }

    this.size = init.size
    this.modules = init.modules.map((m) =>
      m.startsWith('file:') ? m : pathToFileURL(resolve(m)).href
    )
    this.resourceLimits = init.resourceLimits
    this.loadTimeout = init.loadTimeout ?? DEFAULT_LOAD_TIMEOUT
    this.log = init.log
  }

  /** The task kinds of the handler modules, sorted; empty until `load()` resolves. */
  get kinds(): readonly string[] {
    return [...(this.known ?? [])]
  }

  /**
   * Imports every handler module in a thread (never in the main thread) and
   * returns the kinds they export, sorted. The thread is kept for jobs.
   *
   * @throws HandlerModuleError naming the file and the reason: it is missing or
   * does not parse, exports no functions, or exports a kind another one does
   */
  async load(): Promise<string[]> {
    if (this.stopped) {
      throw new NotStartedError('the worker pool is stopped')
    }

    this.loading ??= new Promise<string[]>((resolve, reject) => {
      this.spawn().onLoad = (outcome) => {
        if (outcome instanceof Error) {
          reject(outcome)
        } else {
          resolve(outcome)
        }
      }
    }).then(
      (kinds) => {
        this.known = new Set(kinds)
        this.log('loaded %d handler modules: %s', this.modules.length, kinds.join(', '))
        return kinds
      },
      (err: unknown) => {
        // a later call tries again, e.g. once the module is fixed
        this.loading = undefined
        throw err
      }
    )

    return [...(await this.loading)]
  }

  /**
   * Runs a job on a free thread, queued FIFO while all are busy.
   *
   * @throws TaskFailedError when the handler throws, its result is neither JSON nor bytes, or
   * no module exports the kind; TaskTimeoutError, TaskCancelledError, WorkerCrashedError
   */
  run(job: PoolJob): Promise<JobResult> {
    return new Promise((resolve, reject) => {
      const refusal = this.refuse(job)

      if (refusal !== undefined) {
        this.counts.failed += refusal instanceof TaskFailedError ? 1 : 0
        reject(refusal)
        return
      }

      const settled = (): void => {
        clearTimeout(entry.timer)
        job.signal?.removeEventListener('abort', entry.onAbort)
      }
      const entry: Entry = {
        job,
        resolve: (result) => {
          settled()
          resolve(result)
        },
        reject: (err) => {
          settled()
          reject(err)
        },
        onAbort: () => this.abort(entry)
      }

      job.signal?.addEventListener('abort', entry.onAbort, { once: true })
      this.queue.push(entry)
      this.dispatch()
    })
  }

  stats(): WorkerPoolStats {
    const busy = this.threads.filter((thread) => thread.entry !== undefined).length

    return { threads: this.threads.length, busy, queued: this.queue.length, ...this.counts }
  }

  /** Terminates every thread; running and queued jobs reject with `TaskCancelledError`. */
  async stop(): Promise<void> {
    this.stopped = true
    const stopping = (): Error => new TaskCancelledError('the node is stopping')

    for (const entry of this.queue.splice(0)) {
      entry.reject(stopping())
    }

    await Promise.all([...this.threads].map((thread) => this.kill(thread, stopping())))
    this.log('stopped')
  }

  /** Why a job cannot be queued, if it cannot. */
  private refuse(job: PoolJob): Error | undefined {
    if (this.stopped) {
      return new TaskCancelledError('the node is stopping')
    }

    if (this.known === undefined) {
      return new NotStartedError('the worker pool has not loaded its handler modules')
    }

    if (!this.known.has(job.kind)) {
      return new TaskFailedError(`no handler for kind "${job.kind}" in the loaded modules`)
    }

    return job.signal?.aborted === true ? new TaskCancelledError() : undefined
  }

  /** Hands queued jobs to idle threads, starting threads while there is room. */
  private dispatch(): void {
    while (!this.stopped && this.queue.length > 0) {
      let thread = this.threads.find((candidate) => candidate.entry === undefined)

      if (thread === undefined && this.threads.length < this.size) {
        try {
          thread = this.spawn()
        } catch (err) {
          const reason = `cannot start a worker thread: ${errorText(err)}`
          this.log.error('%s', reason)
          this.queue.shift()?.reject(new WorkerCrashedError(reason))
          continue
        }
      }

      const entry = thread === undefined ? undefined : this.queue.shift()

      if (thread === undefined || entry === undefined) {
        return
      }

      thread.entry = entry
      entry.thread = thread
      this.send(thread)
    }
  }

  private spawn(): Thread {
    const data: ThreadData = { modules: this.modules }
    const worker = new Worker(THREAD_ENTRY, {
      workerData: data,
      execArgv: THREAD_EXEC_ARGV,
      resourceLimits: this.resourceLimits
    })
    const thread: Thread = { worker, ready: false, dead: false }
    const crash = (reason: string): void => {
      void this.kill(thread, new WorkerCrashedError(reason))
    }

    // idle threads do not keep the process alive; a job's timer does while it runs
    worker.unref()
    worker.on('message', (message: ThreadMessage) => this.receive(thread, message))
    worker.on('error', (err) => crash(`the worker thread died: ${errorText(err)}`))
    worker.on('exit', (code) => crash(`the worker thread exited with code ${code}`))
    thread.loadTimer = setTimeout(() => {
      crash(`a worker thread took over ${this.loadTimeout} ms to load the handler modules`)
    }, this.loadTimeout)
    this.threads.push(thread)
    this.log('started worker thread %d of %d', this.threads.length, this.size)

    return thread
  }

  /** Sends a thread its job once the thread is ready, and starts the job's clock. */
  private send(thread: Thread): void {
    const entry = thread.entry

    if (!thread.ready || entry === undefined || entry.timer !== undefined) {
      return
    }

    const { job } = entry
    const { inputs, transfer } = movable(job.inputs)
    const message: RunMessage = {
      id: job.id,
      kind: job.kind,
      args: job.args,
      cids: [...job.cids],
      inputs
    }

    try {
      thread.worker.postMessage(message, transfer)
    } catch (err) {
      // nothing has moved yet: arguments that do not clone, or a buffer that does not move
      thread.entry = undefined
      this.counts.failed++
      entry.reject(new TaskFailedError(`cannot send the task to a thread: ${errorText(err)}`))
      this.dispatch()
      return
    }

    entry.timer = setTimeout(
      () => {
        const late = new TaskTimeoutError(`the task ran past its timeout of ${job.timeout} ms`)
        void this.kill(thread, late)
      },
      Math.min(job.timeout, MAX_TIMER)
    )
  }

  private receive(thread: Thread, message: ThreadMessage): void {
    const entry = thread.entry

    if (thread.dead) {
      return
    }

    if (message.type === 'ready') {
      clearTimeout(thread.loadTimer)
      thread.ready = true
      thread.onLoad?.(message.kinds)
      this.send(thread)
    } else if (message.type === 'load-failed') {
      void this.kill(thread, new WorkerCrashedError(message.reason))
    } else if (message.type === 'progress') {
      try {
        entry?.job.onProgress?.(message.fraction, message.message)
      } catch (err) {
        this.log.error('the progress listener of task %s threw: %e', entry?.job.id, err)
      }
    } else if (entry !== undefined) {
      thread.entry = undefined

      if (message.type === 'failed') {
        this.counts.failed++
        this.log('task %s failed: %s', entry.job.id, message.reason)
        entry.reject(new TaskFailedError(message.reason))
      } else {
        this.counts.completed++
        entry.resolve('bytes' in message ? { bytes: message.bytes } : { json: message.json })
      }

      this.dispatch()
    }
  }

  private abort(entry: Entry): void {
    const index = this.queue.indexOf(entry)

    if (index >= 0) {
      this.queue.splice(index, 1)
      entry.reject(new TaskCancelledError())
    } else if (entry.thread !== undefined) {
      void this.kill(entry.thread, new TaskCancelledError())
    }
  }

  /**
   * Terminates a thread and fails its job with `err`, or its load when it has
   * not loaded yet; then gives the waiting jobs to the threads left or new ones.
   */
  private kill(thread: Thread, err: Error): Promise<void> {
    if (thread.dead) {
      return Promise.resolve()
    }

    const entry = thread.entry
    thread.dead = true
    thread.entry = undefined
    clearTimeout(thread.loadTimer)
    this.threads.splice(this.threads.indexOf(thread), 1)

    const exited = thread.worker.terminate().then(
      () => undefined,
      (cause: unknown) => this.log.error('terminating a worker thread failed: %e', cause)
    )

    if (err instanceof WorkerCrashedError) {
      this.log.error('%s%s', err.message, entry === undefined ? '' : ` (task ${entry.job.id})`)
    } else if (entry !== undefined) {
      this.log('task %s: %s; terminated its thread', entry.job.id, err.message)
    }

    if (!thread.ready) {
      thread.onLoad?.(err instanceof WorkerCrashedError ? new HandlerModuleError(err.message) : err)
    }

    if (entry !== undefined) {
      this.counts.crashed += err instanceof WorkerCrashedError ? 1 : 0
      this.counts.timedOut += err instanceof TaskTimeoutError ? 1 : 0
      entry.reject(err)
    }

    this.dispatch()
    return exited
  }
}

/** A module that registers tsx's hooks in the thread it runs in, as a `data:` URL. */
function tsxRegistration(): string {
  const api = JSON.stringify(import.meta.resolve('tsx/esm/api'))

  return `data:text/javascript,${encodeURIComponent(`import { register } from ${api}; register()`)}`
}

/**
 * The inputs as a thread gets them, and the buffers moved there instead of
 * copied: a view that fills its buffer moves (leaving the caller's empty), and
 * a part of a larger buffer is copied first so the rest does not travel.
 */
function movable(views: readonly Uint8Array[]): { inputs: Uint8Array[]; transfer: ArrayBuffer[] } {
  const transfer = new Set<ArrayBuffer>()
  const inputs = views.map((view) => {
    const { buffer } = view
    const whole =
      buffer instanceof ArrayBuffer &&
      !transfer.has(buffer) &&
      view.byteOffset === 0 &&
      view.byteLength === buffer.byteLength
    const own = whole ? view : new Uint8Array(view)
    transfer.add(own.buffer as ArrayBuffer)

    return own
  })

  return { inputs, transfer: [...transfer] }
}

/** An error as a reason on one line: its name unless plain `Error`, its message, its code. */
function errorText(err: unknown): string {
  let text = String(err)

  if (err instanceof Error) {
    const code = 'code' in err && typeof err.code === 'string' ? ` (${err.code})` : ''
    text = `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}${code}`
  }

  text = text.replace(/\s*[\r\n]+\s*/g, ' ')

  return text.length > MAX_REASON ? `${text.slice(0, MAX_REASON - 1)}…` : text
}
