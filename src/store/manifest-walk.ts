/**
 * Reads an object through its manifests: the chunks in order, each checked against its CID and
 * the size its manifest gives. The walk bounds what a hostile manifest can cost: one block of at
 * most `MAX_MANIFEST_BYTES` per level, at most `MAX_DEPTH` levels, and sizes that must add up.
 * Pure apart from the `fetch` the caller passes in.
 */
import type { CID } from 'multiformats/cid'
import { InvalidManifestError } from '../errors.js'
import { checkCid, RAW, verifyBlock } from './block.js'
import { decodeManifest, MAX_DEPTH, MAX_MANIFEST_BYTES, type Manifest } from './manifest.js'

/** A chunk of an object as a walk finds it. */
export interface Leaf {
  cid: CID
  /** Bytes in the chunk, as the manifests say; unknown when the object is a lone raw block. */
  size?: number
}

/** Gets the bytes of a block from wherever it is kept. */
export type FetchBlock = (cid: CID) => Promise<Uint8Array>

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
