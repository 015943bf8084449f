/**
 * A mesh node: one libp2p host in a private mesh, kept connected to its peers.
 * The daemon runs one; an application embeds one with `createMeshNode()`.
 */
import type { AbortOptions, Logger, PeerId, Startable } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { isLoopback } from '@libp2p/utils'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { TypedEventEmitter } from 'main-event'
import type { CID } from 'multiformats/cid'
import type { AdvertService } from '../adverts/service.js'
import type { MeshView } from '../adverts/view.js'
import { ListenFailedError, NotStartedError, PeerNotFoundError } from '../errors.js'
import type { MeshMetrics } from '../metrics/registry.js'
import { classifyDialError } from '../net/dial-errors.js'
import type { MeshLibp2p } from '../net/host.js'
import { encodeInvite, MAX_INVITE_ADDRS } from '../net/invite.js'
import type { DialFailedDetail } from '../net/keeper.js'
import type { Limits } from '../repo/limits.js'
import { acquireLock, releaseLock } from '../repo/lock.js'
import type { Repo } from '../repo/repo.js'
import type { MapHandle, TaskHandle } from '../scheduler/handle.js'
import type { MapItem, TaskService } from '../scheduler/service.js'
import type { TaskSpec } from '../scheduler/task.js'
import { parseCid } from '../store/block.js'
import type { BlockStore, ObjectStat, PutInput, PutOptions } from '../store/store.js'
import { VERSION } from '../version.js'
import {
  advertFigures,
  type ConnectedPeer,
  type KnownPeer,
  type LivePeer,
  type NodeStatus
} from './peers.js'

export type { ConnectedPeer, KnownPeer, LivePeer, NodeStatus } from './peers.js'

/** How long `dial()` and `findPeer()` wait unless given a signal. */
export const DEFAULT_DIAL_TIMEOUT = 10_000 // ms

export interface MeshNodeEvents {
  /** A first connection to a peer opened. */
  'peer:connected': CustomEvent<PeerId>
  /** The last connection to a peer closed. */
  'peer:disconnected': CustomEvent<PeerId>
  /** The connection keeper could not reach a peer; the error says why. */
  'dial:failed': CustomEvent<DialFailedDetail>
}

/** What a MeshNode is built from (see `createMeshNode()`). */
export interface MeshNodeParts {
  mesh: string
  swarmKey: Uint8Array
  libp2p: MeshLibp2p
  store: BlockStore
  tasks: TaskService
  limits: Limits
  metrics?: MeshMetrics
  repo?: Repo
}

/**
 * A node of the mesh. Build one with `createMeshNode()`; this class wires
 * the libp2p host, the data directory and the view together.
 */
export class MeshNode extends TypedEventEmitter<MeshNodeEvents> implements Startable {
  /** The mesh this node belongs to. */
  readonly mesh: string
  /** The node's peer id, stable across restarts when it has a data directory. */
  readonly peerId: PeerId
  /** The libp2p host underneath, for what this class does not cover. */
  readonly libp2p: MeshLibp2p
  /** The data directory, when the node has one. */
  readonly repo?: Repo
  /** The mesh's block store as this node sees it: its own blocks, the ring, repair. */
  readonly store: BlockStore
  /** The scheduler: the kinds this node runs, and the tasks it submitted. */
  readonly tasks: TaskService
  /** libp2p's and mycel's metrics, unless the node was made without (`metrics: false`). */
  readonly metrics?: MeshMetrics
  /** What the node lets its peers and API clients do (see `Limits`). */
  readonly limits: Limits
  private readonly swarmKey: Uint8Array
  private readonly log: Logger
  private startedAt = 0

  constructor(parts: MeshNodeParts) {
    super()
    this.mesh = parts.mesh
    this.swarmKey = parts.swarmKey
    this.libp2p = parts.libp2p
    this.peerId = parts.libp2p.peerId
    this.repo = parts.repo
    this.store = parts.store
    this.tasks = parts.tasks
    this.metrics = parts.metrics
    this.limits = parts.limits
    this.log = parts.libp2p.logger.forComponent('mycel:node')

    this.libp2p.addEventListener('peer:connect', (evt) => {
      this.safeDispatchEvent('peer:connected', { detail: evt.detail })
    })
    this.libp2p.addEventListener('peer:disconnect', (evt) => {
      this.safeDispatchEvent('peer:disconnected', { detail: evt.detail })
    })
    // a peer heard of through its advert may be one the keeper does not know yet
    this.view.addEventListener('peer:joined', (evt) => {
      this.libp2p.services.keeper.learnOf(peerIdFromString(evt.detail.peerId))
    })
    this.libp2p.services.keeper.addEventListener('dial:failed', (evt) => {
      this.safeDispatchEvent('dial:failed', { detail: evt.detail })
    })
  }

  readonly [Symbol.toStringTag] = 'mycel:mesh-node'

  isStarted(): boolean {
    return this.libp2p.status === 'started'
  }

  /**
   * Starts listening and joining the mesh.
   *
   * @throws {ListenFailedError} when a listen address is taken or not on this machine
   */
  async start(): Promise<void> {
    if (this.repo !== undefined) {
      await acquireLock(this.repo.dir)
    }

    try {
      // the store's figures go into the first advert
      await this.store.start()
      await this.libp2p.start()
      await this.tasks.start()
    } catch (err) {
      await this.stop().catch((stopErr: Error) => {
        this.log.error('stopping after a failed start failed - %e', stopErr)
      })
      throw listenError(err)
    }

    this.startedAt = Date.now()
    this.log('node %p started in mesh %s', this.peerId, this.mesh)
  }

  /** Leaves the mesh (telling the others), closes every connection and unlocks the data directory. */
  async stop(): Promise<void> {
    try {
      await this.tasks.stop()
      await this.store.stop()
      await this.libp2p.stop()
    } finally {
      if (this.repo !== undefined) {
        await releaseLock(this.repo.dir)
      }
    }

    this.log('node %p stopped', this.peerId)
  }

  /** The live peers of the mesh with their adverts, this node included. */
  get view(): MeshView {
    return this.libp2p.services.adverts.view
  }

  /** This node's resource adverts: what it tells the mesh, and what it refused. */
  get adverts(): AdvertService {
    return this.libp2p.services.adverts
  }

  /**
   * Stores data in the mesh: bytes, a stream of them, or a file path. The
   * data is cut into chunks, each kept on its owners on the ring; the CID
   * returned names the whole object.
   *
   * @throws {StoreFullError} when the mesh has no room for it; nothing is left behind
   * @example
   * ```ts
   * const cid = await node.put(new TextEncoder().encode('hello'), { name: 'hello.txt' })
   * const bytes = await node.getBytes(cid)
   * ```
   */
  put(input: PutInput, options?: PutOptions): Promise<CID> {
    return this.store.put(input, options)
  }

  /**
   * The bytes of an object, chunk by chunk, from the nearest copies; each
   * block is checked against its CID.
   *
   * @throws {InvalidCidError} when `cid` is not a CID mycel can hold
   * @throws {BlockNotFoundError} when no live peer holds a block of it
   */
  get(cid: CID | string): AsyncGenerator<Uint8Array, void, undefined> {
    return this.store.get(typeof cid === 'string' ? parseCid(cid) : cid)
  }

  /** The bytes of an object, whole (see `get`). */
  getBytes(cid: CID | string): Promise<Uint8Array> {
    return this.store.getBytes(typeof cid === 'string' ? parseCid(cid) : cid)
  }

  /**
   * Submits a task to the mesh. The nodes that run its kind and meet its
   * needs bid for it; the best bid wins, and this node sees it through.
   *
   * @throws {InvalidTaskError} when the spec is not valid
   * @example
   * ```ts
   * const task = node.submit({ kind: 'sha256', inputs: [cid] })
   * const { sha256 } = await task.result()
   * ```
   */
  submit(spec: TaskSpec): TaskHandle {
    return this.tasks.submit(spec)
  }

  /**
   * Submits one task of a kind per item, auctioned together in batches.
   *
   * @example
   * ```ts
   * const batch = node.map('sha256', cids)
   * const digests = await batch.results()
   * ```
   */
  map(
    kind: string,
    items: Iterable<MapItem>,
    options?: Omit<TaskSpec, 'kind' | 'args' | 'inputs'>
  ): MapHandle {
    return this.tasks.map(kind, items, options)
  }

  /** An object's name, size and chunks, with the peers that own and hold each chunk. */
  stat(cid: CID | string): Promise<ObjectStat> {
    return this.store.stat(typeof cid === 'string' ? parseCid(cid) : cid)
  }

  /** The addresses others can dial this node on, each ending in `/p2p/<peer id>`. */
  get multiaddrs(): Multiaddr[] {
    return this.libp2p.getMultiaddrs()
  }

  /** The peers this node is connected to now. */
  get peers(): PeerId[] {
    return this.libp2p.getPeers()
  }

  /** The peers this node is connected to, with their connections. */
  connections(): ConnectedPeer[] {
    const byPeer = new Map<string, ConnectedPeer>()

    for (const conn of this.libp2p.getConnections()) {
      const id = conn.remotePeer.toString()
      const opened = conn.timeline.open
      const peer = byPeer.get(id)

      if (peer === undefined) {
        byPeer.set(id, {
          peerId: id,
          addresses: [conn.remoteAddr.toString()],
          direction: conn.direction,
          since: opened
        })
        continue
      }

      peer.addresses.push(conn.remoteAddr.toString())

      if (opened < peer.since) {
        peer.since = opened
        peer.direction = conn.direction
      }
    }

    return [...byPeer.values()]
  }

  /** The live peers of the view with their latest figures, this node first. */
  livePeers(now = Date.now()): LivePeer[] {
    const self = this.peerId.toString()
    const addresses = new Map(this.connections().map((peer) => [peer.peerId, peer.addresses[0]]))

    return this.view
      .entries()
      .map(({ peerId, advert, receivedAt }) => ({
        peerId,
        self: peerId === self,
        ...(addresses.has(peerId) ? { address: addresses.get(peerId) } : {}),
        ageMs: Math.max(0, now - receivedAt),
        ...advertFigures(advert)
      }))
      .sort((a, b) => Number(b.self) - Number(a.self) || a.peerId.localeCompare(b.peerId))
  }

  /** Every peer the peer store remembers, with its addresses. */
  async knownPeers(options?: AbortOptions): Promise<KnownPeer[]> {
    const connected = new Set(this.peers.map((id) => id.toString()))
    const peers = await this.libp2p.peerStore.all(options)

    return peers.map((peer) => ({
      peerId: peer.id.toString(),
      addresses: peer.addresses.map(({ multiaddr }) => multiaddr.toString()),
      connected: connected.has(peer.id.toString())
    }))
  }

  /**
   * Connects to a peer by address or peer id.
   *
   * @throws {SwarmKeyMismatchError} when the peer answers but is not in this mesh
   * @throws {DialFailedError} when it cannot be reached
   */
  async dial(target: Multiaddr | PeerId | string, options: AbortOptions = {}): Promise<void> {
    const signal = options.signal ?? AbortSignal.timeout(DEFAULT_DIAL_TIMEOUT)
    const to = typeof target === 'string' ? multiaddr(target) : target

    try {
      await this.libp2p.dial(to, { signal })
    } catch (err) {
      throw classifyDialError(err, target.toString())
    }
  }

  /**
   * Asks the DHT for a peer's addresses, without looking in the local peer store.
   *
   * @throws {PeerNotFoundError} when no peer in the mesh knows them
   */
  async findPeer(peerId: PeerId, options: AbortOptions = {}): Promise<Multiaddr[]> {
    const signal = options.signal ?? AbortSignal.timeout(DEFAULT_DIAL_TIMEOUT)

    try {
      const info = await this.libp2p.peerRouting.findPeer(peerId, { signal, useCache: false })

      if (info.multiaddrs.length > 0) {
        return info.multiaddrs
      }
    } catch (err) {
      throw new PeerNotFoundError(`no peer in the mesh knows the addresses of ${peerId}`, {
        cause: err
      })
    }

    throw new PeerNotFoundError(`no peer in the mesh knows the addresses of ${peerId}`)
  }

  /**
   * A token another node joins this mesh with (`mycel join <token>` or
   * `createMeshNode({ join })`). It carries the swarm key: treat it as a secret.
   *
   * @throws {NotStartedError} when the node is not listening yet
   */
  invite(): string {
    if (!this.isStarted()) {
      throw new NotStartedError('start the node before inviting others: it has no addresses yet')
    }

    if (this.multiaddrs.length === 0) {
      throw new NotStartedError('this node listens on no address, so no one could join through it')
    }

    // addresses others can reach come first: not loopback, and TCP before WebSockets
    const rank = (ma: Multiaddr): number =>
      (isLoopback(ma) ? 2 : 0) + (ma.toString().includes('/ws') ? 1 : 0)
    const addrs = [...this.multiaddrs]
      .sort((a, b) => rank(a) - rank(b))
      .slice(0, MAX_INVITE_ADDRS)
      .map((ma) => ma.toString())

    return encodeInvite({ mesh: this.mesh, swarmKey: this.swarmKey, addrs })
  }

  /** What `mycel status` shows. */
  status(): NodeStatus {
    return {
      peerId: this.peerId.toString(),
      mesh: this.mesh,
      version: VERSION,
      addresses: this.multiaddrs.map((ma) => ma.toString()),
      startedAt: this.startedAt,
      uptimeMs: this.isStarted() ? Date.now() - this.startedAt : 0,
      connections: this.libp2p.getConnections().length,
      peers: this.peers.length,
      meshSize: this.view.size,
      store: {
        blocks: this.store.local.count,
        used: this.store.local.used,
        quota: this.store.local.quota,
        ringMembers: this.store.placement.ring.size
      }
    }
  }
}

/**
 * libp2p lists each address it could not listen on as `<addr>: <error>` after
 * a long preamble, with stack lines mixed in; keep the address lines.
 */
function listenError(err: unknown): unknown {
  if (!(err instanceof Error) || err.name !== 'UnsupportedListenAddressesError') {
    return err
  }

  const failures = err.message
    .split('\n')
    .slice(1)
    .map((line) => line.trim())
    .filter((line) => line.startsWith('/'))
    .map((line) => line.replace(': Error: ', ': '))

  return new ListenFailedError(`cannot listen on ${failures.join('; ')}`, { cause: err })
}
