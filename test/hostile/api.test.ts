import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_MAP_BODY, MAX_SPEC_BODY } from '../../src/api/tasks.js'
import { Daemon } from '../../src/daemon/daemon.js'
import { expectMetric, mb, memoryAfterGc, memoryChange, metric } from './fixtures.js'

interface Sent {
  status: number
  /** Body bytes written before the answer came or the server stopped reading. */
  written: number
}

/**
 * Sends a request with node's own client, writing `size` bytes of body in
 * 64 KiB pieces as the server takes them, and stopping as soon as it has
 * answered: a server that refuses early never reads the rest.
 */
function send(
  url: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; size?: number; length?: boolean } = {}
): Promise<Sent> {
  const size = options.size ?? 0
  const piece = Buffer.alloc(64 * 1024, 0x7b)

  return new Promise((resolve, reject) => {
    let written = 0
    let answered = false
    const req = request(
      new URL(path, url),
      {
        method,
        headers: {
          ...options.headers,
          ...(options.length === false || size === 0 ? {} : { 'content-length': String(size) })
        }
      },
      (res) => {
        answered = true
        res.resume()
        res.on('end', () => resolve({ status: res.statusCode ?? 0, written }))
      }
    )
    const write = (): void => {
      while (!answered && written < size) {
        const chunk = piece.subarray(0, Math.min(piece.length, size - written))
        written += chunk.length

        if (!req.write(chunk)) {
          req.once('drain', write)
          return
        }
      }

      req.end()
    }

    req.on('error', (err) => (answered ? undefined : reject(err)))
    write()
  })
}

describe('the local HTTP API facing a hostile client', () => {
  let dir: string
  let daemon: Daemon
  let url: string
  let token: string

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mycel-hostile-api-'))
    daemon = await Daemon.start({ dataDir: dir, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false })
    ;({ url, token } = JSON.parse(await readFile(join(dir, 'api.json'), 'utf8')) as {
      url: string
      token: string
    })
  })

  afterAll(async () => {
    await daemon?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('answers 401 or 413 to what it must refuse, counts it, and keeps serving', async () => {
    const auth = { authorization: `Bearer ${token}` }
    const memory = memoryAfterGc()
    const before = {
      401: await metric(daemon.node, 'mycel_api_requests_total', { status: '401' }),
      413: await metric(daemon.node, 'mycel_api_requests_total', { status: '413' })
    }
    const wrong: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer wrong' },
      { authorization: `Bearer ${token}x` },
      { authorization: `Bearer ${token.slice(0, -1)}` },
      { authorization: `Basic ${Buffer.from(`mycel:${token}`).toString('base64')}` },
      { authorization: token },
      { authorization: 'Bearer' }
    ]
    const routes: Array<[string, string]> = [
      ['GET', '/v1/status'],
      ['GET', '/v1/invite'],
      ['GET', '/metrics'],
      ['POST', '/v1/tasks'],
      ['DELETE', '/v1/tasks/abcdefghijkl']
    ]

    // honest use goes on meanwhile: a put, a read and a task through the API
    const honest = (async () => {
      const data = randomBytes(200_000)
      const put = await fetch(`${url}/v1/objects`, { method: 'POST', headers: auth, body: data })
      const { cid } = (await put.json()) as { cid: string }
      const read = Buffer.from(
        await (await fetch(`${url}/v1/objects/${cid}`, { headers: auth })).arrayBuffer()
      )
      const submitted = await fetch(`${url}/v1/tasks`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'echo', args: 'still here' })
      })
      const { id } = (await submitted.json()) as { id: string }
      const result = await fetch(`${url}/v1/tasks/${id}/result?wait=10000`, { headers: auth })

      return { stored: Buffer.compare(read, data) === 0, result: await result.json() }
    })()

    const unauthorized = await Promise.all([
      ...wrong.flatMap((headers) =>
        routes.map(([method, path]) => send(url, method, path, { headers }))
      ),
      // a huge body without the token: refused before a byte of it is read
      send(url, 'POST', '/v1/objects', { size: 256 * 1024 * 1024 }),
      send(url, 'POST', '/v1/tasks', { size: 64 * 1024 * 1024, length: false })
    ])
    const tooLarge = await Promise.all([
      // the length says too much: refused at once
      send(url, 'POST', '/v1/tasks', { headers: auth, size: 64 * 1024 * 1024 }),
      // no length: refused once past the limit
      send(url, 'POST', '/v1/tasks', { headers: auth, size: 8 * MAX_SPEC_BODY, length: false }),
      send(url, 'POST', '/v1/tasks/map', {
        headers: auth,
        size: MAX_MAP_BODY + 4 * 1024 * 1024,
        length: false
      })
    ])
    const headerBomb = await send(url, 'GET', '/v1/status', {
      headers: { ...auth, 'x-junk': 'j'.repeat(64 * 1024) }
    }).catch((err: Error) => ({ status: 0, written: 0, error: err.message }))
    const { stored, result } = await honest

    console.log(
      `API: ${unauthorized.length} refused 401, the largest after ` +
        `${mb(Math.max(...unauthorized.map((s) => s.written)))} of 256 MB written; ` +
        `413 after ${tooLarge.map((s) => mb(s.written)).join(', ')}; ` +
        `64 KiB of headers: ${headerBomb.status || 'connection cut'}`
    )

    expect(unauthorized.map((sent) => sent.status)).toEqual(unauthorized.map(() => 401))
    expect(tooLarge.map((sent) => sent.status)).toEqual([413, 413, 413])
    // 431, or the connection cut while the client still writes its headers
    expect(
      headerBomb.status === 431 ||
        /hang up|ECONNRESET/.test((headerBomb as { error?: string }).error ?? '')
    ).toBe(true)
    // nothing like the whole of a refused body was read
    expect(Math.max(...unauthorized.map((sent) => sent.written))).toBeLessThan(64 * 1024 * 1024)
    expect(tooLarge[1]?.written).toBeLessThan(8 * MAX_SPEC_BODY)

    // counted by status
    await expectMetric(
      daemon.node,
      'mycel_api_requests_total',
      { status: '401' },
      before[401] + unauthorized.length
    )
    await expectMetric(
      daemon.node,
      'mycel_api_requests_total',
      { status: '413' },
      before[413] + tooLarge.length
    )

    // and the daemon serves on
    expect(stored).toBe(true)
    expect(result).toMatchObject({ state: 'completed', result: 'still here' })
    const status = await fetch(`${url}/v1/status`, { headers: auth })
    expect(status.status).toBe(200)
    const growth = memoryAfterGc() - memory
    console.log(`API: memory ${memoryChange(memory, growth)}`)
    expect(growth).toBeLessThan(32e6)
  })
})
