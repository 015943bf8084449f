/**
 * The dashboard's routes, behind the API's token like every other:
 *
 * - `GET /`                     the page (from the link `mycel dashboard` prints)
 * - `POST /v1/dashboard/login`  a login code for that link: `{ code, path }`
 * - `GET /dashboard/<file>`     its script and style sheet, built with the project
 * - `GET /v1/dashboard`         one snapshot of the mesh (JSON)
 * - `GET /v1/events`            server-sent events: a `snapshot` every second
 *
 * The page's files are read from `dist/dashboard` once, on first use; a
 * checkout that was never built answers 503 saying so.
 */
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { Logger } from '@libp2p/interface'
import type { Hono } from 'hono'
import { streamSSE } from 'hono/streaming'
import type { DashboardLogin } from '../auth.js'
import type { DashboardFeed } from './feed.js'

/** How often the live stream sends a snapshot. */
export const SNAPSHOT_INTERVAL = 1_000 // ms

/**
 * Where the built page is: this file is three folders below the package's
 * root whether it runs from `src/` or from `dist/`.
 */
const ASSETS = new URL('../../../dist/dashboard/', import.meta.url)

const FILES = new Map([
  ['index.html', 'text/html; charset=utf-8'],
  ['main.js', 'text/javascript; charset=utf-8'],
  ['style.css', 'text/css; charset=utf-8']
])

/** Everything the page loads comes from the daemon itself. */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

/** Where a login code is used: the page, which trades it for the session cookie. */
export function loginPath(code: string): string {
  return `/?code=${encodeURIComponent(code)}`
}

/** Adds the dashboard's routes. */
export function dashboardRoutes(
  app: Hono,
  feed: DashboardFeed,
  login: DashboardLogin,
  log: Logger
): void {
  const files = new Map<string, Promise<Uint8Array | undefined>>()
  const read = (name: string): Promise<Uint8Array | undefined> => {
    let file = files.get(name)

    if (file === undefined) {
      file = readFile(fileURLToPath(new URL(name, ASSETS))).then(
        (bytes) => new Uint8Array(bytes),
        () => {
          // not built yet: look again next time
          files.delete(name)
          return undefined
        }
      )
      files.set(name, file)
    }

    return file
  }
  const serve = async (name: string): Promise<Response> => {
    const type = FILES.get(name)
    const bytes = type === undefined ? undefined : await read(name)

    if (type === undefined) {
      return Response.json({ error: `no such file: /dashboard/${name}` }, { status: 404 })
    }

    if (bytes === undefined) {
      return Response.json(
        { error: 'the dashboard is not built: run `npm run build` in the mycel checkout' },
        { status: 503 }
      )
    }

    return new Response(bytes, {
      headers: {
        'content-type': type,
        'cache-control': 'no-cache',
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer'
      }
    })
  }

  app.get('/', () => serve('index.html'))
  app.get('/dashboard/:file', (c) => serve(c.req.param('file')))
  app.get('/v1/dashboard', (c) => c.json(feed.snapshot()))
  app.post('/v1/dashboard/login', (c) => {
    const code = login.issue()
    return c.json({ code, path: loginPath(code) }, 201)
  })
  app.get('/v1/events', (c) =>
    // a HEAD asks only whether the stream would open; its body would never be read
    c.req.method === 'HEAD'
      ? c.body(null, 200, { 'content-type': 'text/event-stream' })
      : streamSSE(
          c,
          async (stream) => {
            while (!stream.aborted && !stream.closed) {
              await stream.writeSSE({ event: 'snapshot', data: JSON.stringify(feed.snapshot()) })
              await stream.sleep(SNAPSHOT_INTERVAL)
            }
          },
          async (err) => {
            log.error('the live feed failed - %e', err)
          }
        )
  )
}
