/**
 * The daemon's HTTP API server, bound to 127.0.0.1 unless told otherwise.
 */
import type { AddressInfo } from 'node:net'
import { type ServerType, serve } from '@hono/node-server'
import type { ComponentLogger } from '@libp2p/interface'
import { ListenFailedError, NotStartedError } from '../errors.js'
import type { MeshNode } from '../node/mesh-node.js'
import { assertHostPort } from '../repo/config.js'
import { createApiApp } from './app.js'
import { DashboardLogin } from './auth.js'
import { DashboardFeed } from './dashboard/feed.js'
import { loginPath } from './dashboard/routes.js'

export interface ApiServerInit {
  node: MeshNode
  /** `host:port`; port 0 takes a free port. */
  listen: string
  /** The bearer token every request must carry. */
  token: string
  /** Serve `/metrics` without the token, for a Prometheus scraper. */
  metricsPublic?: boolean
  logger: ComponentLogger
}

/** The HTTP server around the API's routes; `start()` binds, `stop()` closes every connection. */
export class ApiServer {
  private readonly init: ApiServerInit
  private server?: ServerType
  private address?: AddressInfo
  private feed?: DashboardFeed
  private readonly login: DashboardLogin

  constructor(init: ApiServerInit) {
    this.init = init
    this.login = new DashboardLogin(init.token)
  }

  /** A link that opens the dashboard: good once, for a few minutes (see `auth.ts`). */
  dashboardLink(): string {
    return `${this.url}${loginPath(this.login.issue())}`
  }

  /** The URL the API answers on, once started. */
  get url(): string {
    if (this.address === undefined) {
      throw new NotStartedError('the API server is not started')
    }

    const host = this.address.family === 'IPv6' ? `[${this.address.address}]` : this.address.address

    return `http://${host}:${this.address.port}`
  }

  /**
   * Starts listening.
   *
   * @throws {ListenFailedError} when the address is taken or cannot be bound
   */
  async start(): Promise<void> {
    const { hostname, port } = splitHostPort(assertHostPort('the API address', this.init.listen))
    const log = this.init.logger.forComponent('mycel:api')
    const feed = new DashboardFeed(this.init.node)
    const app = createApiApp({
      node: this.init.node,
      token: this.init.token,
      login: this.login,
      feed,
      metricsPublic: this.init.metricsPublic === true,
      log
    })

    this.address = await new Promise<AddressInfo>((resolve, reject) => {
      const server = serve({ fetch: app.fetch, hostname, port }, resolve)
      server.once('error', (err: NodeJS.ErrnoException) => {
        reject(
          new ListenFailedError(
            `cannot serve the API on ${this.init.listen}: ${err.code ?? err.message}`,
            {
              cause: err
            }
          )
        )
      })
      this.server = server
    })
    this.feed = feed
    feed.start()
    log('API listening on %s', this.url)
  }

  /** Stops sampling for the dashboard, closes every connection (live streams too) and stops listening. */
  async stop(): Promise<void> {
    const server = this.server
    this.feed?.stop()
    this.feed = undefined

    if (server === undefined) {
      return
    }

    this.server = undefined
    await new Promise<void>((resolve) => {
      server.close(() => resolve())
      if ('closeAllConnections' in server) {
        server.closeAllConnections()
      }
    })
  }
}

function splitHostPort(listen: string): { hostname: string; port: number } {
  const at = listen.lastIndexOf(':')

  return {
    hostname: listen.slice(0, at).replace(/^\[|\]$/g, ''),
    port: Number(listen.slice(at + 1))
  }
}
