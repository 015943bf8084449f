import { describe, expect, it } from 'vitest'
import { startMesh, trackNodes } from '../helpers/mesh.js'
import { waitFor } from '../helpers/wait.js'

describe('a mesh forming by itself', () => {
  const nodes = trackNodes()

  it('connects 6 nodes that each know only node 0 to at least 5 others within 15 s', async () => {
    const started = Date.now()
    nodes.push(...(await startMesh(6)))

    await waitFor(() => nodes.every((node) => node.peers.length >= 5), {
      timeout: 15_000,
      message: `peer counts stayed at ${nodes.map((n) => n.peers.length).join(', ')}`
    })

    console.log('6-node mesh formed in', Date.now() - started, 'ms')
    for (const node of nodes) {
      expect(node.peers.length).toBeGreaterThanOrEqual(5)
    }
  })

  it('connects nodes that join through one peer even when DHT walks are rare', async () => {
    // walks so rare that none happens during the test
    const noWalks = { keeper: { walk: { min: 600_000, max: 600_000 } } }
    nodes.push(...(await startMesh(4, noWalks)))
    const [, ...joiners] = nodes

    await waitFor(() => joiners.every((node) => node.peers.length === 3 && node.view.size === 4), {
      timeout: 10_000,
      message: `peer counts stayed at ${joiners.map((n) => n.peers.length).join(', ')}`
    })
    for (const node of joiners) {
      expect(node.peers).toHaveLength(3)
    }
  })
})
