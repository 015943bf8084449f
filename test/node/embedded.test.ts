import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createMeshNode } from '../../src/index.js'
import { localInit, trackNodes } from '../helpers/mesh.js'
import { waitFor } from '../helpers/wait.js'

describe('an embedded node', () => {
  const nodes = trackNodes()
  const dirs: string[] = []

  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
  })

  it('joins with an invite and tells of peers connecting and leaving', async () => {
    const first = await createMeshNode(localInit({ mesh: 'embedded' }))
    nodes.push(first)
    const connected = new Promise<string>((resolve) => {
      first.addEventListener('peer:connected', (evt) => resolve(evt.detail.toString()))
    })
    const second = await createMeshNode(localInit({ join: first.invite() }))
    nodes.push(second)

    expect(second.mesh).toBe('embedded')
    expect(await connected).toBe(second.peerId.toString())

    const disconnected = new Promise<string>((resolve) => {
      first.addEventListener('peer:disconnected', (evt) => resolve(evt.detail.toString()))
    })
    await second.stop()
    expect(await disconnected).toBe(second.peerId.toString())
  })

  it('keeps its peer id in a data directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mycel-embedded-'))
    dirs.push(dir)
    const node = await createMeshNode(localInit({ dataDir: dir }))
    const id = node.peerId.toString()
    await node.stop()

    const again = await createMeshNode(localInit({ dataDir: dir }))
    nodes.push(again)
    expect(again.peerId.toString()).toBe(id)
    await expect(
      createMeshNode(localInit({ dataDir: dir, mesh: 'other', start: false }))
    ).rejects.toThrow(/belongs to mesh "default"/)
  })

  it('connects over WebSockets', async () => {
    const first = await createMeshNode(
      localInit({ mesh: 'ws', listen: ['/ip4/127.0.0.1/tcp/0/ws'] })
    )
    nodes.push(first)
    const wsAddr = first.multiaddrs.find((ma) => ma.toString().includes('/ws/'))
    expect(wsAddr).toBeDefined()
    const second = await createMeshNode(
      localInit({ join: first.invite(), listen: ['/ip4/127.0.0.1/tcp/0/ws'] })
    )
    nodes.push(second)

    await waitFor(() => second.peers.some((id) => id.equals(first.peerId)))
    const [conn] = second.libp2p.getConnections(first.peerId)
    expect(conn?.remoteAddr.toString()).toContain('/ws')
  })

  it('refuses to invite before it has started', async () => {
    const node = await createMeshNode(localInit({ start: false }))
    nodes.push(node)

    expect(() => node.invite()).toThrow(/start the node/)
  })
})
