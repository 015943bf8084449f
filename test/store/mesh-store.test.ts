import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { startMesh, trackNodes } from '../helpers/mesh.js'
import { waitFor } from '../helpers/wait.js'

describe('block store in one process', () => {
  const nodes = trackNodes()

  it('puts on one node and gets the same bytes from another', async () => {
    nodes.push(...(await startMesh(4, { store: { chunkSize: 64 * 1024 } })))
    await waitFor(() => nodes.every((node) => node.store.placement.ring.size === 4), {
      message: 'ring never held all 4 nodes'
    })

    const data = randomBytes(1024 * 1024 + 123)
    const cid = await nodes[0]!.put(data, { name: 'random.bin' })
    const back = await nodes[3]!.getBytes(cid)

    expect(Buffer.compare(Buffer.from(back), data)).toBe(0)

    const stat = await nodes[2]!.stat(cid)
    expect(stat.name).toBe('random.bin')
    expect(stat.size).toBe(data.byteLength)
    expect(stat.chunks).toHaveLength(17)
  })
})
