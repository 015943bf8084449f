/**
 * `mycel run <kind>`: submits a task through the local daemon and waits for
 * its result, or with `--each` one task per input, with a progress bar on a
 * terminal. Ctrl-C while waiting cancels what has not ended.
 */
import { type Command, InvalidArgumentError } from 'commander'
import { ApiError, InvalidTaskError, TaskCancelledError, TaskFailedError } from '../../errors.js'
import { parseNeeds } from '../../scheduler/needs.js'
import type { TaskNeeds } from '../../scheduler/task.js'
import { parseCid } from '../../store/block.js'
import { ApiClient } from '../client.js'
import { EXIT_INTERRUPTED } from '../exit.js'
import { note, print, printJson } from '../output.js'
import { createProgress } from '../progress.js'
import { collect, count, dataDirOf, wantsJson } from './options.js'

/** How long one result request asks the daemon to wait; it answers 202 past it. */
export const POLL_WAIT = 25_000 // ms
/** How long past `POLL_WAIT` the CLI waits for the daemon's answer before it gives up. */
const POLL_SLACK = 10_000 // ms
/** Result requests in flight at once with `--each`. */
const POLL_CONCURRENCY = 32
/** How long `/v1/tasks/map` may take to take in a large batch. */
const MAP_TIMEOUT = 120_000 // ms
/** How long a cancellation may take after Ctrl-C. */
const CANCEL_TIMEOUT = 5_000 // ms

interface RunOptions {
  args?: string
  input: string[]
  priority?: number
  need: string[]
  timeout?: number
  retries?: number
  each?: boolean
  detach?: boolean
}

/** How a task ended, as the CLI reports it. */
type Outcome =
  | { state: 'completed'; value: unknown }
  | { state: 'completed'; bytes: Uint8Array }
  | { state: 'failed' | 'cancelled'; error: string }

/** What Ctrl-C resolves the wait with. */
const INTERRUPTED = Symbol('interrupted')

/** Adds `mycel run`. */
export function runCommand(program: Command): void {
  program
    .command('run')
    .argument('<kind>', 'the task kind, e.g. sha256; `mycel peers` shows what each node runs')
    .description('run a task on the mesh and print its result')
    .option('--args <json>', 'arguments for the handler, as JSON')
    .option('--input <cid>', 'a stored object the task reads (repeatable)', collect, [])
    .option('--priority <n>', 'higher runs first, from -1000000 to 1000000 (default 0)', integer)
    .option(
      '--need <needs>',
      'what it needs of a node, e.g. slots=2,mem=4GiB,gpu=1,label=zone=eu (repeatable)',
      collect,
      []
    )
    .option('--timeout <ms>', 'how long one attempt may run (default 3600000)', count)
    .option('--retries <n>', 'attempts after the first when the handler fails (default 3)', count)
    .option('--each', 'one task per --input; prints a JSON line per task, in input order')
    .option('--detach', 'print the task id (one per line with --each) and exit without waiting')
    .option('--json', 'print JSON')
    .action(async (kind: string, options: RunOptions, cmd: Command) => {
      const fields = specFields(options)
      const client = await ApiClient.connect(dataDirOf(cmd))

      if (options.each === true) {
        await runEach(client, kind, fields, options, wantsJson(cmd))
      } else {
        await runOne(client, kind, fields, options, wantsJson(cmd))
      }
    })
}

/** The spec's fields from the flags, checked here so a mistake is named by its flag. */
function specFields(options: RunOptions): {
  args?: unknown
  inputs: string[]
  needs?: Partial<TaskNeeds>
  options: { priority?: number; timeout?: number; retries?: number }
} {
  let args: unknown

  if (options.args !== undefined) {
    try {
      args = JSON.parse(options.args) as unknown
    } catch (err) {
      throw new InvalidTaskError(`--args is not valid JSON: ${(err as Error).message}`)
    }
  }

  if (options.each === true && options.input.length === 0) {
    throw new InvalidTaskError('--each runs one task per --input, and none was given')
  }

  return {
    ...(args === undefined ? {} : { args }),
    inputs: options.input.map((text) => parseCid(text.trim()).toString()),
    ...(options.need.length === 0 ? {} : { needs: parseNeeds(options.need.join(',')) }),
    options: {
      ...(options.priority === undefined ? {} : { priority: options.priority }),
      ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
      ...(options.retries === undefined ? {} : { retries: options.retries })
    }
  }
}

async function runOne(
  client: ApiClient,
  kind: string,
  fields: ReturnType<typeof specFields>,
  options: RunOptions,
  json: boolean
): Promise<void> {
  const { options: rest, ...spec } = fields
  const { id } = await client.send<{ id: string }>('POST', '/v1/tasks', { kind, ...spec, ...rest })

  if (options.detach === true) {
    if (json) printJson({ id })
    else print(id)
    return
  }

  let ended: Outcome | undefined
  const outcome = await untilInterrupted(async (signal) => {
    ended = await awaitTask(client, id, signal)
    return ended
  })

  if (outcome === INTERRUPTED) {
    await interrupted(client, ended === undefined ? [id] : [])
    return
  }

  if (outcome.state !== 'completed') {
    throw outcome.state === 'failed'
      ? new TaskFailedError(`task ${id} failed: ${outcome.error}`)
      : new TaskCancelledError(`task ${id} was cancelled`)
  }

  if (json) {
    const shown = 'bytes' in outcome ? { bytes: base64(outcome.bytes) } : { result: outcome.value }
    printJson({ id, state: 'completed', ...shown })
  } else if ('bytes' in outcome) {
    process.stdout.write(outcome.bytes)
  } else if (typeof outcome.value === 'string') {
    // a handler that returns text gives text, not a JSON string
    print(outcome.value)
  } else {
    printJson(outcome.value)
  }
}

async function runEach(
  client: ApiClient,
  kind: string,
  fields: ReturnType<typeof specFields>,
  options: RunOptions,
  json: boolean
): Promise<void> {
  const { inputs } = fields
  const items = inputs.map((input) => ({
    ...('args' in fields ? { args: fields.args } : {}),
    inputs: [input]
  }))
  const batchOptions = { ...fields.options, ...(fields.needs ? { needs: fields.needs } : {}) }
  const { ids } = await client.send<{ ids: string[] }>(
    'POST',
    '/v1/tasks/map',
    { kind, items, options: batchOptions },
    MAP_TIMEOUT
  )

  if (options.detach === true) {
    if (json) printJson({ ids })
    else print(...ids)
    return
  }

  const progress = createProgress({
    label: `run ${kind}`,
    total: ids.length,
    unit: 'tasks',
    stream: process.stderr
  })
  const outcomes: Array<Outcome | undefined> = ids.map(() => undefined)
  let ended = 0
  const result = await untilInterrupted(async (signal) => {
    let next = 0
    const poller = async (): Promise<void> => {
      for (let i = next++; i < ids.length; i = next++) {
        outcomes[i] = await awaitTask(client, ids[i] as string, signal)
        progress.update(++ended)
      }
    }

    await Promise.all(Array.from({ length: Math.min(POLL_CONCURRENCY, ids.length) }, poller))
  }).catch((err: unknown) => {
    progress.abandon()
    throw err
  })

  if (result === INTERRUPTED) {
    progress.abandon()
    await interrupted(
      client,
      ids.filter((_, i) => outcomes[i] === undefined)
    )
    return
  }

  progress.finish()
  let failed = 0

  for (const [i, outcome] of outcomes.entries()) {
    const line = { input: inputs[i], id: ids[i], ...lineOf(outcome as Outcome) }
    failed += 'error' in line ? 1 : 0
    print(JSON.stringify(line))
  }

  if (failed > 0) {
    throw new TaskFailedError(`${failed} of ${ids.length} tasks did not complete`)
  }
}

/** What `--each` prints of one task's end, beside its input and id. */
function lineOf(outcome: Outcome): { result: unknown } | { bytes: string } | { error: string } {
  if (outcome.state !== 'completed') {
    return { error: outcome.state === 'cancelled' ? 'cancelled' : outcome.error }
  }

  return 'bytes' in outcome ? { bytes: base64(outcome.bytes) } : { result: outcome.value }
}

/**
 * Waits for one task to end, asking the daemon again each time it answers
 * that the task is still going.
 */
async function awaitTask(client: ApiClient, id: string, signal: AbortSignal): Promise<Outcome> {
  const path = `/v1/tasks/${encodeURIComponent(id)}/result?wait=${POLL_WAIT}`

  for (;;) {
    let response: Response

    try {
      response = await client.request(path, { signal }, POLL_WAIT + POLL_SLACK)
    } catch (err) {
      // the daemon says how the task ended with these two
      if (err instanceof ApiError && (err.status === 422 || err.status === 409)) {
        return { state: err.status === 422 ? 'failed' : 'cancelled', error: err.message }
      }

      throw err
    }

    if (response.status === 202) {
      await response.body?.cancel()
      continue
    }

    if (response.headers.get('content-type')?.startsWith('application/octet-stream')) {
      return { state: 'completed', bytes: new Uint8Array(await response.arrayBuffer()) }
    }

    const answer = (await response.json()) as { result: unknown }

    return { state: 'completed', value: answer.result }
  }
}

/**
 * Runs `work` until it ends or the user presses Ctrl-C, which aborts its
 * signal. A second Ctrl-C, while the tasks are being cancelled, ends the
 * process at once.
 */
async function untilInterrupted<T>(
  work: (signal: AbortSignal) => Promise<T>
): Promise<T | typeof INTERRUPTED> {
  const controller = new AbortController()
  let onSignal = (): void => {}
  const stopped = new Promise<typeof INTERRUPTED>((resolve) => {
    onSignal = () => {
      controller.abort()
      resolve(INTERRUPTED)
    }
    process.once('SIGINT', onSignal)
  })
  const running = work(controller.signal)
  // once interrupted, how the aborted work fails is of no interest
  running.catch(() => {})

  try {
    return await Promise.race([running, stopped])
  } finally {
    process.removeListener('SIGINT', onSignal)
  }
}

/** Cancels the tasks that had not ended when Ctrl-C came, and exits 130. */
async function interrupted(client: ApiClient, ids: readonly string[]): Promise<void> {
  let next = 0
  let cancelled = 0
  const canceller = async (): Promise<void> => {
    for (let i = next++; i < ids.length; i = next++) {
      const path = `/v1/tasks/${encodeURIComponent(ids[i] as string)}`
      await client.send('DELETE', path, undefined, CANCEL_TIMEOUT).then(
        () => cancelled++,
        (err: Error) => note(`mycel: could not cancel task ${ids[i]}: ${err.message}`)
      )
    }
  }

  await Promise.all(Array.from({ length: Math.min(POLL_CONCURRENCY, ids.length) }, canceller))

  if (ids.length === 0) {
    note('mycel: interrupted')
  } else if (ids.length === 1) {
    note(`mycel: interrupted; cancelled task ${ids[0]}`)
  } else {
    note(`mycel: interrupted; cancelled ${cancelled} of ${ids.length} unfinished tasks`)
  }

  process.exitCode = EXIT_INTERRUPTED
}

/** Parses an integer, negative or not. */
function integer(value: string): number {
  const n = Number(value)

  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(`expected an integer, got "${value}"`)
  }

  return n
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
}
