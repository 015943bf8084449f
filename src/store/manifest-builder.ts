/**
 * Writes the manifests of an object from its chunks, bottom-up, grouping chunks under child
 * manifests once there are more than fit in one. Pure.
 */
import type { CID } from 'multiformats/cid'
import { InvalidCidError, InvalidConfigError, InvalidManifestError } from '../errors.js'
import { blockCid, checkCid, codecName, DAG_CBOR, RAW } from './block.js'
import { MAX_CHUNK_SIZE } from './chunker.js'
import {
  type Block,
  encodeManifest,
  isChunkSize,
  MANIFEST_VERSION,
  MAX_DEPTH,
  MAX_LINKS,
  type Manifest,
  nameProblem
} from './manifest.js'

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
