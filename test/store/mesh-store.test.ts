import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createMeshNode, generateSwarmKey, type MeshNode } from '../../src/index.js'
import { localInit, startMesh, trackNodes } from '../helpers/mesh.js'
import { waitFor } from '../helpers/wait.js'

/** Small chunks, so that a few MiB spread over every node. */
const CHUNK = 64 * 1024

/** Waits until every node's ring holds `size` members. */
async function ringsHold(nodes: readonly MeshNode[], size: number): Promise<void> {
  await waitFor(() => nodes.every((node) => node.store.placement.ring.size === size), {
    message: `the rings never held ${size} members`
  })
}

/** Every block of an object (root and chunks) held by exactly its owners. */
async function heldByExactlyOwners(node: MeshNode, cid: string): Promise<boolean> {
  const stat = await node.stat(cid)

  return [stat.root, ...stat.chunks].every(
    (block) => [...block.holders].sort().join() === [...block.owners].sort().join()
  )
}

describe('block store in one process', () => {
  const nodes = trackNodes()

  it('puts on one node and gets the same bytes from another', async () => {
    nodes.push(...(await startMesh(4, { store: { chunkSize: CHUNK } })))
    await ringsHold(nodes, 4)

    const data = randomBytes(1024 * 1024 + 123)
    const cid = await nodes[0]!.put(data, { name: 'random.bin' })
    const back = await nodes[3]!.getBytes(cid)

    expect(Buffer.compare(Buffer.from(back), data)).toBe(0)

    const stat = await nodes[2]!.stat(cid)
    expect(stat.name).toBe('random.bin')
    expect(stat.size).toBe(data.byteLength)
    expect(stat.chunks).toHaveLength(17)

    // a file path: read from disk, named after the file, the same object as its bytes
    const dir = await mkdtemp(join(tmpdir(), 'mycel-put-'))
    const file = join(dir, 'random.bin')
    await writeFile(file, data)
    const fromFile = await nodes[1]!.put(file).finally(() => rm(dir, { recursive: true }))
    expect(fromFile.equals(cid)).toBe(true)
    // put returns at the write quorum; the third copies follow
    await waitFor(() => heldByExactlyOwners(nodes[2]!, cid.toString()), {
      message: 'not every block reached its three owners'
    })
  })

  it('keeps blocks fetched from others in its cache, so a second read stays local', async () => {
    nodes.push(...(await startMesh(3, { store: { chunkSize: CHUNK } })))
    await ringsHold(nodes, 3)
    const data = randomBytes(1024 * 1024)
    const cid = await nodes[0]!.put(data, { replicas: 1 })
    const reader = nodes[1]!
    const before = reader.store.stats().reads

    await reader.getBytes(cid)
    const first = reader.store.stats().reads
    expect(first.remote - before.remote).toBeGreaterThan(0)

    expect(Buffer.compare(Buffer.from(await reader.getBytes(cid)), data)).toBe(0)
    const second = reader.store.stats().reads
    expect(second.remote).toBe(first.remote)
    expect(second.cached - first.cached).toBe(first.remote - before.remote)
  })

  it('tells the mesh how full its store is in its adverts, and refuses what does not fit', async () => {
    nodes.push(...(await startMesh(2, { store: { chunkSize: CHUNK, quota: '1MiB' } })))
    await ringsHold(nodes, 2)
    const [full, other] = nodes as [MeshNode, MeshNode]
    await full.put(randomBytes(900_000))

    await waitFor(
      () => {
        const store = other.view.get(full.peerId.toString())?.advert.store
        return store !== undefined && store.used === full.store.local.used
      },
      { message: "the other node never saw the store's use in the advert" }
    )
    expect(full.store.local.used).toBeGreaterThan(900_000)
    expect(other.view.get(full.peerId.toString())?.advert.store?.capacity).toBe(1024 * 1024)
    await expect(other.put(randomBytes(200_000))).rejects.toMatchObject({
      name: 'StoreFullError',
      message: expect.stringMatching(/^not enough room in the mesh/)
    })
  })

  it('hands a joining node its share, and drops the copies others no longer own', async () => {
    const init = { store: { chunkSize: CHUNK, settleTime: 300 }, swarmKey: generateSwarmKey() }
    nodes.push(...(await startMesh(4, init)))
    await ringsHold(nodes, 4)
    const data = randomBytes(4 * 1024 * 1024)
    const cid = await nodes[0]!.put(data)
    const blocks = (await nodes[0]!.stat(cid)).chunks.length + 1

    const joiner = await createMeshNode(
      localInit({
        ...init,
        mesh: 'test',
        bootstrap: [nodes[0]!.multiaddrs[0]!.toString()]
      })
    )
    nodes.push(joiner)
    await ringsHold(nodes, 5)

    await waitFor(() => heldByExactlyOwners(joiner, cid.toString()), {
      timeout: 30_000,
      message: 'blocks never settled on exactly their owners after the join'
    })

    expect(joiner.store.stats().blocks).toBeGreaterThan(0)
    const total = nodes.reduce((sum, node) => sum + node.store.stats().blocks, 0)
    expect(total).toBe(blocks * 3)
    expect(Buffer.compare(Buffer.from(await joiner.getBytes(cid)), data)).toBe(0)
  })

  it('undoes a put that runs out of room half-way, leaving nothing behind', async () => {
    // 3 nodes with 1 MiB each and 3 copies: a 2 MiB stream (size unknown up front) cannot fit
    nodes.push(...(await startMesh(3, { store: { chunkSize: CHUNK, quota: '1MiB' } })))
    await ringsHold(nodes, 3)
    await nodes[0]!.put(randomBytes(100_000))
    await waitFor(() => nodes.every((node) => node.store.stats().blocks === 3), {
      message: 'the first object never reached all three nodes'
    })
    const before = nodes.map((node) => node.store.stats().used)

    async function* stream(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 32; i++) yield randomBytes(CHUNK)
    }

    await expect(nodes[1]!.put(stream())).rejects.toMatchObject({ name: 'StoreFullError' })
    await waitFor(() => nodes.every((node) => node.store.stats().blocks === 3), {
      message: 'blocks of the failed put were left behind'
    })
    expect(nodes.map((node) => node.store.stats().used)).toEqual(before)
  })
})
