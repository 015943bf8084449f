/**
 * What every API request passes before anything else: a rate limit per
 * client address (answered 429, with `retry-after`), and a count of the
 * answers by status, for `mycel_api_requests_total`.
 */
import { getConnInfo } from '@hono/node-server/conninfo'
import type { Metrics } from '@libp2p/interface'
import type { MiddlewareHandler } from 'hono'
import { perSecond, RateLimiter } from '../net/rate.js'

/**
 * Counts answers by status and refuses clients past `requestsPerSecond`.
 * The counts are exposed in `metrics` when given.
 */
export function guard(requestsPerSecond: number, metrics?: Metrics): MiddlewareHandler {
  const limiter = new RateLimiter(perSecond(requestsPerSecond))
  const answered: Record<string, number> = {}

  metrics?.registerCounterGroup('mycel_api_requests_total', {
    label: 'status',
    help: "Requests to the node's HTTP API, by the status answered (401, 413, 429 refused)",
    calculate: () => answered
  })

  return async (c, next) => {
    const client = clientOf(c)

    if (!limiter.take(client, Date.now())) {
      c.header('retry-after', '1')
      c.res = c.json(
        { error: `rate limited: at most ${requestsPerSecond} requests a second from one client` },
        429
      )
    } else {
      await next()
    }

    const status = String(c.res.status)
    answered[status] = (answered[status] ?? 0) + 1
  }
}

function clientOf(c: Parameters<MiddlewareHandler>[0]): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown'
  } catch {
    // not served by @hono/node-server (an app driven by `app.request` in a test)
    return 'local'
  }
}
