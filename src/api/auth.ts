/**
 * Who may use the API: whoever holds the token from `api.json`, sent as
 * `Authorization: Bearer <token>`. The token never goes into a URL.
 *
 * A browser cannot put a header on the dashboard's live event stream, so
 * the dashboard signs in with a cookie instead, got this way:
 *
 * 1. `mycel dashboard` asks the daemon, with the token, for a login code
 *    (`POST /v1/dashboard/login`): random, good once, for five minutes.
 * 2. The browser opens `/?code=<code>`; the daemon answers with the
 *    session cookie and sends it on to `/`, so the code leaves the address
 *    bar. A code used or expired is refused with a word on what to do.
 *
 * The cookie is not the token but a session signed with a key derived
 * from it, which the daemon refuses past `SESSION_MAX_AGE` whatever the
 * browser does: browsers send a 127.0.0.1 cookie to every port of
 * 127.0.0.1, so another local server may see it, and all it can do with it,
 * for those hours at most, is what the dashboard does. It opens
 * reads of the dashboard's own paths only (the page, its files, the live
 * feed, a task's details), never a write nor `/v1/invite`, which holds the
 * swarm key. SameSite=Lax (not Strict) lets a link from elsewhere open the
 * page; what Lax lets through is a top-level GET, which changes nothing.
 *
 * Cookies are kept per host, not per port, so two daemons on one machine
 * would overwrite each other's under one name: the cookie's name comes
 * from the token too, and each daemon reads only its own. Secrets are
 * compared in constant time (as digests, so their lengths do not leak).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Context, MiddlewareHandler } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'

/** How long a login code may wait to be used. */
export const LOGIN_CODE_TTL = 5 * 60_000 // ms
/** Most login codes waiting at once; the oldest go first. */
export const MAX_LOGIN_CODES = 32
/** How long the session cookie lasts; a new link signs in again. */
export const SESSION_MAX_AGE = 12 * 3_600 // seconds

/**
 * The paths the session cookie may read: the dashboard's, and nothing
 * else. A task is named by its id, 9 random bytes in base64url.
 */
const SESSION_PATHS = [
  /^\/$/,
  /^\/dashboard\/[^/]+$/,
  /^\/v1\/(events|dashboard)$/,
  /^\/v1\/tasks\/[A-Za-z0-9_-]{12}$/
]
/** How far ahead of this clock a session may say it was made. */
const CLOCK_SKEW = 60_000 // ms

/** The dashboard's sign-in: login codes, and the session cookie they are traded for. */
export class DashboardLogin {
  /** The session cookie's name. */
  readonly cookie: string
  /** The key sessions are signed with. */
  private readonly key: Buffer
  /** Codes waiting to be used, with when they expire, oldest first. */
  private readonly codes = new Map<string, number>()

  constructor(token: string) {
    this.key = createHmac('sha256', token).update('mycel dashboard session').digest()
    this.cookie = `mycel_${digest(this.key.toString('hex')).subarray(0, 6).toString('hex')}`
  }

  /** A new login code, good once within `LOGIN_CODE_TTL`. */
  issue(now = Date.now()): string {
    const code = randomBytes(18).toString('base64url')
    this.codes.set(code, now + LOGIN_CODE_TTL)

    for (const old of this.codes.keys()) {
      if (this.codes.size <= MAX_LOGIN_CODES) break
      this.codes.delete(old)
    }

    return code
  }

  /** Whether `code` was issued, is unused and not expired; it is used up either way. */
  redeem(code: string, now = Date.now()): boolean {
    let found: string | undefined

    for (const [issued, expires] of this.codes) {
      if (expires < now) this.codes.delete(issued)
      else if (same(issued, code)) found = issued
    }

    if (found === undefined) {
      return false
    }

    this.codes.delete(found)
    return true
  }

  private sign(at: number): string {
    return createHmac('sha256', this.key).update(String(at)).digest('base64url')
  }

  /** Whether the request carries a session of this dashboard's that has not expired. */
  signedIn(c: Context, now = Date.now()): boolean {
    const [made, signature] = (getCookie(c, this.cookie) ?? '').split('.')
    const at = Number(made)

    return (
      signature !== undefined &&
      Number.isSafeInteger(at) &&
      at <= now + CLOCK_SKEW &&
      now - at <= SESSION_MAX_AGE * 1_000 &&
      same(signature, this.sign(at))
    )
  }

  /** Sets a new session cookie on the answer. */
  signIn(c: Context, now = Date.now()): void {
    setCookie(c, this.cookie, `${now}.${this.sign(now)}`, {
      httpOnly: true,
      sameSite: 'Lax',
      path: '/',
      maxAge: SESSION_MAX_AGE
    })
  }
}

/** What `requireToken` checks requests against. */
export interface AuthInit {
  token: string
  login: DashboardLogin
  /** Paths answered without the token, such as `/metrics` for a Prometheus scraper. */
  open?: readonly string[]
}

/** Refuses, with 401, every request that does not carry the token (but those `open` or signed in). */
export function requireToken(init: AuthInit): MiddlewareHandler {
  const { login } = init
  const open = new Set(init.open ?? [])

  return async (c, next) => {
    if (open.has(c.req.path)) {
      return await next()
    }

    const header = c.req.header('authorization')

    if (header !== undefined) {
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1]

      if (bearer === undefined) {
        return refuse(c, 'expected "Authorization: Bearer <token>"')
      }

      return same(bearer, init.token) ? await next() : refuse(c, 'the bearer token is not valid')
    }

    const code = c.req.path === '/' ? c.req.query('code') : undefined

    // a login link: traded for the cookie, and never left in the address bar
    if (code !== undefined && c.req.method === 'GET') {
      if (login.redeem(code)) {
        login.signIn(c)
      } else if (!login.signedIn(c)) {
        return refuse(
          c,
          'this dashboard link was used already or has expired: run `mycel dashboard` for a new one'
        )
      }

      return c.redirect('/', 303)
    }

    if (readsDashboard(c) && login.signedIn(c)) {
      return await next()
    }

    return refuse(
      c,
      c.req.path === '/'
        ? 'the dashboard opens from the link `mycel dashboard` prints'
        : 'this API needs the bearer token from api.json'
    )
  }
}

/** Whether the request only reads one of the dashboard's paths. */
function readsDashboard(c: Context): boolean {
  const { method, path } = c.req
  return (method === 'GET' || method === 'HEAD') && SESSION_PATHS.some((p) => p.test(path))
}

/** A 401: JSON for programs, a page for a browser that came to the dashboard. */
function refuse(c: Context, error: string): Response {
  c.header('www-authenticate', 'Bearer realm="mycel"')

  if (c.req.path === '/' && (c.req.header('accept') ?? '').includes('text/html')) {
    // the messages are the daemon's own, never a peer's or a client's
    return c.html(`<!doctype html><title>mycel</title><p>${error}</p>`, 401)
  }

  return c.json({ error }, 401)
}

/** Whether two secrets are equal, in time that tells nothing of either. */
function same(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected))
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest()
}
