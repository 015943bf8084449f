import type { CID } from 'multiformats/cid'
import { describe, expect, it } from 'vitest'
import { blockCid } from '../../src/store/block.js'
import { blockId } from '../../src/store/local.js'
import { ManifestBuilder } from '../../src/store/manifest-builder.js'
import { statObject } from '../../src/store/stat.js'
import { placementOf } from './fixtures.js'

const PEERS = ['peer-a', 'peer-b', 'peer-c', 'peer-d']

/** An object of `count` chunks under a manifest tree of the given fanout, in a map of blocks. */
async function tree(count: number, fanout: number) {
  const blocks = new Map<string, Uint8Array>()
  const builder = new ManifestBuilder({ name: 'tree.bin', chunkSize: 4, fanout })

  for (let i = 0; i < count; i++) {
    const bytes = new TextEncoder().encode(`c${String(i).padStart(3, '0')}`)
    const cid = await blockCid(bytes)
    blocks.set(blockId(cid), bytes)
    builder.add(cid, bytes.byteLength)
  }

  const built = await builder.finish()

  for (const block of built.blocks) {
    blocks.set(blockId(block.cid), block.bytes)
  }

  return { root: built.root, blocks, manifests: built.blocks.map((b) => b.cid) }
}

describe('stat', () => {
  it('shows where the root, every inner manifest and every chunk are, against their owners', async () => {
    const { root, blocks, manifests } = await tree(10, 4)
    const { placement } = placementOf(PEERS)
    // every peer holds everything but peer-d, which holds nothing
    const have = async (peer: string, cids: CID[]) =>
      cids.map(() => ({ held: peer !== 'peer-d', kept: peer !== 'peer-d' }))
    const block = async (cid: CID) => blocks.get(blockId(cid)) ?? new Uint8Array(0)

    const stat = await statObject(root, 3, { placement, block, have })

    expect(stat).toMatchObject({ name: 'tree.bin', size: 40, chunkSize: 4 })
    expect(stat.chunks).toHaveLength(10)
    // 10 chunks under fanout 4: three inner manifests under the root
    expect(stat.manifests.map((m) => m.cid).sort()).toEqual(
      manifests
        .filter((cid) => !cid.equals(root))
        .map(String)
        .sort()
    )

    for (const entry of [stat.root, ...stat.manifests, ...stat.chunks]) {
      expect(entry.owners).toHaveLength(3)
      expect(entry.holders.sort()).toEqual(['peer-a', 'peer-b', 'peer-c'])
    }
  })
})
