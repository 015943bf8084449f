/**
 * The routes of the daemon's local HTTP API. Every request needs the token
 * from `api.json` (see `auth.ts`); every answer is JSON, but the dashboard's
 * files and the metrics.
 *
 * - `GET /metrics`    libp2p's and mycel's metrics, in Prometheus's text format
 *                     (open without the token when `metricsPublic` is set)
 * - the dashboard: the page at `/`, and its live feed (see `dashboard/routes.ts`)
 * - `GET /v1/status`  this node: peer id, mesh, addresses, uptime, connections
 * - `GET /v1/peers`   live peers with their adverts, connected peers, and known ones
 * - `GET /v1/view`    live peers with their adverts, and the advert counters
 * - `GET /v1/invite`  a token another machine joins the mesh with
 * - the block store's routes (see `objects.ts`)
 * - the scheduler's routes: submit, list, inspect, wait for and cancel tasks (see `tasks.ts`)
 */
import type { Logger } from '@libp2p/interface'
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { MeshNode } from '../node/mesh-node.js'
import { type DashboardLogin, requireToken } from './auth.js'
import type { DashboardFeed } from './dashboard/feed.js'
import { dashboardRoutes } from './dashboard/routes.js'
import { guard } from './guard.js'
import { errorResponse, objectRoutes } from './objects.js'
import { taskRoutes } from './tasks.js'

export interface ApiAppInit {
  node: MeshNode
  token: string
  /** The dashboard's sign-in. */
  login: DashboardLogin
  /** What the dashboard shows. */
  feed: DashboardFeed
  /** Serve `/metrics` without the token, for a Prometheus scraper. */
  metricsPublic?: boolean
  log: Logger
}

/** Builds the API's request handler. */
export function createApiApp(init: ApiAppInit): Hono {
  const { node, token, log } = init
  const app = new Hono()

  app.use('*', guard(node.limits.apiRequestsPerSecond, node.metrics))
  app.use(
    '*',
    requireToken({
      token,
      login: init.login,
      open: init.metricsPublic === true ? ['/metrics'] : []
    })
  )

  app.get('/metrics', async (c) => {
    if (node.metrics === undefined) {
      return c.json({ error: 'this node was started without metrics' }, 404)
    }

    return c.body(await node.metrics.text(), 200, { 'content-type': node.metrics.contentType })
  })

  dashboardRoutes(app, init.feed, init.login, log)

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
