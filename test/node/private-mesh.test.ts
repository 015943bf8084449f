import { describe, expect, it } from 'vitest'
import { createMeshNode, generateSwarmKey, type MeshNode } from '../../src/index.js'
import { localInit, trackNodes } from '../helpers/mesh.js'

describe('a private mesh', () => {
  const nodes = trackNodes()

  it('refuses a node with a different swarm key, with a clear error and no hang', async () => {
    const member = await createMeshNode(localInit({ mesh: 'closed', swarmKey: generateSwarmKey() }))
    nodes.push(member)
    const outsider = await createMeshNode(
      localInit({ mesh: 'closed', swarmKey: generateSwarmKey(), targetConnections: 0 })
    )
    nodes.push(outsider)
    const started = Date.now()

    const error = await outsider.dial(member.multiaddrs[0]!).catch((err: Error) => err)

    expect(error).toBeInstanceOf(Error)
    expect((error as Error).name).toBe('SwarmKeyMismatchError')
    expect((error as Error).message).toMatch(/different swarm key/)
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(outsider.peers).toHaveLength(0)
    expect(member.peers).toHaveLength(0)
  })

  it('reports an outsider whose bootstrap peer holds another key through dial:failed', async () => {
    const member = await createMeshNode(localInit({ mesh: 'closed', swarmKey: generateSwarmKey() }))
    nodes.push(member)
    const outsider = await createMeshNode(
      localInit({
        mesh: 'closed',
        swarmKey: generateSwarmKey(),
        bootstrap: [member.multiaddrs[0]!.toString()],
        start: false
      })
    )
    nodes.push(outsider)
    const failed = new Promise<Error>((resolve) => {
      outsider.addEventListener('dial:failed', (evt) => resolve(evt.detail.error), { once: true })
    })

    await outsider.start()

    expect((await failed).name).toBe('SwarmKeyMismatchError')
    expect(outsider.peers).toHaveLength(0)
  })

  it('speaks only protocols named after its own mesh', async () => {
    const swarmKey = generateSwarmKey()
    const a = await createMeshNode(localInit({ mesh: 'alpha', swarmKey }))
    nodes.push(a)
    const b = await createMeshNode(localInit({ mesh: 'beta', swarmKey }))
    nodes.push(b)
    const mycel = (node: MeshNode) =>
      node.libp2p.getProtocols().filter((p) => p.startsWith('/mycel/'))

    // gossipsub keeps its standard ids; its topics carry the mesh name instead
    for (const protocol of a.libp2p.getProtocols()) {
      expect(protocol).toMatch(/^(\/mycel\/alpha\/|\/meshsub\/)/)
    }

    expect(mycel(a)).toEqual(
      expect.arrayContaining(['/mycel/alpha/kad/1.0.0', '/mycel/alpha/id/1.0.0'])
    )
    expect(mycel(a).every((p) => p.startsWith('/mycel/alpha/'))).toBe(true)
    expect(mycel(b).every((p) => p.startsWith('/mycel/beta/'))).toBe(true)
    expect(mycel(b).length).toBeGreaterThan(0)
  })

  it('tells a peer that answers with another identity apart from a stranger', async () => {
    const swarmKey = generateSwarmKey()
    const a = await createMeshNode(localInit({ mesh: 'same', swarmKey }))
    nodes.push(a)
    const b = await createMeshNode(localInit({ mesh: 'same', swarmKey }))
    nodes.push(b)
    const c = await createMeshNode(localInit({ mesh: 'same', swarmKey, targetConnections: 0 }))
    nodes.push(c)
    // a's address, but b's peer id: as when a data directory was reset behind a fixed port
    const wrong = `${a.multiaddrs[0]!.toString().split('/p2p/')[0]}/p2p/${b.peerId.toString()}`

    const error = await c.dial(wrong).catch((err: Error) => err)

    expect((error as Error).name).toBe('DialFailedError')
    expect((error as Error).message).toMatch(/another node answers/)
  })
})
