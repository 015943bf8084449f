import { randomBytes } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createMeshNode, generateSwarmKey, type MeshNode } from '../../src/index.js'
import { localInit, stopAll, trackNodes } from '../helpers/mesh.js'
import { waitFor } from '../helpers/wait.js'

/** Every block file under a node's data directory. */
async function blockFiles(dataDir: string): Promise<string[]> {
  const root = join(dataDir, 'blocks')
  const entries = await readdir(root, { recursive: true, withFileTypes: true })

  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.data'))
    .map((entry) => join(entry.parentPath, entry.name))
}

describe('blocks on disk', () => {
  const nodes = trackNodes()
  const dirs: string[] = []

  afterEach(async () => {
    // nodes write to their directories until they stop
    await stopAll(nodes.splice(0))
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
  })

  async function startOnDisk(count: number): Promise<MeshNode[]> {
    const swarmKey = generateSwarmKey()
    const started: MeshNode[] = []

    for (let i = 0; i < count; i++) {
      const dataDir = await mkdtemp(join(tmpdir(), 'mycel-store-'))
      dirs.push(dataDir)
      const bootstrap = started.length === 0 ? [] : [started[0]!.multiaddrs[0]!.toString()]
      const node = await createMeshNode(
        localInit({ dataDir, mesh: 'test', swarmKey, bootstrap, store: { chunkSize: 64 * 1024 } })
      )
      started.push(node)
      nodes.push(node)
    }

    await waitFor(() => started.every((node) => node.store.placement.ring.size === count), {
      message: `the rings never held ${count} members`
    })

    return started
  }

  it('finds a block corrupted on disk when it reads it, and replaces it with a good copy', async () => {
    const [first, second] = await startOnDisk(3)
    const data = randomBytes(300_000)
    const cid = await first!.put(data)
    await waitFor(() => second!.store.stats().blocks === 6, { message: 'not all copies landed' })

    // flip bytes in every chunk file the second node holds
    const files = await blockFiles(second!.repo!.dir)
    expect(files).toHaveLength(6)

    for (const file of files) {
      const bytes = await readFile(file)
      bytes[10] = (bytes[10] ?? 0) ^ 0xff
      await writeFile(file, bytes)
    }

    const back = await second!.getBytes(cid)

    expect(Buffer.compare(Buffer.from(back), data)).toBe(0)
    const { reads, blocks } = second!.store.stats()
    expect(reads.corruptLocal).toBe(6)
    expect(reads.replaced).toBe(6)
    expect(blocks).toBe(6)

    // the copies on disk are good again: read back without a peer to fall back on
    await Promise.all(nodes.filter((node) => node !== second).map((node) => node.stop()))
    expect(Buffer.compare(Buffer.from(await second!.getBytes(cid)), data)).toBe(0)
    expect(second!.store.stats().reads.corruptLocal).toBe(6)
  })

  it('keeps its blocks across a restart', async () => {
    const [only] = await startOnDisk(1)
    const data = randomBytes(200_000)
    const cid = await only!.put(data, { replicas: 1 })
    const dataDir = only!.repo!.dir
    await only!.stop()

    const again = await createMeshNode(localInit({ dataDir }))
    nodes.push(again)

    expect(again.store.stats().blocks).toBe(5)
    expect(again.store.local.entry(cid)?.replicas).toBe(1)
    expect(Buffer.compare(Buffer.from(await again.getBytes(cid)), data)).toBe(0)
  })
})
