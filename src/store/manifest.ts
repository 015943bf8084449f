/**
 * An object in the store is its chunks plus a manifest block (dag-cbor) that names them in order
 * and says how many bytes they hold. An object with more chunks than fit in one manifest gets a
 * tree: the chunks are grouped under child manifests, and those under the root.
 *
 * Manifests come from peers, so reading one checks it strictly and the walk bounds what a hostile
 * one can cost: one block of at most `MAX_MANIFEST_BYTES` per level, at most `MAX_DEPTH` levels,
 * and sizes that must add up, so a liar is caught before its claims are used.
 *
 * Pure apart from the `fetch` the caller passes in.
 */
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { InvalidCidError, InvalidConfigError, InvalidManifestError } from '../errors.js'
import { blockCid, checkCid, codecName, DAG_CBOR, RAW, verifyBlock } from './block.js'
import { MAX_CHUNK_SIZE } from './chunker.js'

/** The manifest schema version this code reads and writes. */
export const MANIFEST_VERSION = 1
/** Most links in one manifest, and the fanout of the tree unless the builder is given another. */
export const MAX_LINKS = 8_192
/** Largest manifest block read. 8,192 links take about 330 KiB. */
export const MAX_MANIFEST_BYTES = 2_097_152 // bytes, 2 MiB
/** Longest object name. */
export const MAX_NAME_LENGTH = 255 // characters
/** Most levels of manifests, the root included: 8,192⁴ chunks, beyond any real object. */
export const MAX_DEPTH = 4

/** One manifest block: the whole object at the root, a run of its bytes in a child. */
export interface Manifest {
  /** Schema version, `MANIFEST_VERSION`. */
  v: typeof MANIFEST_VERSION
  /** The object's name, such as its file name; on the root only. Shown to users, never a path. */
  name?: string
  /** Bytes of data under this manifest. */
  size: number
  /** Bytes in every chunk of the object but the last, which may be shorter. */
  chunkSize: number
  /** In order: chunks (raw), or child manifests (dag-cbor), never both. */
  links: CID[]
}

/** A block to store: its CID and its bytes. */
export interface Block {
  cid: CID
  bytes: Uint8Array
}

/** A chunk of an object as a walk finds it. */
export interface Leaf {
  cid: CID
  /** Bytes in the chunk, as the manifests say; unknown when the object is a lone raw block. */
  size?: number
}

/** Gets the bytes of a block from wherever it is kept. */
export type FetchBlock = (cid: CID) => Promise<Uint8Array>

const FIELDS = new Set(['v', 'name', 'size', 'chunkSize', 'links'])

/**
 * The block bytes of a manifest.
 *
 * @throws {InvalidManifestError} when `manifest` is not one `decodeManifest` would accept
 */
export function encodeManifest(manifest: Manifest): Uint8Array {
  const { v, name, size, chunkSize, links } = checkManifest(manifest)
  const bytes = dagCbor.encode(
    name === undefined ? { v, size, chunkSize, links } : { v, name, size, chunkSize, links }
  )

  if (bytes.byteLength > MAX_MANIFEST_BYTES) {
    throw new InvalidManifestError(
      `expected a manifest of at most ${MAX_MANIFEST_BYTES} bytes, got ${bytes.byteLength}`
    )
  }

  return bytes
}

/**
 * Reads a manifest block and checks everything that can be checked within it.
 *
 * @throws {InvalidManifestError} with the reason: too large, not dag-cbor, wrong version, a bad
 * field, a bad link, more than `MAX_LINKS` links, or a size its chunks cannot hold
 */
export function decodeManifest(bytes: Uint8Array): Manifest {
  if (bytes.byteLength > MAX_MANIFEST_BYTES) {
    throw new InvalidManifestError(
      `expected a manifest of at most ${MAX_MANIFEST_BYTES} bytes, got ${bytes.byteLength}`
    )
  }

  let value: unknown

  try {
    value = dagCbor.decode(bytes)
  } catch (err) {
    throw new InvalidManifestError(
      `expected dag-cbor, got bytes that do not decode: ${(err as Error).message}`,
      {
        cause: err
      }
    )
  }

  return checkManifest(value)
}

/** Options for `ManifestBuilder`. */
export interface ManifestBuilderInit {
  /** The object's name: at most `MAX_NAME_LENGTH` characters, none of them control characters. */
  name?: string
  /** Bytes in every chunk but the last, as the chunker cut them. */
  chunkSize: number
  /**
   * Most links in one manifest, from 2 to `MAX_LINKS`.
   *
   * @default 8192
   */
  fanout?: number
}

/** The manifests of an object, bottom-up: `blocks` ends with the root. */
export interface BuiltObject {
  root: CID
  blocks: Block[]
}

/**
 * Builds the manifests of an object from its chunks, added in order. Chunks beyond `fanout` are
 * grouped under child manifests as they come, so only one group of CIDs is held at a time.
 *
 * @example
 * ```ts
 * const builder = new ManifestBuilder({ name: 'data.bin', chunkSize: DEFAULT_CHUNK_SIZE })
 *
 * for await (const piece of chunk(fileSource('data.bin'))) {
 *   builder.add(await blockCid(piece), piece.byteLength)
 * }
 *
 * const { root, blocks } = await builder.finish()
 * ```
 */
export class ManifestBuilder {
  private readonly name: string | undefined
  private readonly chunkSize: number
  private readonly fanout: number
  /** Most chunks the tree can hold within `MAX_DEPTH` levels. */
  private readonly capacity: number
  /** Chunks not yet under a child manifest, and their bytes. */
  private leaves: CID[] = []
  private leafBytes = 0
  /** Child manifests over full groups of chunks, encoded; hashed in `finish`. */
  private readonly groups: Array<{ bytes: Uint8Array; size: number }> = []
  private chunks = 0
  private size = 0
  private lastChunk = 0
  private finished = false

  /** @throws {InvalidConfigError} when the name, the chunk size or the fanout is out of range */
  constructor(init: ManifestBuilderInit) {
    const problem = init.name === undefined ? undefined : nameProblem(init.name)

    if (problem !== undefined) {
      throw new InvalidConfigError(problem)
    }

    if (!isChunkSize(init.chunkSize)) {
      throw new InvalidConfigError(
        `expected chunkSize to be an integer from 1 to ${MAX_CHUNK_SIZE}, got ${init.chunkSize}`
      )
    }

    const fanout = init.fanout ?? MAX_LINKS

    if (!Number.isInteger(fanout) || fanout < 2 || fanout > MAX_LINKS) {
      throw new InvalidConfigError(
        `expected fanout to be an integer from 2 to ${MAX_LINKS}, got ${fanout}`
      )
    }

    this.name = init.name
    this.chunkSize = init.chunkSize
    this.fanout = fanout
    this.capacity = Math.min(fanout ** MAX_DEPTH, Number.MAX_SAFE_INTEGER)
  }

  /**
   * Adds the next chunk.
   *
   * @throws {InvalidCidError} when `cid` is not the CID of a raw chunk
   * @throws {InvalidManifestError} when the chunk cannot follow: a size out of range, a chunk
   * after a short one, or more chunks than the tree can hold
   */
  add(cid: CID, size: number): void {
    if (this.finished) {
      throw new InvalidManifestError('expected chunks before finish(), got one after')
    }

    checkCid(cid)

    if (cid.code !== RAW) {
      throw new InvalidCidError(
        `expected the CID of a raw chunk, got ${codecName(cid.code)} ${cid}`
      )
    }

    if (!Number.isInteger(size) || size < 1 || size > this.chunkSize) {
      throw new InvalidManifestError(
        `expected a chunk of 1 to ${this.chunkSize} bytes, got ${size}`
      )
    }

    if (this.chunks > 0 && this.lastChunk < this.chunkSize) {
      throw new InvalidManifestError(
        `expected a short chunk (${this.lastChunk} of ${this.chunkSize} bytes) to be the last, ` +
          'got another after it'
      )
    }

    if (this.chunks >= this.capacity || !Number.isSafeInteger(this.size + size)) {
      throw new InvalidManifestError(
        `expected at most ${this.capacity} chunks and ${Number.MAX_SAFE_INTEGER} bytes ` +
          `(fanout ${this.fanout}, ${MAX_DEPTH} levels), got more`
      )
    }

    if (this.leaves.length === this.fanout) {
      this.groups.push({ bytes: this.encode(this.leaves, this.leafBytes), size: this.leafBytes })
      this.leaves = []
      this.leafBytes = 0
    }

    this.leaves.push(cid)
    this.leafBytes += size
    this.chunks++
    this.size += size
    this.lastChunk = size
  }

  /**
   * Hashes and returns the manifests, children before their parents and the root last. An object
   * with no chunks gets a root of size 0 with no links.
   */
  async finish(): Promise<BuiltObject> {
    if (this.finished) {
      throw new InvalidManifestError('expected finish() once, got a second call')
    }

    this.finished = true
    const blocks: Block[] = []

    if (this.groups.length === 0) {
      const root = await seal(this.encode(this.leaves, this.size, this.name), blocks)

      return { root, blocks }
    }

    this.groups.push({ bytes: this.encode(this.leaves, this.leafBytes), size: this.leafBytes })
    let level: Array<{ cid: CID; size: number }> = []

    for (const group of this.groups) {
      level.push({ cid: await seal(group.bytes, blocks), size: group.size })
    }

    while (level.length > this.fanout) {
      const next: typeof level = []

      for (let start = 0; start < level.length; start += this.fanout) {
        const part = level.slice(start, start + this.fanout)
        const size = part.reduce((sum, child) => sum + child.size, 0)
        const links = part.map((child) => child.cid)

        next.push({ cid: await seal(this.encode(links, size), blocks), size })
      }

      level = next
    }

    const links = level.map((child) => child.cid)
    const root = await seal(this.encode(links, this.size, this.name), blocks)

    return { root, blocks }
  }

  private encode(links: CID[], size: number, name?: string): Uint8Array {
    const manifest: Manifest = { v: MANIFEST_VERSION, size, chunkSize: this.chunkSize, links }

    return encodeManifest(name === undefined ? manifest : { ...manifest, name })
  }
}

/** Hashes a manifest block, adds it to `blocks` and returns its CID. */
async function seal(bytes: Uint8Array, blocks: Block[]): Promise<CID> {
  const cid = await blockCid(bytes, DAG_CBOR)
  blocks.push({ cid, bytes })

  return cid
}

/**
 * The chunks of the object at `root`, in order, with their sizes. Fetches, verifies and checks
 * each manifest on the way; a raw `root` is an object of that one block. A bad manifest is caught
 * when the walk reaches it, so leaves before it may have been yielded.
 *
 * @throws {InvalidCidError} when `root` is not a CID mycel can hold
 * @throws {CorruptBlockError} when a fetched manifest does not match its CID
 * @throws {InvalidManifestError} when a manifest is invalid, nests deeper than `MAX_DEPTH`, or
 * holds sizes that do not add up
 */
export async function* walkLeaves(
  root: CID,
  fetch: FetchBlock
): AsyncGenerator<Leaf, void, undefined> {
  checkCid(root)

  if (root.code === RAW) {
    yield { cid: root }

    return
  }

  const manifest = await fetchManifest(root, fetch)

  yield* walk(root, manifest, 1, { offset: 0 }, fetch)
}

/**
 * The bytes of the object at `root`, chunk by chunk in order, each verified against its CID and
 * its size in the manifest.
 *
 * @throws {CorruptBlockError} when a block does not match its CID
 * @throws {InvalidManifestError} as `walkLeaves` does, or when a chunk's size is not the one its
 * manifest gives
 */
export async function* readObject(
  root: CID,
  fetch: FetchBlock
): AsyncGenerator<Uint8Array, void, undefined> {
  for await (const leaf of walkLeaves(root, fetch)) {
    const bytes = await fetch(leaf.cid)
    await verifyBlock(leaf.cid, bytes)

    if (leaf.size !== undefined && bytes.byteLength !== leaf.size) {
      throw new InvalidManifestError(
        `expected chunk ${leaf.cid} to hold ${leaf.size} bytes as its manifest says, ` +
          `got ${bytes.byteLength}`
      )
    }

    yield bytes
  }
}

/**
 * Yields the leaves under one manifest. `offset` counts the object's bytes walked so far: every
 * chunk must start at a multiple of the chunk size, so only the object's last chunk is short.
 */
async function* walk(
  cid: CID,
  manifest: Manifest,
  depth: number,
  position: { offset: number },
  fetch: FetchBlock
): AsyncGenerator<Leaf, void, undefined> {
  const { chunkSize } = manifest
  let remaining = manifest.size

  for (const link of manifest.links) {
    if (link.code === RAW) {
      if (position.offset % chunkSize !== 0) {
        throw new InvalidManifestError(
          `expected chunk ${link} to start at a multiple of ${chunkSize} bytes, ` +
            `got byte ${position.offset}: a short chunk before the last`
        )
      }

      // decodeManifest has checked that a manifest's chunks hold its size
      const size = Math.min(chunkSize, remaining)
      remaining -= size
      position.offset += size

      yield { cid: link, size }
      continue
    }

    if (depth >= MAX_DEPTH) {
      throw new InvalidManifestError(
        `expected at most ${MAX_DEPTH} levels of manifests, got more under ${cid}`
      )
    }

    const child = await fetchManifest(link, fetch)

    if (child.name !== undefined || child.chunkSize !== chunkSize) {
      throw new InvalidManifestError(
        `expected child manifest ${link} to have no name and chunkSize ${chunkSize}, ` +
          `got ${child.name === undefined ? 'no name' : 'a name'} and ${child.chunkSize}`
      )
    }

    if (child.size < 1 || child.size > remaining) {
      throw new InvalidManifestError(
        `expected child manifest ${link} to hold 1 to ${remaining} bytes of ${cid}, ` +
          `got size ${child.size}`
      )
    }

    yield* walk(link, child, depth + 1, position, fetch)
    remaining -= child.size
  }

  if (remaining !== 0) {
    throw new InvalidManifestError(
      `expected the links of ${cid} to hold its size of ${manifest.size} bytes, ` +
        `they hold ${manifest.size - remaining}`
    )
  }
}

/** Fetches, verifies and decodes one manifest; an invalid one is named in the error. */
async function fetchManifest(cid: CID, fetch: FetchBlock): Promise<Manifest> {
  const bytes = await fetch(cid)

  if (bytes.byteLength > MAX_MANIFEST_BYTES) {
    throw new InvalidManifestError(
      `expected manifest ${cid} to be at most ${MAX_MANIFEST_BYTES} bytes, got ${bytes.byteLength}`
    )
  }

  await verifyBlock(cid, bytes)

  try {
    return decodeManifest(bytes)
  } catch (err) {
    throw new InvalidManifestError(`manifest ${cid}: ${(err as Error).message}`, { cause: err })
  }
}

/** Checks a decoded value field by field and returns it as a manifest of only known fields. */
function checkManifest(value: unknown): Manifest {
  if (!isMap(value)) {
    throw new InvalidManifestError(`expected a map, got ${describe(value)}`)
  }

  const unknown = Object.keys(value).find((key) => !FIELDS.has(key))

  if (unknown !== undefined) {
    throw new InvalidManifestError(
      `expected only the fields v, name, size, chunkSize and links, got ${describe(unknown)}`
    )
  }

  const { v, name, size, chunkSize, links } = value

  if (v !== MANIFEST_VERSION) {
    throw new InvalidManifestError(`expected version ${MANIFEST_VERSION}, got ${describe(v)}`)
  }

  const problem = name === undefined ? undefined : nameProblem(name)

  if (problem !== undefined) {
    throw new InvalidManifestError(problem)
  }

  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw new InvalidManifestError(`expected size to be a safe integer >= 0, got ${describe(size)}`)
  }

  if (!isChunkSize(chunkSize)) {
    throw new InvalidManifestError(
      `expected chunkSize to be an integer from 1 to ${MAX_CHUNK_SIZE}, got ${describe(chunkSize)}`
    )
  }

  const cids = checkLinks(links)
  const count = cids.length

  if (count === 0 && size !== 0) {
    throw new InvalidManifestError(`expected size 0 for a manifest with no links, got ${size}`)
  }

  if (cids[0]?.code === RAW && (size <= (count - 1) * chunkSize || size > count * chunkSize)) {
    throw new InvalidManifestError(
      `expected ${count} chunks of up to ${chunkSize} bytes, all full but the last, to hold ` +
        `${(count - 1) * chunkSize + 1} to ${count * chunkSize} bytes, got size ${size}`
    )
  }

  const manifest: Manifest = { v: MANIFEST_VERSION, size, chunkSize, links: cids }

  return typeof name === 'string' ? { ...manifest, name } : manifest
}

/** The links as CIDs: at most `MAX_LINKS`, each one mycel can hold, all chunks or all manifests. */
function checkLinks(links: unknown): CID[] {
  if (!Array.isArray(links)) {
    throw new InvalidManifestError(`expected links to be a list, got ${describe(links)}`)
  }

  if (links.length > MAX_LINKS) {
    throw new InvalidManifestError(`expected at most ${MAX_LINKS} links, got ${links.length}`)
  }

  const cids = links.map((link: unknown, index) => {
    const cid = CID.asCID(link)

    if (cid === null) {
      throw new InvalidManifestError(`expected link ${index} to be a CID, got ${describe(link)}`)
    }

    try {
      checkCid(cid)
    } catch (err) {
      throw new InvalidManifestError(`link ${index}: ${(err as Error).message}`, { cause: err })
    }

    return cid
  })

  const mixed = cids.findIndex((cid) => cid.code !== cids[0]?.code)

  if (mixed !== -1) {
    throw new InvalidManifestError(
      `expected links to be all chunks or all manifests, got ${codecName(cids[0]?.code ?? 0)} ` +
        `then ${codecName(cids[mixed]?.code ?? 0)} at link ${mixed}`
    )
  }

  return cids
}

/** Why a name cannot be an object's name, or undefined when it can. */
function nameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') {
    return `expected name to be text, got ${describe(name)}`
  }

  if (name.length > MAX_NAME_LENGTH || /\p{Cc}/u.test(name)) {
    return (
      `expected a name of at most ${MAX_NAME_LENGTH} characters and no control characters, ` +
      `got ${describe(name)} (${name.length} characters)`
    )
  }

  return undefined
}

function isChunkSize(value: unknown): value is number {
  return (
    typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_CHUNK_SIZE
  )
}

function isMap(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array) &&
    CID.asCID(value) === null
  )
}

/** A value from a manifest as a message may show it: short, printable, no control characters. */
function describe(value: unknown): string {
  if (typeof value === 'string') {
    const escaped = value
      .slice(0, 32)
      .replace(/\p{Cc}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)

    return `'${escaped}${value.length > 32 ? '…' : ''}'`
  }

  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return String(value)
  }

  if (value === null || value === undefined) {
    return 'nothing'
  }

  if (Array.isArray(value)) {
    return `a list of ${value.length}`
  }

  if (value instanceof Uint8Array) {
    return `${value.byteLength} bytes`
  }

  return CID.asCID(value) === null ? 'a map' : `the CID ${CID.asCID(value)}`
}
