/**
 * The routes of the daemon's local HTTP API. Every request needs the bearer
 * token from `api.json` (compared in constant time); every answer is JSON.
 *
 * - `GET /v1/status`  this node: peer id, mesh, addresses, uptime, connections
 * - `GET /v1/peers`   live peers with their adverts, connected peers, and known ones
 * - `GET /v1/view`    live peers with their adverts, and the advert counters
 * - `GET /v1/invite`  a token another machine joins the mesh with
 * - the block store's routes (see `objects.ts`)
 * - the scheduler's routes: submit, list, inspect, wait for and cancel tasks (see `tasks.ts`)
 */
import type { Logger } from '@libp2p/interface'
import { Hono } from 'hono'
import { bearerAuth } from 'hono/bearer-auth'
import { HTTPException } from 'hono/http-exception'
import type { MeshNode } from '../node/mesh-node.js'
import { errorResponse, objectRoutes } from './objects.js'
import { taskRoutes } from './tasks.js'

export interface ApiAppInit {
  node: MeshNode
  token: string
  log: Logger
}

/** Builds the API's request handler. */
export function createApiApp(init: ApiAppInit): Hono {
  const { node, token, log } = init
  const app = new Hono()

  app.use(
    '*',
    bearerAuth({
      token,
      noAuthenticationHeader: {
        message: { error: 'this API needs the bearer token from api.json' }
      },
      invalidToken: { message: { error: 'the bearer token is not valid' } },
      invalidAuthenticationHeader: {
        message: { error: 'expected "Authorization: Bearer <token>"' }
      }
    })
  )

  app.get('/v1/status', (c) => c.json(node.status()))

  app.get('/v1/peers', async (c) => {
    const known = await node.knownPeers({ signal: c.req.raw.signal })

    return c.json({
      live: node.livePeers(),
      connected: node.connections(),
      known: known.filter((peer) => !peer.connected)
    })
  })

  app.get('/v1/view', (c) => c.json({ live: node.livePeers(), adverts: node.adverts.stats() }))

  app.get('/v1/invite', (c) => c.json({ token: node.invite() }))

  objectRoutes(app, node)
  taskRoutes(app, node)

  app.notFound((c) => c.json({ error: `no such endpoint: ${c.req.method} ${c.req.path}` }, 404))

  app.onError((err, c) => {
    if (err instanceof HTTPException) {
      return err.getResponse()
    }

    const known = errorResponse(err)

    if (known !== undefined) {
      log('%s %s refused - %s', c.req.method, c.req.path, err.message)
      return known.getResponse()
    }

    log.error('%s %s failed - %e', c.req.method, c.req.path, err)

    return c.json({ error: err.message }, 500)
  })

  return app
}
