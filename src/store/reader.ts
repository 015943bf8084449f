/**
 * Finds a block: this node's store first, then the cache of blocks fetched
 * before, then the block's owners (connected ones first), then the peers
 * after them on the ring (up to `READ_SPREAD` in all), where a block sits
 * for a while after membership changed. Every copy is checked against its CID; a bad one is skipped, and
 * a copy this node held that rotted is replaced with the good one found.
 */
import type { Logger } from '@libp2p/interface'
import type { LRUCache } from 'lru-cache'
import type { CID } from 'multiformats/cid'
import { BlockNotFoundError, CorruptBlockError, InvalidManifestError } from '../errors.js'
import { verifyBlock } from './block.js'
import { blockId, type LocalStore } from './local.js'
import { walkLeaves } from './manifest-walk.js'
import type { Placement } from './placement.js'

/** Chunks of an object fetched ahead of the one being read. */
export const READ_AHEAD = 4
/** Peers along the ring a read asks, owners first: a read costs the same in any size of mesh. */
export const READ_SPREAD = 8

export interface ReaderParts {
  self: string
  placement: Placement
  local: LocalStore
  cache: LRUCache<string, Uint8Array>
  /** Asks a peer for a block; undefined when it does not hold it. */
  fetch(peer: string, cid: CID): Promise<{ data: Uint8Array; replicas: number } | undefined>
  connected(peer: string): boolean
  defaultReplicas: number
  log: Logger
}

/** What reads did, for metrics and tests. */
export interface ReaderStats {
  /** Blocks found in this node's store, in the cache, and on other peers. */
  local: number
  cached: number
  remote: number
  /** Copies found corrupt: on this node's disk, or sent by a peer. */
  corruptLocal: number
  corruptRemote: number
  /** Copies on this node replaced after they were found corrupt. */
  replaced: number
}

export class BlockReader {
  private readonly parts: ReaderParts
  private readonly counters: ReaderStats = {
    local: 0,
    cached: 0,
    remote: 0,
    corruptLocal: 0,
    corruptRemote: 0,
    replaced: 0
  }

  constructor(parts: ReaderParts) {
    this.parts = parts
  }

  stats(): ReaderStats {
    return { ...this.counters }
  }

  /**
   * The bytes of a block, checked.
   *
   * @throws {BlockNotFoundError} when no peer asked holds a good copy
   */
  async block(cid: CID): Promise<Uint8Array> {
    let rotted = false

    try {
      const bytes = await this.parts.local.get(cid)

      if (bytes !== undefined) {
        this.counters.local++
        return bytes
      }
    } catch (err) {
      if (err instanceof CorruptBlockError) {
        this.counters.corruptLocal++
        rotted = true
      } else {
        // the copy may be fine (too many open files, say): read another, keep this one
        this.parts.log.error('could not read block %c from disk - %e', cid, err)
      }
    }

    const cached = this.parts.cache.get(blockId(cid))

    if (cached !== undefined) {
      this.counters.cached++
      return cached
    }

    const { data, replicas } = await this.fromPeers(cid)
    this.counters.remote++

    if (rotted) {
      await this.parts.local.put(cid, data, replicas)
      this.counters.replaced++
      this.parts.log('replaced corrupt block %c with a good copy', cid)
    } else {
      this.parts.cache.set(blockId(cid), data)
    }

    return data
  }

  /** A copy this node held was found corrupt while serving it: fetch a good one and keep it. */
  replace(cid: CID): void {
    this.counters.corruptLocal++
    this.fromPeers(cid)
      .then(async ({ data, replicas }) => {
        await this.parts.local.put(cid, data, replicas)
        this.counters.replaced++
        this.parts.log('replaced corrupt block %c with a good copy', cid)
      })
      .catch((err: Error) =>
        this.parts.log.error('could not replace corrupt block %c - %e', cid, err)
      )
  }

  /** The bytes of an object, chunk by chunk, with a few chunks fetched ahead. */
  async *object(root: CID): AsyncGenerator<Uint8Array, void, undefined> {
    const ahead: Array<{ promise: Promise<Uint8Array>; size?: number; cid: CID }> = []

    for await (const leaf of walkLeaves(root, (cid) => this.block(cid))) {
      const promise = this.block(leaf.cid)
      // a failure is seen when its turn comes; until then it must not count as unhandled
      promise.catch(() => {})
      ahead.push({
        promise,
        cid: leaf.cid,
        ...(leaf.size === undefined ? {} : { size: leaf.size })
      })

      if (ahead.length > READ_AHEAD) {
        yield await sized(ahead.shift())
      }
    }

    while (ahead.length > 0) {
      yield await sized(ahead.shift())
    }
  }

  private async fromPeers(cid: CID): Promise<{ data: Uint8Array; replicas: number }> {
    const { self, placement, connected } = this.parts
    const sequence = placement
      .sequence(cid)
      .slice(0, READ_SPREAD)
      .filter((peer) => peer !== self)
    const owners = new Set(placement.owners(cid, this.parts.defaultReplicas))
    // owners before the rest; among the owners, connected ones first
    const order = sequence
      .map((peer, index) => ({
        peer,
        index,
        rank: (owners.has(peer) ? 0 : 2) + (connected(peer) ? 0 : 1)
      }))
      .sort((a, b) => a.rank - b.rank || a.index - b.index)
    const errors: string[] = []

    for (const { peer } of order) {
      try {
        const found = await this.parts.fetch(peer, cid)

        if (found === undefined) {
          continue
        }

        await verifyBlock(cid, found.data)
        return found
      } catch (err) {
        if (err instanceof CorruptBlockError) {
          this.counters.corruptRemote++
        }

        errors.push(`${peer.slice(-8)}: ${(err as Error).message}`)
        this.parts.log.trace('fetching %c from %s failed - %e', cid, peer, err)
      }
    }

    const detail = errors.length > 0 ? ` (${errors.slice(0, 3).join('; ')})` : ''

    throw new BlockNotFoundError(
      `none of the ${order.length} peers asked holds block ${cid}${detail}`
    )
  }
}

async function sized(
  next: { promise: Promise<Uint8Array>; size?: number; cid: CID } | undefined
): Promise<Uint8Array> {
  if (next === undefined) {
    throw new Error('read-ahead queue is empty')
  }

  const bytes = await next.promise

  if (next.size !== undefined && bytes.byteLength !== next.size) {
    throw new InvalidManifestError(
      `expected chunk ${next.cid} to hold ${next.size} bytes as its manifest says, got ${bytes.byteLength}`
    )
  }

  return bytes
}
