/**
 * The entry of a worker pool's thread (see `pool.ts`). It imports the handler
 * modules named in its `workerData`, tells the pool the kinds they export,
 * then runs the jobs the pool sends it, one at a time, and answers each with
 * its result or the reason it failed. The types here are the messages between
 * the two sides.
 *
 * Nothing a handler throws leaves this file as an exception: a failure becomes
 * a message. What it cannot catch (an exit, an error thrown later from a timer,
 * running out of memory) ends the thread, and the pool sees the thread die.
 */
import { fileURLToPath } from 'node:url'
import { type MessagePort, parentPort, workerData } from 'node:worker_threads'
import type { TaskContext, TaskHandler } from './task.js'

/** What a thread is started with. */
export interface ThreadData {
  /** The handler modules as `file:` URLs. */
  modules: string[]
}

/** A job, as the pool sends it to a thread. */
export interface RunMessage {
  id: string
  kind: string
  args: unknown
  cids: string[]
  inputs: Uint8Array[]
}

/** What a thread sends the pool. */
export type ThreadMessage =
  | { type: 'ready'; kinds: string[] }
  | { type: 'load-failed'; reason: string }
  | { type: 'progress'; fraction: number; message?: string }
  | { type: 'done'; json: string }
  | { type: 'done'; bytes: Uint8Array }
  | { type: 'failed'; reason: string }

/** Longest failure reason or progress message sent, in characters. */
const MAX_TEXT = 1000
/** Least time between two progress messages of a job, in ms. */
const PROGRESS_INTERVAL = 50 // ms

/**
 * Passes a job's progress on to the pool, at most once per
 * `PROGRESS_INTERVAL`: a report that comes sooner waits, and a later one
 * replaces it, so the last report always gets through.
 */
class ProgressReporter {
  private readonly port: MessagePort
  private pending?: { fraction: number; message?: string }
  private lastSent = 0
  private timer?: ReturnType<typeof setTimeout>
  private closed = false

  constructor(port: MessagePort) {
    this.port = port
  }

  report(fraction: number, message?: string): void {
    // a handler in JavaScript may pass anything: what is not a number is dropped
    const value = Number(fraction)

    if (this.closed || Number.isNaN(value)) {
      return
    }

    this.pending = { fraction: Math.min(1, Math.max(0, value)) }

    if (message !== undefined) {
      this.pending.message = String(message).slice(0, MAX_TEXT)
    }

    const wait = this.lastSent + PROGRESS_INTERVAL - Date.now()

    if (wait <= 0) {
      this.flush()
    } else {
      this.timer ??= setTimeout(() => this.flush(), wait)
    }
  }

  /** Sends the report that waits, if any. */
  flush(): void {
    clearTimeout(this.timer)
    this.timer = undefined

    if (this.pending !== undefined && !this.closed) {
      this.port.postMessage({ type: 'progress', ...this.pending })
      this.lastSent = Date.now()
      this.pending = undefined
    }
  }

  /** Ends the job's reports: sends the last one, and ignores any that come later. */
  close(): void {
    this.flush()
    this.closed = true
  }
}

/**
 * A thrown value as one line: the message, after the error's name unless that
 * is plain `Error`, cut to `MAX_TEXT` characters.
 */
function describeError(err: unknown): string {
  let text: string

  if (typeof err === 'object' && err !== null && 'message' in err) {
    const name = 'name' in err ? String(err.name) : 'Error'
    const message = String(err.message)
    text = name === 'Error' || name === '' ? message : `${name}: ${message}`
  } else {
    try {
      text = String(err)
    } catch {
      text = typeof err
    }
  }

  text = text.replace(/\s*[\r\n]+\s*/g, ' ').trim()

  if (text === '') {
    text = 'an error without a message'
  }

  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text
}

/**
 * Imports every module and collects its functions, then tells the pool the
 * kinds, sorted. A module that cannot be imported, exports no functions, or
 * exports a kind another one does fails the load: the pool hears why.
 */
async function loadModules(
  port: MessagePort,
  modules: readonly string[]
): Promise<Map<string, TaskHandler> | undefined> {
  const handlers = new Map<string, TaskHandler>()
  const owners = new Map<string, string>()
  const fail = (reason: string): undefined => {
    port.postMessage({ type: 'load-failed', reason })
  }

  for (const module of modules) {
    const file = fileName(module)
    let exports: Record<string, unknown>

    try {
      exports = await import(module)
    } catch (err) {
      return fail(`cannot load handler module ${file}: ${describeError(err)}`)
    }

    // the default export has no name to run it by
    const kinds = Object.keys(exports).filter(
      (name) => name !== 'default' && typeof exports[name] === 'function'
    )

    if (kinds.length === 0) {
      return fail(`handler module ${file} exports no functions`)
    }

    for (const kind of kinds) {
      const owner = owners.get(kind)

      if (owner !== undefined) {
        return fail(`handler modules ${owner} and ${file} both export "${kind}"`)
      }

      owners.set(kind, file)
      handlers.set(kind, exports[kind] as TaskHandler)
    }
  }

  port.postMessage({ type: 'ready', kinds: [...handlers.keys()].sort() })
  return handlers
}

/** A module URL as the file it names, for messages. */
function fileName(module: string): string {
  try {
    return fileURLToPath(module)
  } catch {
    return module
  }
}

/** What the handler of a job sees. */
function context(job: RunMessage, progress: ProgressReporter): TaskContext {
  const { inputs } = job
  const input = (i: number): Uint8Array => {
    const bytes = inputs[i]

    if (bytes === undefined) {
      throw new RangeError(`no input ${i}: the task has ${inputs.length}`)
    }

    return bytes
  }

  return {
    id: job.id,
    args: job.args,
    inputs: {
      length: inputs.length,
      cids: job.cids,
      bytes: async (i) => input(i),
      stream: async function* (i) {
        yield input(i)
      }
    },
    progress: (fraction, message) => progress.report(fraction, message),
    // the pool stops a cancelled or late job by terminating the thread, so this never aborts
    signal: new AbortController().signal
  }
}

/** A handler's result as the pool takes it: JSON text, or bytes in a buffer of their own. */
function encode(result: unknown): { json: string } | { bytes: Uint8Array } {
  if (result instanceof ArrayBuffer) {
    return { bytes: new Uint8Array(result) }
  }

  if (ArrayBuffer.isView(result)) {
    const view = new Uint8Array(result.buffer, result.byteOffset, result.byteLength)
    const whole = view.buffer instanceof ArrayBuffer && view.byteLength === view.buffer.byteLength

    // a view into a larger or shared buffer is copied, so only its bytes travel
    return { bytes: whole ? view : new Uint8Array(view) }
  }

  let json: string | undefined

  try {
    json = JSON.stringify(result === undefined ? null : result)
  } catch (err) {
    throw new Error(`the result cannot be serialised as JSON: ${describeError(err)}`)
  }

  if (json === undefined) {
    throw new Error(
      `the result cannot be serialised as JSON: a ${typeof result} is not a JSON value`
    )
  }

  return { json }
}

/** Runs one job and answers it. Never throws. */
async function run(
  port: MessagePort,
  handlers: Map<string, TaskHandler>,
  job: RunMessage
): Promise<void> {
  const progress = new ProgressReporter(port)

  try {
    const handler = handlers.get(job.kind)

    if (handler === undefined) {
      throw new Error(`no handler for kind "${job.kind}" in the loaded modules`)
    }

    const result = encode(await handler(context(job, progress)))
    progress.close()

    const transfer = 'bytes' in result ? [result.bytes.buffer as ArrayBuffer] : []
    port.postMessage({ type: 'done', ...result } satisfies ThreadMessage, transfer)
  } catch (err) {
    progress.close()
    port.postMessage({ type: 'failed', reason: describeError(err) } satisfies ThreadMessage)
  }
}

const port = parentPort

if (port === null) {
  throw new Error('pool-thread is the entry of a worker pool thread and runs only as one')
}

const handlers = await loadModules(port, (workerData as ThreadData).modules)

if (handlers !== undefined) {
  port.on('message', (job: RunMessage) => {
    void run(port, handlers, job)
  })
}
