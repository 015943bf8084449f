import { defaultLogger } from '@libp2p/logger'
import type { MemoryBlockstore } from 'blockstore-core/memory'
import type { MemoryDatastore } from 'datastore-core'
import { CID } from 'multiformats/cid'
import { describe, expect, it } from 'vitest'
import { blockCid, DAG_CBOR, RAW } from '../../src/store/block.js'
import { blockId, cidFromMultihash } from '../../src/store/local.js'
import { memoryStore } from './fixtures.js'

const _log = defaultLogger().forComponent('test:store:local')
const encoder = new TextEncoder()

/** A store over memory, with a quota of 1,000 bytes and 3 copies unless told otherwise. */
async function open(
  init: { quota?: number; blockstore?: MemoryBlockstore; datastore?: MemoryDatastore } = {}
) {
  const changes = { count: 0 }
  const store = await memoryStore({
    quota: 1_000,
    ...init,
    onChange: () => changes.count++
  })

  return { ...store, changes }
}

async function block(text: string): Promise<{ cid: CID; bytes: Uint8Array }> {
  const bytes = encoder.encode(text)

  return { cid: await blockCid(bytes), bytes }
}

describe('local block store', () => {
  it('stores a block and reads it back, counting its bytes', async () => {
    const { local, changes } = await open()
    const { cid, bytes } = await block('hello')

    expect(await local.put(cid, bytes)).toBe('stored')

    expect(local.has(cid)).toBe(true)
    expect(await local.get(cid)).toEqual(bytes)
    expect(local.used).toBe(5)
    expect(local.free).toBe(995)
    expect(local.count).toBe(1)
    expect(local.entry(cid)).toEqual({ cid, size: 5, replicas: 3 })
    expect(changes.count).toBe(1)
  })

  it('answers existed to a second put of a block it holds, keeping the larger copy count', async () => {
    const { local, changes } = await open()
    const { cid, bytes } = await block('hello')
    await local.put(cid, bytes)

    expect(await local.put(cid, bytes, 5)).toBe('existed')
    expect(await local.put(cid, bytes, 2)).toBe('existed')

    expect(local.used).toBe(5)
    expect(local.entry(cid)?.replicas).toBe(5)
    expect(changes.count).toBe(1)
  })

  // 'stored' means "this put created the block" to the sessions, so an abort of one put must
  // never take a block another put counted
  it('answers existed to the second of two puts of one block that run at once', async () => {
    const { local } = await open()
    const { cid, bytes } = await block('hello')

    const written = await Promise.all([local.put(cid, bytes), local.put(cid, bytes)])

    expect(written.sort()).toEqual(['existed', 'stored'])
  })

  it('refuses bytes that do not hash to the CID, and stores nothing', async () => {
    const { local, blockstore, changes } = await open()
    const { cid } = await block('hello')

    await expect(local.put(cid, encoder.encode('jello'))).rejects.toMatchObject({
      name: 'CorruptBlockError'
    })

    expect(local.has(cid)).toBe(false)
    expect(await blockstore.has(cid)).toBe(false)
    expect(local.used).toBe(0)
    expect(changes.count).toBe(0)
  })

  it('refuses a block over its quota, saying what is left of which quota', async () => {
    const { local } = await open({ quota: 10 })
    const first = await block('123456')
    const second = await block('abcdef')
    await local.put(first.cid, first.bytes)

    await expect(local.put(second.cid, second.bytes)).rejects.toMatchObject({
      name: 'StoreFullError',
      message: expect.stringMatching(/6 bytes do not fit in the 4 bytes left of its 10-byte quota/)
    })

    expect(local.has(second.cid)).toBe(false)
    expect(local.used).toBe(6)
  })

  it('takes a block that fills its quota to the byte', async () => {
    const { local } = await open({ quota: 5 })
    const { cid, bytes } = await block('hello')

    expect(await local.put(cid, bytes)).toBe('stored')
    expect(local.free).toBe(0)
  })

  it('counts writes under way against the quota', async () => {
    const { local } = await open({ quota: 10 })
    const first = await block('123456')
    const second = await block('abcdef')

    const results = await Promise.allSettled([
      local.put(first.cid, first.bytes),
      local.put(second.cid, second.bytes)
    ])

    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected'])
    expect(local.used).toBe(6)
    expect(local.free).toBe(4)
  })

  it('holds dag-cbor and raw CIDs of the same bytes as one block', async () => {
    const { local } = await open()
    const bytes = encoder.encode('hello')
    const cbor = await blockCid(bytes, DAG_CBOR)
    const raw = await blockCid(bytes, RAW)

    expect(await local.put(cbor, bytes)).toBe('stored')
    expect(await local.put(raw, bytes)).toBe('existed')

    expect(local.has(raw)).toBe(true)
    expect(local.entry(cbor)?.cid.code).toBe(RAW)
    expect(await local.get(cbor)).toEqual(bytes)
    expect(blockId(cbor)).toBe(blockId(raw))
    expect(cidFromMultihash(cbor.multihash.bytes).equals(raw)).toBe(true)
  })

  it('reads nothing for a block it does not hold', async () => {
    const { local } = await open()
    const { cid } = await block('hello')

    expect(await local.get(cid)).toBeUndefined()
  })

  it('finds a copy whose bytes changed on disk when it reads it, and drops it', async () => {
    const { local, blockstore, changes } = await open()
    const { cid, bytes } = await block('hello')
    await local.put(cid, bytes)
    await blockstore.put(CID.createV1(RAW, cid.multihash), encoder.encode('jello'))

    await expect(local.get(cid)).rejects.toMatchObject({ name: 'CorruptBlockError' })

    expect(local.has(cid)).toBe(false)
    expect(await blockstore.has(cid)).toBe(false)
    expect(local.used).toBe(0)
    expect(changes.count).toBe(2)
    expect(await local.get(cid)).toBeUndefined()
  })

  it('forgets a copy whose file is gone', async () => {
    const { local, blockstore } = await open()
    const { cid, bytes } = await block('hello')
    await local.put(cid, bytes)
    await blockstore.delete(cid)

    expect(await local.get(cid)).toBeUndefined()
    expect(local.has(cid)).toBe(false)
    expect(local.used).toBe(0)
  })

  it('keeps a copy it cannot read for another reason, and says why', async () => {
    const { local, blockstore } = await open()
    const { cid, bytes } = await block('hello')
    await local.put(cid, bytes)
    blockstore.get = () => {
      throw Object.assign(new Error("Error: EMFILE: too many open files, open 'x'"), {
        name: 'NotFoundError'
      })
    }

    await expect(local.get(cid)).rejects.toThrow(/EMFILE/)
    expect(local.has(cid)).toBe(true)
  })

  it('drops a block, and takes a delete of a block it does not hold as no error', async () => {
    const { local, blockstore, changes } = await open()
    const { cid, bytes } = await block('hello')
    const other = await block('other')
    await local.put(cid, bytes)

    await local.delete(cid)
    await local.delete(other.cid)

    expect(local.has(cid)).toBe(false)
    expect(await blockstore.has(cid)).toBe(false)
    expect(local.used).toBe(0)
    expect(local.free).toBe(1_000)
    expect(changes.count).toBe(2)
  })

  it('finds every block again on open, with replica counts other than the default', async () => {
    const first = await open()
    const three = await block('three copies')
    const five = await block('five copies')
    await first.local.put(three.cid, three.bytes)
    await first.local.put(five.cid, five.bytes, 5)

    const { local } = await open({ blockstore: first.blockstore, datastore: first.datastore })

    expect(local.count).toBe(2)
    expect(local.used).toBe(three.bytes.byteLength + five.bytes.byteLength)
    expect(local.entry(three.cid)).toEqual({
      cid: three.cid,
      size: three.bytes.byteLength,
      replicas: 3
    })
    expect(local.entry(five.cid)?.replicas).toBe(5)
    expect(await local.get(five.cid)).toEqual(five.bytes)
  })

  it('forgets the replica count of a block it drops', async () => {
    const first = await open()
    const { cid, bytes } = await block('five copies')
    await first.local.put(cid, bytes, 5)
    await first.local.delete(cid)
    await first.local.put(cid, bytes)

    const { local } = await open({ blockstore: first.blockstore, datastore: first.datastore })

    expect(local.entry(cid)?.replicas).toBe(3)
  })

  it('lists what it holds as a snapshot', async () => {
    const { local } = await open()
    const a = await block('a')
    const b = await block('b')
    await local.put(a.cid, a.bytes)
    await local.put(b.cid, b.bytes, 2)

    const entries = local.entries()
    await local.delete(a.cid)

    expect(entries.map((e) => e.replicas).sort()).toEqual([2, 3])
    expect(local.entries()).toHaveLength(1)
  })
})
