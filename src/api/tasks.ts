/**
 * The API's task routes:
 *
 * - `POST   /v1/tasks`             submits a task spec (JSON, at most 1 MiB); answers `{ id }`
 * - `POST   /v1/tasks/map`         `{ kind, items, options? }`: one task per item; `{ ids }`
 * - `GET    /v1/tasks?state=&limit=`  recent tasks this node submitted, newest first
 * - `GET    /v1/tasks/stats`       what the scheduler did, and its slots
 * - `GET    /v1/tasks/:id`         the task in full, with its history
 * - `GET    /v1/tasks/:id/result?wait=<ms>`  its result, waiting up to `wait` for it
 * - `DELETE /v1/tasks/:id`         cancels it
 */
import type { Context, Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { InvalidTaskError, TaskCancelledError, TaskFailedError } from '../errors.js'
import type { MeshNode } from '../node/mesh-node.js'
import type { MapItem } from '../scheduler/service.js'
import { FINAL_STATES, type TaskSpec, type TaskState } from '../scheduler/task.js'

/** Largest body of `POST /v1/tasks`. */
export const MAX_SPEC_BODY = 1024 * 1024 // bytes
/** Largest body of `POST /v1/tasks/map`. */
export const MAX_MAP_BODY = 64 * 1024 * 1024 // bytes
/** Most items one `POST /v1/tasks/map` submits. */
export const MAX_MAP_ITEMS = 100_000
/** Longest a result request waits for the task to end. */
export const MAX_RESULT_WAIT = 60_000 // ms
/** Most tasks one `GET /v1/tasks` lists. */
export const MAX_LIST_LIMIT = 100_000

/** Every state a task can be in, for checking `?state=`. */
const STATES = [
  'pending',
  'auction',
  'awarded',
  'running',
  'completed',
  'failed',
  'cancelled'
] as const satisfies readonly TaskState[]
const MAP_FIELDS = ['kind', 'items', 'options']
const MAP_OPTIONS = ['needs', 'priority', 'timeout', 'retries']
const ITEM_FIELDS = ['args', 'inputs']

/** How a result request ended: a value, the task's failure, or not yet. */
type Outcome = { value: unknown } | { error: Error } | undefined

/** Adds the task routes. */
export function taskRoutes(app: Hono, node: MeshNode): void {
  app.post('/v1/tasks', async (c) => {
    const spec = await readJson(c, MAX_SPEC_BODY)
    const task = node.tasks.submit(spec as TaskSpec)

    return c.json({ id: task.id }, 201)
  })

  app.post('/v1/tasks/map', async (c) => {
    const { kind, items, options } = mapRequest(await readJson(c, MAX_MAP_BODY))
    const batch = node.tasks.map(kind, items, options)

    return c.json({ ids: batch.tasks.map((task) => task.id) }, 201)
  })

  app.get('/v1/tasks', (c) => {
    const state = c.req.query('state')
    const limit = c.req.query('limit')

    if (state !== undefined && !(STATES as readonly string[]).includes(state)) {
      throw new InvalidTaskError(
        `expected state to be one of ${STATES.join(', ')}, got ${JSON.stringify(state.slice(0, 20))}`
      )
    }

    return c.json({
      tasks: node.tasks.list({
        ...(state === undefined ? {} : { state: state as TaskState }),
        ...(limit === undefined ? {} : { limit: whole('limit', limit, 1, MAX_LIST_LIMIT) })
      })
    })
  })

  // before /:id, which would take "stats" for an id
  app.get('/v1/tasks/stats', (c) => c.json(node.tasks.stats()))

  app.get('/v1/tasks/:id', (c) => c.json(node.tasks.get(c.req.param('id'))))

  app.get('/v1/tasks/:id/result', async (c) => {
    const id = c.req.param('id')
    const wait = c.req.query('wait')
    const outcome = await outcomeOf(
      node,
      id,
      wait === undefined ? 0 : whole('wait', wait, 0, MAX_RESULT_WAIT),
      c.req.raw.signal
    )

    if (outcome === undefined) {
      return c.json({ id, state: node.tasks.get(id).state }, 202)
    }

    if ('error' in outcome) {
      const { error } = outcome

      if (error instanceof TaskFailedError || error instanceof TaskCancelledError) {
        const status = error instanceof TaskFailedError ? 422 : 409

        return c.json({ error: error.message, code: error.name, id }, status)
      }

      throw error
    }

    if (outcome.value instanceof Uint8Array) {
      return new Response(outcome.value, {
        headers: {
          'content-type': 'application/octet-stream',
          'content-length': String(outcome.value.byteLength),
          'x-mycel-task-state': 'completed'
        }
      })
    }

    return c.json({ id, state: 'completed', result: outcome.value })
  })

  app.delete('/v1/tasks/:id', (c) => {
    const id = c.req.param('id')
    node.tasks.cancel(id)

    return c.json({ id, state: node.tasks.get(id).state })
  })
}

/**
 * The task's result, its failure, or undefined when it has not ended within
 * `wait` ms or the client went away. A task that has ended is waited for in
 * full, as a stored result may take a moment to fetch.
 *
 * @throws {TaskNotFoundError} when the node does not know the task
 */
async function outcomeOf(
  node: MeshNode,
  id: string,
  wait: number,
  signal: AbortSignal
): Promise<Outcome> {
  const ended = FINAL_STATES.has(node.tasks.get(id).state)
  const result = node.tasks.result(id).then(
    (value): Outcome => ({ value }),
    (error: Error): Outcome => ({ error })
  )

  if (ended) {
    return await result
  }

  let timer: ReturnType<typeof setTimeout> | undefined
  let stop = (): void => {}
  const expired = new Promise<undefined>((resolve) => {
    stop = () => resolve(undefined)
    timer = setTimeout(stop, wait)
    signal.addEventListener('abort', stop, { once: true })
  })

  try {
    return await Promise.race([result, expired])
  } finally {
    clearTimeout(timer)
    signal.removeEventListener('abort', stop)
  }
}

/** A `POST /v1/tasks/map` body, checked: what `node.tasks.map` checks itself is left to it. */
function mapRequest(body: unknown): {
  kind: string
  items: MapItem[]
  options: Omit<TaskSpec, 'kind' | 'args' | 'inputs'>
} {
  const request = record(body, 'the map request', MAP_FIELDS)
  const { kind, items, options } = request

  if (typeof kind !== 'string') {
    throw new InvalidTaskError(`expected kind to be a string, got ${typeof kind}`)
  }

  if (!Array.isArray(items)) {
    throw new InvalidTaskError('expected items to be a list of { args, inputs }')
  }

  if (items.length > MAX_MAP_ITEMS) {
    throw new InvalidTaskError(`expected at most ${MAX_MAP_ITEMS} items, got ${items.length}`)
  }

  // an item holds only its own fields, so none can pass for a CID or override an option
  for (let i = 0; i < items.length; i++) {
    record(items[i], `item ${i}`, ITEM_FIELDS)
  }

  return {
    kind,
    items: items as MapItem[],
    options:
      options === undefined || options === null ? {} : record(options, 'options', MAP_OPTIONS)
  }
}

/** A JSON object with no fields but `fields`. */
function record(value: unknown, what: string, fields: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidTaskError(`expected ${what} to be an object`)
  }

  const unknown = Object.keys(value).find((key) => !fields.includes(key))

  if (unknown !== undefined) {
    throw new InvalidTaskError(
      `unknown field ${JSON.stringify(unknown.slice(0, 40))} in ${what}; expected ${fields.join(', ')}`
    )
  }

  return value as Record<string, unknown>
}

/**
 * The request body parsed as JSON. A body larger than `limit` is refused with
 * 413: at once when its `content-length` says so, else as soon as it runs past.
 */
async function readJson(c: Context, limit: number): Promise<unknown> {
  const length = c.req.header('content-length')

  if (length !== undefined && Number(length) > limit) {
    throw tooLarge(limit)
  }

  const body = c.req.raw.body

  if (body === null) {
    throw new InvalidTaskError('expected a JSON request body, got none')
  }

  const reader = body.getReader()
  const pieces: Uint8Array[] = []
  let size = 0

  for (;;) {
    const { done, value } = await reader.read()

    if (done) {
      break
    }

    size += value.byteLength

    if (size > limit) {
      await reader.cancel().catch(() => {})
      throw tooLarge(limit)
    }

    pieces.push(value)
  }

  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(pieces))

    return JSON.parse(text) as unknown
  } catch (err) {
    throw new InvalidTaskError(`expected the request body to be JSON: ${(err as Error).message}`, {
      cause: err
    })
  }
}

function tooLarge(limit: number): HTTPException {
  const error = `the request body is larger than ${limit / (1024 * 1024)} MiB`

  return new HTTPException(413, {
    res: new Response(JSON.stringify({ error }), {
      status: 413,
      headers: { 'content-type': 'application/json' }
    })
  })
}

/** A query parameter that must be a whole number from `min` to `max`. */
function whole(field: string, text: string, min: number, max: number): number {
  const value = Number(text)

  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new InvalidTaskError(
      `expected ${field} to be a whole number from ${min} to ${max}, got ${JSON.stringify(text.slice(0, 20))}`
    )
  }

  return value
}
