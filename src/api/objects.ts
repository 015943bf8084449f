/**
 * The API's block store routes:
 *
 * - `POST /v1/objects?name=&replicas=`  stores the request body; answers `{ cid }`
 * - `GET  /v1/objects/:cid`             the object's bytes (`content-length` when known)
 * - `GET  /v1/objects/:cid/stat`        size, chunks, and the peers that own and hold each
 * - `GET  /v1/store`                    what this node holds and did
 */
import { Readable } from 'node:stream'
import type { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { InvalidConfigError, MycelError } from '../errors.js'
import type { MeshNode } from '../node/mesh-node.js'
import { parseCid } from '../store/block.js'

/** The HTTP status for each of mycel's errors a route can raise; 500 for the rest. */
const STATUS: Record<string, ContentfulStatusCode> = {
  InvalidCidError: 400,
  InvalidConfigError: 400,
  FileAccessError: 400,
  BlockNotFoundError: 404,
  InvalidManifestError: 422,
  CorruptBlockError: 422,
  QuorumNotReachedError: 503,
  NotStartedError: 503,
  StoreFullError: 507,
  InvalidTaskError: 400,
  TaskNotFoundError: 404,
  TaskFailedError: 422,
  TaskCancelledError: 409,
  // a peer failed: the daemon is a gateway to the mesh
  RemoteError: 502,
  DialFailedError: 502,
  MessageTooLargeError: 502,
  RequestTimeoutError: 504
}

/** The JSON answer for an error a route raised on purpose. */
export function errorResponse(err: unknown): HTTPException | undefined {
  if (!(err instanceof MycelError)) {
    return undefined
  }

  return new HTTPException(STATUS[err.name] ?? 500, {
    res: new Response(JSON.stringify({ error: err.message, code: err.name }), {
      status: STATUS[err.name] ?? 500,
      headers: { 'content-type': 'application/json' }
    })
  })
}

export function objectRoutes(app: Hono, node: MeshNode): void {
  app.post('/v1/objects', async (c) => {
    const name = c.req.query('name')
    const replicas = c.req.query('replicas')
    const length = c.req.header('content-length')
    const body = c.req.raw.body

    if (body === null) {
      throw new InvalidConfigError('expected the object as the request body, got none')
    }

    const cid = await node.put(body as unknown as AsyncIterable<Uint8Array>, {
      ...(name === undefined || name === '' ? {} : { name }),
      ...(replicas === undefined ? {} : { replicas: integer('replicas', replicas) }),
      ...(length === undefined ? {} : { size: integer('content-length', length) })
    })

    return c.json({ cid: cid.toString() }, 201)
  })

  app.get('/v1/objects/:cid/stat', async (c) =>
    c.json(await node.stat(parseCid(c.req.param('cid'))))
  )

  app.get('/v1/objects/:cid', async (c) => {
    const cid = parseCid(c.req.param('cid'))
    const { size, name } = await node.store.describe(cid)
    const chunks = node.get(cid)
    // the first chunk is read before the answer starts, so a missing object is a 404, not a cut stream
    const first = await chunks.next()
    const stream = Readable.from(
      (async function* () {
        if (first.done !== true) yield first.value
        yield* chunks
      })()
    )

    return new Response(Readable.toWeb(stream) as ReadableStream, {
      headers: {
        'content-type': 'application/octet-stream',
        ...(size === undefined ? {} : { 'content-length': String(size) }),
        ...(name === undefined ? {} : { 'x-mycel-name': encodeURIComponent(name) })
      }
    })
  })

  app.get('/v1/store', (c) => c.json(node.store.stats()))
}

function integer(field: string, text: string): number {
  const value = Number(text)

  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) {
    throw new InvalidConfigError(
      `expected ${field} to be a whole number, got ${JSON.stringify(text.slice(0, 20))}`
    )
  }

  return value
}
