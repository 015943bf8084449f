import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { sha256, sha512 } from 'multiformats/hashes/sha2'
import { concat } from 'uint8arrays/concat'
import { describe, expect, it } from 'vitest'
import { blockCid, DAG_CBOR } from '../../src/store/block.js'
import {
  decodeManifest,
  encodeManifest,
  MAX_LINKS,
  MAX_MANIFEST_BYTES,
  type Manifest
} from '../../src/store/manifest.js'
import { ManifestBuilder } from '../../src/store/manifest-builder.js'
import { type Leaf, readObject, walkLeaves } from '../../src/store/manifest-walk.js'

/** A block store in a map, with a fetch that fails loudly on a missing block. */
function memoryStore() {
  const blocks = new Map<string, Uint8Array>()

  return {
    blocks,
    async put(bytes: Uint8Array, codec: 0x55 | 0x71 = 0x55): Promise<CID> {
      const cid = await blockCid(bytes, codec)
      blocks.set(cid.toString(), bytes)

      return cid
    },
    /** Stores any value as a dag-cbor block, valid manifest or not. */
    async putNode(value: unknown): Promise<CID> {
      return this.put(dagCbor.encode(value), DAG_CBOR)
    },
    fetch: async (cid: CID): Promise<Uint8Array> => {
      const bytes = blocks.get(cid.toString())

      if (bytes === undefined) {
        throw new Error(`no block ${cid}`)
      }

      return bytes
    }
  }
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = []

  for await (const item of items) {
    all.push(item)
  }

  return all
}

/** `count` chunks of `chunkSize` bytes, the last one `last` bytes, each different. */
function chunks(count: number, chunkSize: number, last = chunkSize): Uint8Array[] {
  return Array.from({ length: count }, (_, i) =>
    new Uint8Array(i === count - 1 ? last : chunkSize).fill(i % 256)
  )
}

/** Stores the chunks and their manifests, as a put would, and returns the root. */
async function putObject(
  store: ReturnType<typeof memoryStore>,
  pieces: Uint8Array[],
  init: { chunkSize: number; fanout?: number; name?: string }
) {
  const builder = new ManifestBuilder(init)
  const leaves: CID[] = []

  for (const piece of pieces) {
    const cid = await store.put(piece)
    leaves.push(cid)
    builder.add(cid, piece.byteLength)
  }

  const built = await builder.finish()

  for (const block of built.blocks) {
    store.blocks.set(block.cid.toString(), block.bytes)
  }

  return { ...built, leaves }
}

async function rawCid(fill: number, length = 10): Promise<CID> {
  return blockCid(new Uint8Array(length).fill(fill))
}

describe('manifest blocks', () => {
  it('round-trip through dag-cbor, with and without a name', async () => {
    const links = [await rawCid(1), await rawCid(2)]
    const named: Manifest = { v: 1, name: 'data.bin', size: 15, chunkSize: 10, links }
    const bytes = encodeManifest(named)
    const back = decodeManifest(bytes)

    expect(back.name).toBe('data.bin')
    expect(back.size).toBe(15)
    expect(back.chunkSize).toBe(10)
    expect(back.links.map(String)).toEqual(links.map(String))
    expect(encodeManifest(back)).toEqual(bytes)
    expect(Object.keys(decodeManifest(encodeManifest({ ...named, name: undefined })))).toEqual([
      'v',
      'size',
      'chunkSize',
      'links'
    ])
  })

  it('refuses bytes that are not a manifest, each for its reason', async () => {
    const link = await rawCid(1)
    const good = { v: 1, size: 10, chunkSize: 10, links: [link] }
    const refusals: Array<[unknown, RegExp]> = [
      [[1, 2], /expected a map, got a list of 2/],
      [{ ...good, v: 2 }, /expected version 1, got 2/],
      [{ ...good, size: -1 }, /expected size to be a safe integer >= 0, got -1/],
      [{ ...good, size: 1.5 }, /got 1.5/],
      [{ ...good, size: 2n ** 60n }, /got 1152921504606846976/],
      [{ ...good, chunkSize: 0 }, /expected chunkSize to be an integer from 1 to 4194304/],
      [{ ...good, links: 'x' }, /expected links to be a list/],
      [{ ...good, links: ['bafk'] }, /expected link 0 to be a CID, got 'bafk'/],
      [{ ...good, name: 'a\u001b[2Jb' }, /no control characters, got 'a\\u001b\[2Jb'/],
      [{ ...good, name: 'x'.repeat(256) }, /at most 255 characters/],
      [{ ...good, name: 7 }, /expected name to be text, got 7/],
      [{ ...good, extra: true }, /expected only the fields .*, got 'extra'/],
      [{ ...good, size: 25 }, /expected 1 chunks of up to 10 bytes.* to hold 1 to 10 bytes/],
      [{ ...good, links: [], size: 3 }, /expected size 0 for a manifest with no links/]
    ]

    for (const [value, reason] of refusals) {
      expect(() => decodeManifest(dagCbor.encode(value))).toThrow(
        expect.objectContaining({
          name: 'InvalidManifestError',
          message: expect.stringMatching(reason)
        })
      )
    }
  })

  it('refuses links to blocks it does not hold, and a mix of chunks and manifests', async () => {
    const digest = await sha256.digest(new Uint8Array(1))
    const bad: Array<[CID, RegExp]> = [
      [CID.createV1(0x70, digest), /link 0: .*got codec 0x70/],
      [CID.createV1(0x55, await sha512.digest(new Uint8Array(1))), /link 0: .*sha2-256/],
      [CID.createV0(digest), /link 0: expected a CIDv1/]
    ]

    for (const [link, reason] of bad) {
      expect(() =>
        decodeManifest(dagCbor.encode({ v: 1, size: 10, chunkSize: 10, links: [link] }))
      ).toThrow(
        expect.objectContaining({
          name: 'InvalidManifestError',
          message: expect.stringMatching(reason)
        })
      )
    }

    const mixed = {
      v: 1,
      size: 20,
      chunkSize: 10,
      links: [await rawCid(1), CID.createV1(DAG_CBOR, digest)]
    }

    expect(() => decodeManifest(dagCbor.encode(mixed))).toThrow(/all chunks or all manifests/)
  })

  it('refuses garbage, more than MAX_LINKS links and blocks over 2 MiB', async () => {
    const link = await rawCid(1)
    const many = { v: 1, size: 10, chunkSize: 10, links: Array(MAX_LINKS + 1).fill(link) }

    expect(() => decodeManifest(Uint8Array.of(0xff, 0x00))).toThrow(
      expect.objectContaining({
        name: 'InvalidManifestError',
        message: expect.stringMatching(/^expected dag-cbor/)
      })
    )
    expect(() => decodeManifest(dagCbor.encode(many))).toThrow(
      /expected at most 8192 links, got 8193/
    )
    expect(() => decodeManifest(new Uint8Array(MAX_MANIFEST_BYTES + 1))).toThrow(
      /expected a manifest of at most 2097152 bytes, got 2097153/
    )
    expect(() => encodeManifest({ ...many, v: 1 })).toThrow(
      expect.objectContaining({ name: 'InvalidManifestError' })
    )
  })
})

describe('manifest builder and reader', () => {
  it('builds a tree with fanout 4 over 50 chunks and reads every leaf back in order', async () => {
    const store = memoryStore()
    const pieces = chunks(50, 10, 5)
    const { root, blocks, leaves } = await putObject(store, pieces, {
      chunkSize: 10,
      fanout: 4,
      name: 'data.bin'
    })

    // 13 manifests over the chunks, 4 over those, then the root
    expect(blocks).toHaveLength(18)
    expect(blocks.at(-1)?.cid.equals(root)).toBe(true)

    for (const block of blocks) {
      expect((await blockCid(block.bytes, DAG_CBOR)).equals(block.cid)).toBe(true)
      expect(decodeManifest(block.bytes).links.length).toBeLessThanOrEqual(4)
    }

    const top = decodeManifest(blocks.at(-1)?.bytes ?? new Uint8Array())

    expect(top).toMatchObject({ name: 'data.bin', size: 495, chunkSize: 10 })
    expect(top.links).toHaveLength(4)
    expect(decodeManifest(blocks[0]?.bytes ?? new Uint8Array())).not.toHaveProperty('name')

    const walked: Leaf[] = await collect(walkLeaves(root, store.fetch))

    expect(walked.map((leaf) => leaf.cid.toString())).toEqual(leaves.map(String))
    expect(walked.map((leaf) => leaf.size)).toEqual([...Array(49).fill(10), 5])
    expect(concat(await collect(readObject(root, store.fetch)))).toEqual(concat(pieces))
  })

  it('puts up to fanout chunks under the root alone, and groups one more', async () => {
    const store = memoryStore()
    const flat = await putObject(store, chunks(4, 10), { chunkSize: 10, fanout: 4 })
    const grouped = await putObject(store, chunks(5, 10, 1), { chunkSize: 10, fanout: 4 })

    expect(flat.blocks).toHaveLength(1)
    expect(decodeManifest(flat.blocks[0]?.bytes ?? new Uint8Array()).links).toHaveLength(4)
    expect(grouped.blocks).toHaveLength(3)
    expect(decodeManifest(grouped.blocks[0]?.bytes ?? new Uint8Array()).size).toBe(40)
    expect(decodeManifest(grouped.blocks[1]?.bytes ?? new Uint8Array()).size).toBe(1)
    expect(concat(await collect(readObject(grouped.root, store.fetch)))).toEqual(
      concat(chunks(5, 10, 1))
    )
  })

  it('builds an empty object as a root of size 0, and reads a lone raw block as an object', async () => {
    const store = memoryStore()
    const empty = await putObject(store, [], { chunkSize: 10 })
    const raw = await store.put(new Uint8Array(7).fill(7))

    expect(decodeManifest(empty.blocks[0]?.bytes ?? new Uint8Array())).toMatchObject({
      size: 0,
      links: []
    })
    expect(await collect(readObject(empty.root, store.fetch))).toEqual([])
    expect(await collect(walkLeaves(raw, store.fetch))).toEqual([{ cid: raw }])
    expect(await collect(readObject(raw, store.fetch))).toEqual([new Uint8Array(7).fill(7)])
  })

  it('refuses options, chunks and orders that would make a manifest no one reads', async () => {
    expect(() => new ManifestBuilder({ chunkSize: 0 })).toThrow(/expected chunkSize/)
    expect(() => new ManifestBuilder({ chunkSize: 10, fanout: 1 })).toThrow(
      expect.objectContaining({ name: 'InvalidConfigError' })
    )
    expect(() => new ManifestBuilder({ chunkSize: 10, fanout: MAX_LINKS + 1 })).toThrow(/fanout/)
    expect(() => new ManifestBuilder({ chunkSize: 10, name: 'a\nb' })).toThrow(
      expect.objectContaining({ name: 'InvalidConfigError' })
    )

    const one = await rawCid(1)
    const builder = new ManifestBuilder({ chunkSize: 10, fanout: 2 })

    expect(() => builder.add(CID.createV1(DAG_CBOR, one.multihash), 10)).toThrow(
      expect.objectContaining({ name: 'InvalidCidError' })
    )
    expect(() => builder.add(one, 11)).toThrow(
      expect.objectContaining({ name: 'InvalidManifestError' })
    )

    for (let i = 0; i < 16; i++) {
      builder.add(await rawCid(i), 10)
    }

    // fanout 2 and 4 levels hold 16 chunks
    expect(() => builder.add(one, 10)).toThrow(/expected at most 16 chunks/)

    const short = new ManifestBuilder({ chunkSize: 10 })
    short.add(await rawCid(1, 5), 5)

    expect(() => short.add(one, 10)).toThrow(
      /expected a short chunk \(5 of 10 bytes\) to be the last/
    )

    await short.finish()
    await expect(short.finish()).rejects.toHaveProperty('name', 'InvalidManifestError')
  })
})

describe('hostile manifests', () => {
  /** Two child manifests of two 10-byte chunks each; the caller builds the root. */
  async function twoChildren(store: ReturnType<typeof memoryStore>, sizes = [20, 20]) {
    const leaves = await Promise.all(chunks(4, 10).map((piece) => store.put(piece)))
    const first = await store.putNode({
      v: 1,
      size: sizes[0],
      chunkSize: 10,
      links: leaves.slice(0, 2)
    })
    const second = await store.putNode({
      v: 1,
      size: sizes[1],
      chunkSize: 10,
      links: leaves.slice(2)
    })

    return [first, second]
  }

  async function refusal(root: CID, fetch: (cid: CID) => Promise<Uint8Array>) {
    return collect(readObject(root, fetch)).then(
      () => {
        throw new Error('expected the object to be refused')
      },
      (err: Error) => err
    )
  }

  it('are refused when the children do not add up to the size', async () => {
    const store = memoryStore()
    const children = await twoChildren(store)
    const tooSmall = await store.putNode({ v: 1, size: 30, chunkSize: 10, links: children })
    const tooLarge = await store.putNode({ v: 1, size: 50, chunkSize: 10, links: children })
    const zero = await store.putNode({ v: 1, size: 0, chunkSize: 10, links: children })

    expect(await refusal(tooSmall, store.fetch)).toMatchObject({
      name: 'InvalidManifestError',
      message: expect.stringMatching(/to hold 1 to 10 bytes of .*, got size 20/)
    })
    expect(await refusal(tooLarge, store.fetch)).toMatchObject({
      name: 'InvalidManifestError',
      message: expect.stringMatching(/to hold its size of 50 bytes, they hold 40/)
    })
    expect(await refusal(zero, store.fetch)).toHaveProperty('name', 'InvalidManifestError')
  })

  it('are refused when a short chunk comes before the last', async () => {
    const store = memoryStore()
    const pieces = [new Uint8Array(10), new Uint8Array(5).fill(1), new Uint8Array(10).fill(2)]
    const leaves = await Promise.all(pieces.map((piece) => store.put(piece)))
    const first = await store.putNode({ v: 1, size: 15, chunkSize: 10, links: leaves.slice(0, 2) })
    const second = await store.putNode({ v: 1, size: 10, chunkSize: 10, links: leaves.slice(2) })
    const root = await store.putNode({ v: 1, size: 25, chunkSize: 10, links: [first, second] })

    expect(await refusal(root, store.fetch)).toMatchObject({
      name: 'InvalidManifestError',
      message: expect.stringMatching(/a short chunk before the last/)
    })
  })

  it('are refused when a chunk is not the size the manifest gives', async () => {
    const store = memoryStore()
    const leaves = await Promise.all(chunks(2, 10).map((piece) => store.put(piece)))
    const root = await store.putNode({ v: 1, size: 15, chunkSize: 10, links: leaves })

    expect(await refusal(root, store.fetch)).toMatchObject({
      name: 'InvalidManifestError',
      message: expect.stringMatching(/to hold 5 bytes as its manifest says, got 10/)
    })
  })

  it('are refused when nested deeper than four levels', async () => {
    const store = memoryStore()
    const leaf = await store.put(new Uint8Array(10))
    let top = await store.putNode({ v: 1, size: 10, chunkSize: 10, links: [leaf] })

    for (let level = 2; level <= 4; level++) {
      top = await store.putNode({ v: 1, size: 10, chunkSize: 10, links: [top] })
    }

    expect(await collect(readObject(top, store.fetch))).toEqual([new Uint8Array(10)])

    const fifth = await store.putNode({ v: 1, size: 10, chunkSize: 10, links: [top] })

    expect(await refusal(fifth, store.fetch)).toMatchObject({
      name: 'InvalidManifestError',
      message: expect.stringMatching(/expected at most 4 levels of manifests/)
    })
  })

  it('are refused with bad links, a named child, or another chunk size below', async () => {
    const store = memoryStore()
    const [first, second] = await twoChildren(store)
    const dagPb = CID.createV1(0x70, (await rawCid(1)).multihash)
    const badLink = await store.putNode({ v: 1, size: 10, chunkSize: 10, links: [dagPb] })
    const named = await store.putNode({
      v: 1,
      name: 'x',
      size: 10,
      chunkSize: 10,
      links: [await store.put(new Uint8Array(10))]
    })
    const underNamed = await store.putNode({ v: 1, size: 10, chunkSize: 10, links: [named] })
    const otherSize = await store.putNode({ v: 1, size: 40, chunkSize: 20, links: [first, second] })

    expect(await refusal(badLink, store.fetch)).toMatchObject({
      name: 'InvalidManifestError',
      message: expect.stringMatching(/^manifest bafy\S+: link 0: .*got codec 0x70/)
    })
    expect(await refusal(underNamed, store.fetch)).toMatchObject({
      name: 'InvalidManifestError',
      message: expect.stringMatching(/to have no name and chunkSize 10, got a name/)
    })
    expect(await refusal(otherSize, store.fetch)).toHaveProperty('name', 'InvalidManifestError')
    expect(await refusal(dagPb, store.fetch)).toHaveProperty('name', 'InvalidCidError')
  })

  it('are refused with a control character in the name', async () => {
    const store = memoryStore()
    const leaf = await store.put(new Uint8Array(10))
    const root = await store.putNode({
      v: 1,
      name: 'evil\u001b]0;pwned\u0007',
      size: 10,
      chunkSize: 10,
      links: [leaf]
    })
    const err = await refusal(root, store.fetch)

    expect(err.name).toBe('InvalidManifestError')
    expect(err.message).toContain("'evil\\u001b]0;pwned\\u0007'")
    expect(err.message).not.toMatch(/\p{Cc}/u)
  })

  it('are caught as corrupt when a block does not match its CID', async () => {
    const store = memoryStore()
    const { root, leaves } = await putObject(store, chunks(3, 10), { chunkSize: 10 })
    const swapped = new Map(store.blocks)
    swapped.set(
      root.toString(),
      encodeManifest({ v: 1, size: 10, chunkSize: 10, links: [leaves[0]!] })
    )

    const flipped = new Map(store.blocks)
    flipped.set(leaves[1]!.toString(), new Uint8Array(10).fill(9))

    const from = (blocks: Map<string, Uint8Array>) => async (cid: CID) =>
      blocks.get(cid.toString())!

    expect(await refusal(root, from(swapped))).toHaveProperty('name', 'CorruptBlockError')
    expect(await refusal(root, from(flipped))).toHaveProperty('name', 'CorruptBlockError')
  })
})
