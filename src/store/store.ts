import { basename } from 'node:path'
import type { ComponentLogger, Logger, Metrics, PeerId } from '@libp2p/interface'
import type { ConnectionManager, Registrar } from '@libp2p/interface-internal'
import type { Blockstore } from 'interface-blockstore'
import type { Datastore } from 'interface-datastore'
import { LRUCache } from 'lru-cache'
import type { CID } from 'multiformats/cid'
import type { Store } from '../adverts/pb/advert.js'
import type { MeshView } from '../adverts/view.js'
import { StoreFullError } from '../errors.js'
import { perSecond } from '../net/rate.js'
import { protocolId } from '../net/wire-names.js'
import { Rpc, type RpcStats } from '../rpc/index.js'
import { blockCid, DAG_CBOR } from './block.js'
import { type ChunkSource, chunk, MAX_CHUNK_SIZE } from './chunker.js'
import { fileSource } from './file-source.js'
import { assertReplicas, type ResolvedStoreInit, resolveStoreInit, type StoreInit } from './init.js'
import { blockId, LocalStore } from './local.js'
import { decodeManifest } from './manifest.js'
import { ManifestBuilder } from './manifest-builder.js'
import { registerStoreMetrics } from './metrics.js'
import { StorePeers } from './peers.js'
import { Placement } from './placement.js'
import { blockHandlers } from './protocol.js'
import { sizeOf, Window } from './put-window.js'
import { BlockReader, type ReaderStats } from './reader.js'
import { Repairer, type RepairStats } from './repair.js'
import { PutSessions } from './sessions.js'
import { type ObjectStat, statObject } from './stat.js'
import { ObjectWriter } from './writer.js'

/** Blocks of one put written at once. */
export const PUT_WINDOW = 8
/** Block requests a node serves at once on one stream. */
export const BLOCK_REQUESTS_IN_FLIGHT = 16
/** Largest message of the block protocol: a chunk of the largest size and its framing. */
export const MAX_BLOCK_MESSAGE = MAX_CHUNK_SIZE + 4_096

/** What `put` stores: bytes, a stream of them, or the path of a file. */
export type PutInput = ChunkSource | string

export interface PutOptions {
  /** A name for the object, such as a file name; a file's own name by default. */
  name?: string
  /** Copies to keep; the store's default (3) unless given. */
  replicas?: number
  /** The size of the input when it is a stream, so a put that cannot fit fails before it starts. */
  size?: number
  /** Called as chunks are written, with the bytes written so far. */
  onProgress?(bytes: number): void
}

export type { BlockPlacement, ChunkStat, ObjectStat } from './stat.js'

/** What the store holds and did, for the API, metrics and tests. */
export interface StoreStats {
  blocks: number
  used: number
  quota: number
  free: number
  cache: { blocks: number; bytes: number }
  /** Peers on the ring, this one included when it stores data. */
  ring: { members: number }
  reads: ReaderStats
  repair: RepairStats
  protocol: RpcStats
}

export interface BlockStoreComponents {
  peerId: PeerId
  registrar: Pick<Registrar, 'handle' | 'unhandle'>
  connectionManager: Pick<ConnectionManager, 'openConnection' | 'getConnections'>
  logger: ComponentLogger
  /** Where the store's figures are exposed, when the node collects metrics. */
  metrics?: Metrics
}

export interface BlockStoreParts {
  mesh: string
  view: MeshView
  /** Where the store's figures go into this node's adverts. */
  adverts: { setStore(store: Store): void }
  blockstore: Blockstore
  datastore: Datastore
  /** Whether blocks live on disk (a data directory) or in memory. */
  onDisk: boolean
  /** Requests one peer may send a second on the block protocol; twice as many at once. */
  requestsPerSecond?: number
  /** Streams of the block protocol one peer may hold open per connection. */
  streamsPerConnection?: number
}

export class BlockStore {
  readonly placement: Placement
  readonly local: LocalStore
  private readonly init: ResolvedStoreInit
  private readonly parts: BlockStoreParts
  private readonly self: string
  private readonly rpc: Rpc
  private readonly cache: LRUCache<string, Uint8Array>
  private readonly reader: BlockReader
  private readonly repairer: Repairer
  private readonly sessions = new PutSessions()
  private readonly background = new Set<Promise<void>>()
  private readonly peers: StorePeers
  private readonly log: Logger

  constructor(components: BlockStoreComponents, parts: BlockStoreParts, init: StoreInit = {}) {
    this.parts = parts
    this.init = resolveStoreInit(init, parts.onDisk)
    this.self = components.peerId.toString()
    this.log = components.logger.forComponent('mycel:store')
    this.placement = new Placement(parts.view)
    this.local = new LocalStore({
      blockstore: parts.blockstore,
      datastore: parts.datastore,
      quota: this.init.quota,
      defaultReplicas: this.init.replicas,
      onChange: () => this.advertise(),
      log: this.log
    })
    this.cache = new LRUCache<string, Uint8Array>({
      maxSize: Math.max(1, this.init.cacheBytes),
      sizeCalculation: (bytes) => Math.max(1, bytes.byteLength)
    })
    this.reader = new BlockReader({
      self: this.self,
      placement: this.placement,
      local: this.local,
      cache: this.cache,
      fetch: (peer, cid) => this.peers.fetch(peer, cid),
      connected: (peer) => this.peers.connected(peer),
      defaultReplicas: this.init.replicas,
      log: this.log
    })
    this.rpc = new Rpc(
      { ...components, log: this.log.newScope('rpc') },
      {
        protocol: protocolId(parts.mesh, 'blocks'),
        maxMessageBytes: MAX_BLOCK_MESSAGE,
        // each answer may hold a block: this bounds what one stream can make the node hold
        maxInFlight: BLOCK_REQUESTS_IN_FLIGHT,
        idleTimeout: this.init.streamIdleTimeout,
        ...(parts.streamsPerConnection === undefined
          ? {}
          : { maxInboundStreams: parts.streamsPerConnection }),
        ...(parts.requestsPerSecond === undefined
          ? {}
          : { rateLimits: { all: perSecond(parts.requestsPerSecond) } }),
        handlers: blockHandlers({
          local: this.local,
          sessions: this.sessions,
          cached: (cid) => this.cache.get(blockId(cid)),
          corrupt: (cid) => this.reader.replace(cid),
          owns: (block) => this.placement.owners(block.cid, block.replicas).includes(this.self),
          committed: () => this.repairer.schedule('changed'),
          log: this.log
        })
      }
    )
    this.peers = new StorePeers({
      self: this.self,
      rpc: this.rpc,
      local: this.local,
      sessions: this.sessions,
      defaultReplicas: this.init.replicas,
      connections: (peer) => components.connectionManager.getConnections(peer).length,
      committed: () => this.repairer.schedule('changed')
    })
    this.repairer = new Repairer({
      self: this.self,
      placement: this.placement,
      local: this.local,
      inPut: (cid) => this.sessions.isOpen(blockId(cid), Date.now()),
      have: (peer, cids) => this.peers.have(peer, cids),
      push: async (peer, cid, bytes, replicas) => {
        await this.peers.write(peer, cid, bytes, replicas, new Uint8Array(0))
      },
      rate: this.init.repairRate,
      settleTime: this.init.settleTime,
      interval: this.init.repairInterval,
      log: this.log.newScope('repair')
    })
    this.placement.addEventListener('changed', () => {
      this.peers.forget()
      this.repairer.schedule('changed')
    })

    if (components.metrics !== undefined) {
      registerStoreMetrics(components.metrics, () => this.stats())
    }
  }

  async start(): Promise<void> {
    await this.local.open()
    await this.rpc.start()
    this.placement.start()
    this.repairer.start()
    this.advertise()
  }

  async stop(): Promise<void> {
    this.placement.stop()
    await this.repairer.stop()
    await Promise.allSettled([...this.background])
    await this.rpc.stop()
  }

  /**
   * Stores an object in the mesh and returns the CID that names it: its
   * manifest's, or, for an object of one chunk and no name, that chunk's own
   * raw CID (as Kubo does for a small file with raw leaves), so that a task's
   * input can be one block that lives whole on its owners.
   *
   * @throws {StoreFullError} when the mesh has no room for it (nothing of it is left behind)
   * @throws {QuorumNotReachedError} when too few owners took a block (nothing is left behind)
   */
  async put(input: PutInput, options: PutOptions = {}): Promise<CID> {
    const replicas = assertReplicas(options.replicas ?? this.init.replicas)
    const source = typeof input === 'string' ? fileSource(input) : input
    const name = options.name ?? (typeof input === 'string' ? basename(input) : undefined)
    const size = options.size ?? (await sizeOf(input))

    if (size !== undefined) {
      this.checkRoom(size, replicas)
    }

    const session = crypto.getRandomValues(new Uint8Array(16))
    const writer = new ObjectWriter(
      {
        self: this.self,
        placement: this.placement,
        write: (peer, cid, bytes, r, id) => this.peers.write(peer, cid, bytes, r, id),
        abort: (peer, id) => this.peers.abort(peer, id),
        commit: (peer, id) => this.peers.commit(peer, id),
        writeQuorum: this.init.writeQuorum,
        log: this.log
      },
      replicas,
      session
    )
    const builder = new ManifestBuilder({
      chunkSize: this.init.chunkSize,
      ...(name === undefined ? {} : { name })
    })

    try {
      let written = 0
      let chunks = 0
      let single: CID | undefined
      const window = new Window(PUT_WINDOW)

      for await (const piece of chunk(source, this.init.chunkSize)) {
        const cid = await blockCid(piece)
        chunks++
        single ??= cid
        builder.add(cid, piece.byteLength)
        await window.add(
          writer.writeBlock(cid, piece).then(() => {
            written += piece.byteLength
            options.onProgress?.(written)
          })
        )
        // copies past their quorum still hold their chunk: bound them too
        await writer.throttle(PUT_WINDOW * replicas)
      }

      await window.drain()

      if (single !== undefined && chunks === 1 && name === undefined) {
        this.log('put %c: %d bytes as one raw block, %d copies', single, written, replicas)
        this.track(writer.commit())

        return single
      }

      const { root, blocks } = await builder.finish()

      for (const block of blocks) {
        await writer.writeBlock(block.cid, block.bytes)
      }

      this.log('put %c: %d bytes, %d copies', root, written, replicas)
      // the last copies land in the background; then the put is committed everywhere
      this.track(writer.commit())

      return root
    } catch (err) {
      await writer.abort()
      throw err
    }
  }

  /** The bytes of an object, chunk by chunk, each checked against its CID. */
  get(cid: CID): AsyncGenerator<Uint8Array, void, undefined> {
    return this.reader.object(cid)
  }

  /** The bytes of an object, whole. */
  async getBytes(cid: CID): Promise<Uint8Array> {
    const parts: Uint8Array[] = []

    for await (const part of this.get(cid)) {
      parts.push(part)
    }

    return Buffer.concat(parts)
  }

  /** An object's name and size, from its manifest; nothing for an object of one raw block. */
  async describe(cid: CID): Promise<{ name?: string; size?: number }> {
    if (cid.code !== DAG_CBOR) {
      return {}
    }

    const { name, size } = decodeManifest(await this.reader.block(cid))

    return { size, ...(name === undefined ? {} : { name }) }
  }

  /**
   * An object's size and chunks, and for its root and each chunk the peers
   * that own it and the peers that hold it (see `statObject`).
   */
  stat(cid: CID, replicas = this.init.replicas): Promise<ObjectStat> {
    return statObject(cid, replicas, {
      placement: this.placement,
      block: (link) => this.reader.block(link),
      have: (peer, cids) => this.peers.have(peer, cids)
    })
  }

  stats(): StoreStats {
    return {
      blocks: this.local.count,
      used: this.local.used,
      quota: this.local.quota,
      free: this.local.free,
      cache: { blocks: this.cache.size, bytes: this.cache.calculatedSize },
      ring: { members: this.placement.ring.size },
      reads: this.reader.stats(),
      repair: this.repairer.stats(),
      protocol: this.rpc.stats()
    }
  }

  private checkRoom(size: number, replicas: number): void {
    const members = this.placement.ring.members()
    const copies = Math.min(replicas, members.length)
    const free = members.reduce((sum, { id }) => sum + this.freeOn(id), 0)

    if (members.length === 0 || size * copies > free) {
      throw new StoreFullError(
        `not enough room in the mesh: ${mib(size)} × ${copies} copies need ${mib(size * copies)}, ` +
          `and the ${members.length} nodes that store data have ${mib(free)} free`
      )
    }
  }

  /** Room a node has: what its quota leaves, and no more than its disk has free. */
  private freeOn(peer: string): number {
    const advert = this.parts.view.get(peer)?.advert
    const disk = advert?.disk?.free ?? Number.POSITIVE_INFINITY

    if (peer === this.self) {
      return Math.min(this.local.free, disk)
    }

    const store = advert?.store

    return Math.min(Math.max(0, (store?.capacity ?? 0) - (store?.used ?? 0)), disk)
  }

  /** Keeps a background task until it ends, so that `stop()` can wait for it. */
  private track(task: Promise<void>): void {
    const tracked = task
      .catch((err: Error) => this.log.error('background store work failed - %e', err))
      .finally(() => this.background.delete(tracked))
    this.background.add(tracked)
  }

  private advertise(): void {
    this.parts.adverts.setStore({
      capacity: this.local.quota,
      used: this.local.used,
      blocks: this.local.count
    })
  }
}

function mib(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(1)} MiB`
}
