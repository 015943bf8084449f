import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_MAP_ITEMS } from '../../src/api/tasks.js'
import { Daemon } from '../../src/daemon/daemon.js'
import { waitFor } from '../helpers/wait.js'

describe('the task routes of the HTTP API', () => {
  let dir: string
  let daemon: Daemon
  let endpoint: { url: string; token: string }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mycel-api-tasks-'))
    daemon = await Daemon.start({ dataDir: dir, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false })
    endpoint = JSON.parse(await readFile(join(dir, 'api.json'), 'utf8'))
    daemon.node.tasks.register('boom', () => {
      throw new Error('boom')
    })
    daemon.node.tasks.register('blob', () => new Uint8Array([1, 2, 3]))
  })

  afterAll(async () => {
    await daemon?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  // biome-ignore lint/suspicious/noExplicitAny: the tests read fields of JSON answers
  const json = async (response: Response): Promise<any> => response.json()
  const call = (path: string, init: RequestInit = {}, token: string | null = endpoint.token) =>
    fetch(new URL(path, endpoint.url), {
      ...init,
      headers: { ...init.headers, ...(token === null ? {} : { authorization: `Bearer ${token}` }) }
    })
  const post = (path: string, body: unknown) =>
    call(path, {
      method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { 'content-type': 'application/json' }
    })
  const submit = async (spec: unknown): Promise<string> => {
    const response = await post('/v1/tasks', spec)
    expect(response.status).toBe(201)

    return (await json(response)).id
  }

  it('answers 401 without the token', async () => {
    for (const [path, method] of [
      ['/v1/tasks', 'GET'],
      ['/v1/tasks', 'POST'],
      ['/v1/tasks/stats', 'GET'],
      ['/v1/tasks/x/result', 'GET'],
      ['/v1/tasks/x', 'DELETE']
    ] as const) {
      expect((await call(path, { method }, null)).status).toBe(401)
    }
  })

  it('submits a task and answers its JSON result', async () => {
    const id = await submit({ kind: 'echo', args: { a: [1, 'two'] } })
    const response = await call(`/v1/tasks/${id}/result?wait=10000`)

    expect(response.status).toBe(200)
    expect(await json(response)).toEqual({ id, state: 'completed', result: { a: [1, 'two'] } })
  })

  it('answers 202 while a task runs, then 200 once it ends within the wait', async () => {
    const id = await submit({ kind: 'sleep', args: 1000 })
    const early = await call(`/v1/tasks/${id}/result`)

    expect(early.status).toBe(202)
    expect((await json(early)).id).toBe(id)

    const late = await call(`/v1/tasks/${id}/result?wait=10000`)
    expect(late.status).toBe(200)
    expect((await json(late)).result).toEqual({ slept: 1000 })
  })

  it('answers a bytes result raw, and a failed task with 422', async () => {
    const blob = await call(`/v1/tasks/${await submit({ kind: 'blob' })}/result?wait=10000`)

    expect(blob.status).toBe(200)
    expect(blob.headers.get('content-type')).toBe('application/octet-stream')
    expect(blob.headers.get('x-mycel-task-state')).toBe('completed')
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]))

    const id = await submit({ kind: 'boom', retries: 0 })
    const failed = await call(`/v1/tasks/${id}/result?wait=10000`)

    expect(failed.status).toBe(422)
    expect(await json(failed)).toMatchObject({ code: 'TaskFailedError', id })
  })

  it('refuses a bad spec with 400, and takes an unknown kind, which stays pending', async () => {
    const unknownField = await post('/v1/tasks', { kind: 'echo', prio: 1 })
    expect(unknownField.status).toBe(400)
    expect(await json(unknownField)).toMatchObject({
      code: 'InvalidTaskError',
      error: expect.stringMatching(/unknown field "prio"/)
    })

    const notJson = await post('/v1/tasks', '{"kind":')
    expect(notJson.status).toBe(400)
    expect((await json(notJson)).error).toMatch(/^expected the request body to be JSON/)

    for (const spec of [
      [],
      { kind: '' },
      { kind: 'echo', priority: 1.5 },
      { kind: 'e', inputs: 1 }
    ]) {
      expect((await post('/v1/tasks', spec)).status).toBe(400)
    }

    const id = await submit({ kind: 'nosuch' })
    await waitFor(
      async () => (await json(await call(`/v1/tasks/${id}`))).pendingReason !== undefined
    )
    const task = await json(await call(`/v1/tasks/${id}`))

    expect(task).toMatchObject({ id, kind: 'nosuch', state: 'pending' })
    expect(task.pendingReason).toMatch(/"nosuch"/)
  })

  it('refuses a body over 1 MiB with 413, by its length or as it streams in', async () => {
    const big = JSON.stringify({ kind: 'echo', args: 'x'.repeat(1024 * 1024) })
    const byLength = await post('/v1/tasks', big)

    expect(byLength.status).toBe(413)
    expect((await json(byLength)).error).toMatch(/larger than 1 MiB/)

    const bytes = new TextEncoder().encode(big)
    const streamed = await call('/v1/tasks', {
      method: 'POST',
      body: new ReadableStream({
        start(controller) {
          for (let at = 0; at < bytes.length; at += 64 * 1024) {
            controller.enqueue(bytes.subarray(at, at + 64 * 1024))
          }
          controller.close()
        }
      }),
      duplex: 'half'
    } as RequestInit)

    expect(streamed.status).toBe(413)
  })

  it('answers 404 for a task it does not know', async () => {
    for (const [path, method] of [
      ['/v1/tasks/nosuch', 'GET'],
      ['/v1/tasks/nosuch/result', 'GET'],
      ['/v1/tasks/nosuch', 'DELETE']
    ] as const) {
      const response = await call(path, { method })

      expect(response.status).toBe(404)
      expect(await json(response)).toMatchObject({ code: 'TaskNotFoundError' })
    }
  })

  it('cancels a pending task, whose result is then 409', async () => {
    const id = await submit({ kind: 'echo', needs: { labels: { gpu: 'true' } } })
    const cancelled = await call(`/v1/tasks/${id}`, { method: 'DELETE' })

    expect(cancelled.status).toBe(200)
    expect(await json(cancelled)).toEqual({ id, state: 'cancelled' })

    const result = await call(`/v1/tasks/${id}/result?wait=1000`)
    expect(result.status).toBe(409)
    expect(await json(result)).toMatchObject({ code: 'TaskCancelledError', id })
  })

  it('maps a kind over items, in their order', async () => {
    const items = Array.from({ length: 10 }, (_, i) => ({ args: i }))
    const response = await post('/v1/tasks/map', { kind: 'echo', items, options: { priority: 2 } })

    expect(response.status).toBe(201)
    const { ids } = await json(response)
    expect(ids).toHaveLength(10)

    const results = await Promise.all(
      ids.map(
        async (id: string) => (await json(await call(`/v1/tasks/${id}/result?wait=10000`))).result
      )
    )
    expect(results).toEqual(items.map((item) => item.args))
    expect((await json(await call(`/v1/tasks/${ids[0]}`))).priority).toBe(2)
  })

  it('refuses a bad map request with 400', async () => {
    const bad = [
      { kind: 'echo', items: 'all' },
      { kind: 'echo', items: [{ args: 1, priority: 9 }] },
      { kind: 'echo', items: [], options: { args: 1 } },
      { kind: 'echo', items: [{ inputs: ['not-a-cid'] }] },
      { kind: 'echo', items: Array.from({ length: MAX_MAP_ITEMS + 1 }, () => ({})) }
    ]

    for (const body of bad) {
      const response = await post('/v1/tasks/map', body)

      expect(response.status).toBe(400)
      expect((await json(response)).code).toBe('InvalidTaskError')
    }
  })

  it('lists tasks newest first, by state, and refuses a bad state or limit', async () => {
    const first = await submit({ kind: 'echo', args: 1 })
    const second = await submit({ kind: 'echo', args: 2 })
    await call(`/v1/tasks/${second}/result?wait=10000`)
    await call(`/v1/tasks/${first}/result?wait=10000`)

    const { tasks } = await json(await call('/v1/tasks?state=completed&limit=2'))
    expect(tasks.map((task: { id: string }) => task.id)).toEqual([second, first])
    expect(tasks[0]).toMatchObject({ kind: 'echo', state: 'completed', attempts: 1 })

    expect((await call('/v1/tasks?state=done')).status).toBe(400)
    expect((await call('/v1/tasks?limit=0')).status).toBe(400)
    expect((await call('/v1/tasks?limit=ten')).status).toBe(400)
    expect((await call('/v1/tasks/x/result?wait=60001')).status).toBe(400)
  })

  it('reports what the scheduler did', async () => {
    const response = await call('/v1/tasks/stats')
    const stats = await json(response)

    expect(response.status).toBe(200)
    expect(stats.submitter.submitted).toBeGreaterThan(0)
    expect(stats.slots.total).toBeGreaterThan(0)
  })
})
