import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Daemon } from '../../src/daemon/daemon.js'

describe('the local HTTP API', () => {
  let dir: string
  let daemon: Daemon
  let endpoint: { url: string; token: string; pid: number }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mycel-api-'))
    daemon = await Daemon.start({
      dataDir: dir,
      listen: ['/ip4/127.0.0.1/tcp/0'],
      mdns: false
    })
    endpoint = JSON.parse(await readFile(join(dir, 'api.json'), 'utf8'))
  })

  afterAll(async () => {
    await daemon?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  // biome-ignore lint/suspicious/noExplicitAny: the tests read fields of JSON answers
  const json = async (response: Response): Promise<any> => response.json()
  const get = (path: string, token?: string) =>
    fetch(new URL(path, endpoint.url), {
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` }
    })

  it('listens on 127.0.0.1 and writes its address and token to an owner-only api.json', async () => {
    expect(endpoint.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(endpoint.token.length).toBeGreaterThanOrEqual(32)
    expect(endpoint.pid).toBe(process.pid)
    expect((await stat(join(dir, 'api.json'))).mode & 0o777).toBe(0o600)
  })

  it('answers 401 without the token or with a wrong one', async () => {
    for (const token of [undefined, 'wrong', `${endpoint.token}x`]) {
      const response = await get('/v1/status', token)

      expect(response.status).toBe(401)
      expect((await json(response)).error).toMatch(/token/)
    }
  })

  it('reports the node', async () => {
    const response = await get('/v1/status', endpoint.token)
    const status = await json(response)

    expect(response.status).toBe(200)
    expect(status).toMatchObject({
      peerId: daemon.node.peerId.toString(),
      mesh: 'default',
      peers: 0
    })
    expect(status.addresses[0]).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//)

    const peers = await json(await get('/v1/peers', endpoint.token))
    expect(peers).toMatchObject({ connected: [], known: [] })
    expect(peers.live).toHaveLength(1)
    expect(peers.live[0]).toMatchObject({ peerId: daemon.node.peerId.toString(), self: true })
    expect(peers.live[0].cores).toBeGreaterThan(0)

    const view = await json(await get('/v1/view', endpoint.token))
    expect(view.live).toHaveLength(1)
    expect(view.adverts.published).toBeGreaterThan(0)

    const { token } = await json(await get('/v1/invite', endpoint.token))
    expect(token).toMatch(/^mycel1/)
  })

  it('answers 404 with JSON for unknown paths', async () => {
    const response = await get('/v1/nothing', endpoint.token)

    expect(response.status).toBe(404)
    expect((await json(response)).error).toMatch(/no such endpoint/)
  })
})
