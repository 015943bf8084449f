/**
 * An object in the store is its chunks plus a manifest block (dag-cbor) that names them in order
 * and says how many bytes they hold. An object with more chunks than fit in one manifest gets a
 * tree: the chunks are grouped under child manifests, and those under the root.
 *
 * Manifests come from peers, so reading one checks it strictly and the walk bounds what a hostile
 * one can cost: one block of at most `MAX_MANIFEST_BYTES` per level, at most `MAX_DEPTH` levels,
 * and sizes that must add up, so a liar is caught before its claims are used.
 *
 * This file holds the schema and its checks; `manifest-builder.ts` writes manifests and
 * `manifest-walk.ts` reads an object through them. Pure.
 */
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { InvalidManifestError } from '../errors.js'
import { checkCid, codecName, RAW } from './block.js'
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
export function nameProblem(name: unknown): string | undefined {
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

export function isChunkSize(value: unknown): value is number {
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
