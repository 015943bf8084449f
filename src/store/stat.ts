/**
 * What `stat` tells of an object: its manifest's name and size, its chunks
 * (and inner manifests), and where each block should be and is, asking each peer once about all
 * the blocks it may hold.
 */
import type { CID } from 'multiformats/cid'
import { DAG_CBOR } from './block.js'
import { blockId } from './local.js'
import { decodeManifest } from './manifest.js'
import { walkLeaves } from './manifest-walk.js'
import type { Placement } from './placement.js'
import type { Holding } from './protocol.js'

/** Peers along the ring `stat` asks about each chunk: its owners and a few after them. */
export const STAT_SPREAD = 8

export interface StatParts {
  placement: Placement
  /** The bytes of a block, from wherever it is. */
  block(cid: CID): Promise<Uint8Array>
  /** What a peer holds of these blocks. */
  have(peer: string, cids: CID[]): Promise<Holding[]>
}

/** What `stat` tells of an object. */
export interface ObjectStat {
  cid: string
  name?: string
  size: number
  chunkSize?: number
  /** The root block (the manifest, or the only block of a one-block object). */
  root: BlockPlacement
  /** The manifests under the root, in an object of more chunks than one manifest holds. */
  manifests: ChunkStat[]
  chunks: ChunkStat[]
}

/** Where a block should be and where it is. */
export interface BlockPlacement {
  /** The peers that should hold it, in ring order. */
  owners: string[]
  /** The peers asked that do hold it. */
  holders: string[]
}

export interface ChunkStat extends BlockPlacement {
  cid: string
  size?: number
}

/**
 * An object's size and chunks, and for its root and each chunk the peers
 * that own it and the peers that hold it, asking the owners and the next
 * few peers along the ring (up to `STAT_SPREAD` in all).
 */
export async function statObject(
  cid: CID,
  replicas: number,
  parts: StatParts
): Promise<ObjectStat> {
  const root = cid.code === DAG_CBOR ? decodeManifest(await parts.block(cid)) : undefined
  const leaves = []
  // a walk fetches manifests only, the root first: the rest are the tree's inner ones
  const fetched: CID[] = []

  for await (const leaf of walkLeaves(cid, (link) => {
    fetched.push(link)
    return parts.block(link)
  })) {
    leaves.push(leaf)
  }

  const inner = fetched.slice(1)
  const found = await placements(
    [cid, ...inner, ...leaves.map((leaf) => leaf.cid)],
    replicas,
    parts
  )
  const [rootPlacement] = found
  const manifests = inner.map((link, i) => ({
    cid: link.toString(),
    ...(found[1 + i] as BlockPlacement)
  }))
  const chunks = leaves.map((leaf, i) => ({
    cid: leaf.cid.toString(),
    ...(leaf.size === undefined ? {} : { size: leaf.size }),
    ...(found[1 + inner.length + i] as BlockPlacement)
  }))

  return {
    cid: cid.toString(),
    ...(root?.name === undefined ? {} : { name: root.name }),
    size: root?.size ?? chunks.reduce((sum, c) => sum + (c.size ?? 0), 0),
    ...(root === undefined ? {} : { chunkSize: root.chunkSize }),
    root: rootPlacement as BlockPlacement,
    manifests,
    chunks
  }
}

/** Who owns and who holds each block, asking each peer once about all the blocks it may hold. */
async function placements(
  cids: CID[],
  replicas: number,
  parts: StatParts
): Promise<BlockPlacement[]> {
  const spreads = cids.map((cid) => parts.placement.sequence(cid).slice(0, STAT_SPREAD))
  const asked = new Map<string, CID[]>()

  cids.forEach((cid, i) => {
    for (const peer of spreads[i] ?? []) {
      const list = asked.get(peer) ?? []
      list.push(cid)
      asked.set(peer, list)
    }
  })

  const held = new Map<string, Set<string>>()
  await Promise.all(
    [...asked].map(async ([peer, list]) => {
      const answers = await parts.have(peer, list).catch(() => [])
      held.set(peer, new Set(list.filter((_, i) => answers[i]?.held === true).map(blockId)))
    })
  )

  return cids.map((cid, i) => ({
    owners: parts.placement.owners(cid, replicas),
    holders: (spreads[i] ?? []).filter((peer) => held.get(peer)?.has(blockId(cid)) === true)
  }))
}
