import { describe, expect, it } from 'vitest'
import { createMeshNode, generateSwarmKey } from '../../src/index.js'
import { trackNodes } from '../helpers/mesh.js'
import { waitFor } from '../helpers/wait.js'

describe('finding peers on the LAN', () => {
  const nodes = trackNodes()

  it('connects nodes of one mesh with mDNS alone, and never sees another mesh', async () => {
    const lan = { listen: ['/ip4/0.0.0.0/tcp/0'], mdns: true }
    const stranger = await createMeshNode({ ...lan, mesh: 'mdns-other' })
    nodes.push(stranger)
    const swarmKey = generateSwarmKey()
    const a = await createMeshNode({ ...lan, mesh: 'mdns-test', swarmKey, start: false })
    nodes.push(a)
    const discovered: string[] = []
    a.libp2p.addEventListener('peer:discovery', (evt) => discovered.push(evt.detail.id.toString()))
    await a.start()
    const b = await createMeshNode({ ...lan, mesh: 'mdns-test', swarmKey })
    nodes.push(b)

    await waitFor(() => a.peers.some((id) => id.equals(b.peerId)), {
      timeout: 15_000,
      message: 'the two nodes of one mesh did not find each other'
    })

    expect(discovered).toContain(b.peerId.toString())
    expect(discovered).not.toContain(stranger.peerId.toString())
    expect(stranger.peers).toHaveLength(0)
  })
})
