import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import {
  DashboardLogin,
  LOGIN_CODE_TTL,
  requireToken,
  SESSION_MAX_AGE
} from '../../src/api/auth.js'

const TOKEN = 'the-right-token-0123456789abcdef'
/** A task id as the scheduler makes them. */
const TASK = 'Ab3_x-9QzK0w'

function app(login = new DashboardLogin(TOKEN), open: string[] = []): Hono {
  const hono = new Hono()
  hono.use('*', requireToken({ token: TOKEN, login, open }))
  hono.get('/', (c) => c.text('page'))
  hono.get('/v1/events', (c) => c.text('events'))
  hono.get('/v1/tasks/stats', (c) => c.text('stats'))
  hono.get('/v1/tasks/:id', (c) => c.text('task'))
  hono.get('/v1/tasks/:id/result', (c) => c.text('result'))
  hono.get('/v1/status', (c) => c.text('status'))
  hono.delete('/v1/tasks/:id', (c) => c.text('cancelled'))
  hono.get('/v1/invite', (c) => c.text('the swarm key'))
  hono.post('/v1/tasks', (c) => c.text('submitted', 201))
  hono.get('/metrics', (c) => c.text('metrics'))

  return hono
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } })

/** Signs in with a fresh code; answers the cookie header the browser would send after. */
async function signIn(login: DashboardLogin, hono: Hono): Promise<{ cookie: string }> {
  const response = await hono.request(`/?code=${login.issue()}`)
  expect(response.status).toBe(303)
  const [pair] = (response.headers.get('set-cookie') ?? '').split(';')

  return { cookie: pair as string }
}

describe('the API token', () => {
  it('lets in the bearer token and refuses anything else with 401', async () => {
    expect((await app().request('/v1/invite', bearer(TOKEN))).status).toBe(200)
    expect((await app().request('/v1/tasks', { method: 'POST', ...bearer(TOKEN) })).status).toBe(
      201
    )

    for (const init of [
      {},
      bearer(`${TOKEN}x`),
      bearer(TOKEN.slice(1)),
      { headers: { authorization: `Basic ${TOKEN}` } }
    ]) {
      const response = await app().request('/v1/invite', init)
      expect(response.status).toBe(401)
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/)
      expect(((await response.json()) as { error: string }).error).toMatch(/token|Bearer/)
    }
  })

  it('never takes the token in a URL', async () => {
    expect((await app().request(`/?token=${TOKEN}`)).status).toBe(401)
    expect((await app().request(`/?code=${TOKEN}`)).status).toBe(401)
  })

  it('trades a login code, once, for an HttpOnly session cookie that is not the token', async () => {
    const login = new DashboardLogin(TOKEN)
    const code = login.issue()
    const response = await app(login).request(`/?code=${code}`)

    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/')
    const cookie = response.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(new RegExp(`^${login.cookie}=`))
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Lax/)
    expect(cookie).not.toContain(TOKEN)

    const again = await app(login).request(`/?code=${code}`)
    expect(again.status).toBe(401)
    expect(((await again.json()) as { error: string }).error).toMatch(/used already or has expired/)
  })

  it('refuses a session past its time, whatever the browser keeps', async () => {
    const login = new DashboardLogin(TOKEN)
    const hono = new Hono()
    hono.get('/', (c) =>
      c.json({
        now: login.signedIn(c),
        later: login.signedIn(c, Date.now() + SESSION_MAX_AGE * 1_000 + 1)
      })
    )
    const headers = await signIn(login, app(login))

    expect(await (await hono.request('/', { headers })).json()).toEqual({ now: true, later: false })
  })

  it('refuses a code past its time', async () => {
    const login = new DashboardLogin(TOKEN)
    const code = login.issue(Date.now() - LOGIN_CODE_TTL - 1)

    expect(login.redeem(code)).toBe(false)
    expect(login.redeem(login.issue())).toBe(true)
  })

  it("lets the cookie read the dashboard's paths, and nothing else", async () => {
    const login = new DashboardLogin(TOKEN)
    const hono = app(login)
    const headers = await signIn(login, hono)

    for (const path of ['/', '/v1/events', `/v1/tasks/${TASK}`]) {
      expect((await hono.request(path, { headers })).status, path).toBe(200)
      expect((await hono.request(path, { method: 'HEAD', headers })).status, path).toBe(200)
    }

    const refused: Array<[string, string]> = [
      ['GET', '/v1/invite'],
      ['HEAD', '/v1/invite'],
      ['GET', '/v1/status'],
      ['GET', '/metrics'],
      ['GET', '/v1/tasks/stats'],
      ['GET', `/v1/tasks/${TASK}/result`],
      ['GET', '//v1/invite'],
      ['GET', '/v1/events/'],
      ['GET', `/v1/tasks/${TASK}/../../invite`],
      ['GET', '/v1/tasks/%2e%2e/invite'],
      ['GET', '/v1/tasks/abc;/../../invite'],
      ['POST', '/v1/tasks'],
      ['DELETE', `/v1/tasks/${TASK}`],
      ['OPTIONS', '/v1/events']
    ]

    for (const [method, path] of refused) {
      const response = await hono.request(path, { method, headers })
      expect(response.status, `${method} ${path}`).toBe(401)
    }
    // a used code with the cookie set just goes on to the page
    expect((await hono.request('/?code=used', { headers })).status).toBe(303)
  })

  it("keeps each daemon's cookie apart, under a name of its own", async () => {
    const login = new DashboardLogin(TOKEN)
    const other = new DashboardLogin('another token')
    const theirs = await signIn(other, app(other))

    expect(login.cookie).toMatch(/^mycel_[0-9a-f]{12}$/)
    expect(login.cookie).not.toBe(other.cookie)
    expect((await app(login).request('/v1/events', { headers: theirs })).status).toBe(401)
    const forged = { cookie: `${login.cookie}=${TOKEN}` }
    expect((await app(login).request('/v1/events', { headers: forged })).status).toBe(401)
  })

  it('opens only the paths it is told to', async () => {
    const login = new DashboardLogin(TOKEN)
    expect((await app(login, ['/metrics']).request('/metrics')).status).toBe(200)
    expect((await app(login, ['/metrics']).request('/v1/events')).status).toBe(401)
    expect((await app(login).request('/metrics')).status).toBe(401)
  })
})
