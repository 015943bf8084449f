import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DashboardSnapshot } from '../../src/api/dashboard/snapshot.js'
import { Daemon } from '../../src/daemon/daemon.js'
import { createMeshNode } from '../../src/index.js'
import { waitFor } from '../helpers/wait.js'

describe("the dashboard's feed", () => {
  let dir: string
  let daemon: Daemon
  let token: string
  const auth = (): { authorization: string } => ({ authorization: `Bearer ${token}` })
  const snapshot = async (): Promise<DashboardSnapshot> => {
    const response = await fetch(`${daemon.api.url}/v1/dashboard`, { headers: auth() })
    expect(response.status).toBe(200)
    return (await response.json()) as DashboardSnapshot
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mycel-dashboard-'))
    daemon = await Daemon.start({ dataDir: dir, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false })
    token = (JSON.parse(await readFile(join(dir, 'api.json'), 'utf8')) as { token: string }).token
  })

  afterAll(async () => {
    await daemon?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('shows a peer that left as dead, with why, and its work in the counts', async () => {
    const peer = await createMeshNode({
      join: daemon.node.invite(),
      listen: ['/ip4/127.0.0.1/tcp/0'],
      mdns: false
    })
    const id = peer.peerId.toString()
    await waitFor(async () => (await snapshot()).peers.some((p) => p.peerId === id))
    await daemon.node.tasks.map('echo', [{ args: 1 }, { args: 2 }, { args: 3 }]).results()
    await daemon.node.put(new Uint8Array(100_000).fill(1))

    const before = await snapshot()
    expect(before.tasks.counts.completed).toBe(3)
    expect(before.tasks.recent.map((task) => task.state)).toEqual([
      'completed',
      'completed',
      'completed'
    ])
    expect(before.throughput.completed.reduce((sum, n) => sum + n, 0)).toBe(3)
    const self = before.peers.find((p) => p.self)
    expect(self?.state).toBe('live')
    expect(before.peers.reduce((sum, p) => sum + p.keyShare, 0)).toBeCloseTo(1, 5)

    // the blocks each node stores come with its adverts
    await waitFor(
      async () => ((await snapshot()).peers.find((p) => p.self)?.store.blocks ?? 0) > 0,
      {
        timeout: 15_000,
        message: "this node's advert never told of its blocks"
      }
    )
    const shares = (await snapshot()).peers.reduce((sum, p) => sum + p.blockShare, 0)
    expect(shares).toBeCloseTo(1, 5)

    await peer.stop()
    await waitFor(
      async () => (await snapshot()).peers.some((p) => p.peerId === id && p.state === 'dead'),
      {
        message: 'the peer that stopped was not shown dead'
      }
    )
    const dead = (await snapshot()).peers.find((p) => p.peerId === id)
    expect(dead).toMatchObject({ state: 'dead', leftReason: 'stopped', keyShare: 0 })
    expect(dead?.leftAt).toBeGreaterThan(before.at)
  })

  it('streams snapshots as server-sent events', async () => {
    const abort = new AbortController()
    const response = await fetch(`${daemon.api.url}/v1/events`, {
      headers: auth(),
      signal: abort.signal
    })
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const reader = (response.body as ReadableStream<Uint8Array>).getReader()
    let text = ''

    while (!text.includes('\n\n')) {
      const { value, done } = await reader.read()
      if (done) break
      text += new TextDecoder().decode(value)
    }

    abort.abort()
    const event = /^event: snapshot\ndata: (.*)$/m.exec(text)
    expect(event).not.toBeNull()
    const sent = JSON.parse(event?.[1] as string) as DashboardSnapshot
    expect(sent.node.peerId).toBe(daemon.node.peerId.toString())
  })
})
