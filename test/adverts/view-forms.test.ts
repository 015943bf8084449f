import { describe, expect, it } from 'vitest'
import { startMesh, trackNodes } from '../helpers/mesh.js'
import { waitFor } from '../helpers/wait.js'

describe('the view of the mesh', () => {
  const nodes = trackNodes()

  it('lists all 8 nodes on every node within 3 s of the last start', async () => {
    nodes.push(...(await startMesh(8)))
    const lastStarted = Date.now()

    await waitFor(() => nodes.every((node) => node.view.size === 8), {
      timeout: 3_000,
      interval: 20,
      message: `view sizes stayed at ${nodes.map((n) => n.view.size).join(', ')}`
    })
    console.log(`8 views complete ${Date.now() - lastStarted} ms after the last start`)

    const ids = nodes.map((node) => node.peerId.toString()).sort()
    for (const node of nodes) {
      expect(
        node.view
          .entries()
          .map((e) => e.peerId)
          .sort()
      ).toEqual(ids)
    }
  })
})
