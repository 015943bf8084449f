/**
 * The connection keeper: keeps a node connected to enough of its mesh.
 *
 * libp2p 3 neither dials the peers it learns of nor holds a minimum number of
 * connections. The keeper does both: whenever the node holds fewer than
 * `target` peers it dials known peers from the peer store (bootstrap and mDNS
 * finds, DHT results, and what a restarted node remembers from disk), backing
 * off from peers that fail. When it knows no one else to dial it walks the
 * DHT for peers near its own id, or near a random key, to learn of more.
 */
import type { AbortOptions, Logger, PeerId, Startable } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { TypedEventEmitter } from 'main-event'
import { classifyDialError } from './dial-errors.js'
import {
  chooseDialTargets,
  DEFAULT_BACKOFF_BASE,
  DEFAULT_BACKOFF_MAX,
  type DialFailure,
  nextWalkDelay,
  recordFailure
} from './dial-policy.js'
import {
  type ConnectionKeeperComponents,
  type ConnectionKeeperEvents,
  type ConnectionKeeperInit,
  DEFAULT_KEEPER_DIAL_TIMEOUT,
  DEFAULT_KEEPER_INTERVAL,
  DEFAULT_PARALLEL_DIALS,
  DEFAULT_TARGET_CONNECTIONS,
  DEFAULT_WALK_MAX,
  DEFAULT_WALK_MIN
} from './keeper-init.js'
import { lifetimeController, timeoutSignal } from './lifetime.js'

export * from './keeper-init.js'

/** How long one DHT walk may take. */
const WALK_TIMEOUT = 10_000 // ms
/** Failure records kept; the oldest go first. */
const MAX_FAILURE_RECORDS = 1_024

/** Keeps the node connected to `target` peers of its mesh; see the top of this file. */
export class ConnectionKeeper
  extends TypedEventEmitter<ConnectionKeeperEvents>
  implements Startable
{
  private readonly components: ConnectionKeeperComponents
  private readonly log: Logger
  private readonly target: number
  private readonly interval: number
  private readonly parallelDials: number
  private readonly dialTimeout: number
  private readonly backoff: { backoffBase: number; backoffMax: number }
  private readonly walkLimits: { min: number; max: number }
  private readonly dialing = new Set<string>()
  /** Peers heard of elsewhere whose addresses are being looked up. */
  private readonly looking = new Set<string>()
  private readonly failures = new Map<string, DialFailure>()
  private controller = lifetimeController()
  private timer?: ReturnType<typeof setTimeout>
  private ticking = false
  private tickAgain = false
  private walking = false
  private walkDelay: number
  private nextWalkAt = 0
  private started = false

  constructor(components: ConnectionKeeperComponents, init: ConnectionKeeperInit = {}) {
    super()
    this.components = components
    this.log = components.logger.forComponent('mycel:net:keeper')
    this.target = init.target ?? DEFAULT_TARGET_CONNECTIONS
    this.interval = init.interval ?? DEFAULT_KEEPER_INTERVAL
    this.parallelDials = init.parallelDials ?? DEFAULT_PARALLEL_DIALS
    this.dialTimeout = init.dialTimeout ?? DEFAULT_KEEPER_DIAL_TIMEOUT
    this.backoff = {
      backoffBase: init.backoffBase ?? DEFAULT_BACKOFF_BASE,
      backoffMax: init.backoffMax ?? DEFAULT_BACKOFF_MAX
    }
    this.walkLimits = init.walk ?? { min: DEFAULT_WALK_MIN, max: DEFAULT_WALK_MAX }
    this.walkDelay = this.walkLimits.min
    this.onChange = this.onChange.bind(this)
    this.onDisconnect = this.onDisconnect.bind(this)
  }

  readonly [Symbol.toStringTag] = 'mycel:connection-keeper'

  isStarted(): boolean {
    return this.started
  }

  start(): void {
    this.started = true
    this.controller = lifetimeController()
  }

  /** Begins keeping connections once every other service has started. */
  afterStart(): void {
    if (this.target <= 0) {
      return
    }

    this.nextWalkAt = Date.now() + this.walkLimits.min
    this.components.events.addEventListener('peer:discovery', this.onChange)
    this.components.events.addEventListener('peer:disconnect', this.onDisconnect)
    this.schedule(0)
  }

  stop(): void {
    this.started = false
    this.controller.abort()
    clearTimeout(this.timer)
    this.components.events.removeEventListener('peer:discovery', this.onChange)
    this.components.events.removeEventListener('peer:disconnect', this.onDisconnect)
    this.dialing.clear()
    this.looking.clear()
  }

  /**
   * A peer heard of elsewhere (its advert reached us through the mesh): while
   * the node is short of connections, look its addresses up in the DHT if the
   * peer store lacks them, so the next check can dial it. Quicker than
   * waiting for a DHT walk to turn it up.
   */
  learnOf(peer: PeerId): void {
    const id = peer.toString()
    const connections = this.components.connectionManager.getConnections()

    if (
      !this.started ||
      id === this.components.peerId.toString() ||
      this.looking.has(id) ||
      this.looking.size >= this.parallelDials ||
      new Set(connections.map((c) => c.remotePeer.toString())).size >= this.target ||
      connections.some((c) => c.remotePeer.equals(peer)) ||
      (this.failures.get(id)?.retryAt ?? 0) > Date.now()
    ) {
      return
    }

    this.looking.add(id)
    this.lookUp(peer)
      .catch((err: Error) => {
        this.log('could not look up %p - %e', peer, err)
      })
      .finally(() => {
        this.looking.delete(id)
        this.schedule(0)
      })
  }

  private async lookUp(peer: PeerId): Promise<void> {
    const known = await this.components.peerStore.get(peer).catch(() => undefined)

    if ((known?.addresses.length ?? 0) > 0) {
      return
    }

    // the peer router stores the addresses it finds
    await this.components.peerRouting.findPeer(peer, {
      signal: timeoutSignal(this.controller.signal, WALK_TIMEOUT)
    })
  }

  private onChange(): void {
    this.schedule(0)
  }

  private onDisconnect(): void {
    // a lost peer may mean the mesh changed: look for new peers soon
    this.walkDelay = this.walkLimits.min
    this.nextWalkAt = Math.min(this.nextWalkAt, Date.now() + this.walkLimits.min)
    this.schedule(0)
  }

  private schedule(delay: number): void {
    if (!this.started) {
      return
    }

    if (this.ticking) {
      this.tickAgain = true
      return
    }

    clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      this.tick().catch((err: Error) => {
        this.log.error('connection check failed - %e', err)
      })
    }, delay)
  }

  private async tick(): Promise<void> {
    this.ticking = true

    try {
      await this.fillConnections()
    } finally {
      this.ticking = false
      this.schedule(this.tickAgain ? 0 : this.interval)
      this.tickAgain = false
    }
  }

  private async fillConnections(): Promise<void> {
    const connected = new Set(
      this.components.connectionManager.getConnections().map((c) => c.remotePeer.toString())
    )
    const missing = this.target - connected.size - this.dialing.size

    if (missing <= 0) {
      return
    }

    const known = await this.components.peerStore.all({ signal: this.controller.signal })
    const now = Date.now()
    const targets = chooseDialTargets({
      self: this.components.peerId.toString(),
      known: known.map((peer) => ({ id: peer.id.toString(), addresses: peer.addresses.length })),
      busy: new Set([...connected, ...this.dialing]),
      failures: this.failures,
      now,
      count: Math.min(missing, this.parallelDials - this.dialing.size),
      random: Math.random
    })

    for (const id of targets) {
      this.dial(id)
    }

    if (targets.length < missing && now >= this.nextWalkAt) {
      this.walk(new Set([this.components.peerId.toString(), ...known.map((p) => p.id.toString())]))
    }
  }

  private dial(id: string): void {
    const peerId = peerIdFromString(id)
    const signal = timeoutSignal(this.controller.signal, this.dialTimeout)
    this.dialing.add(id)
    this.log.trace('dialling %p', peerId)

    this.components.connectionManager
      .openConnection(peerId, { signal })
      .then(() => {
        this.failures.delete(id)
        this.log('connected to %p', peerId)
      })
      .catch((err: Error) => {
        if (!this.started) {
          return
        }

        const error = classifyDialError(err, peerId)
        const previous = this.failures.get(id)
        // delete first so the map's order stays oldest failure first
        this.failures.delete(id)
        this.failures.set(id, recordFailure(previous, Date.now(), this.backoff))
        this.trimFailures()
        this.log('could not dial %p - %s', peerId, error.message)
        this.safeDispatchEvent('dial:failed', { detail: { peerId, error } })
      })
      .finally(() => {
        this.dialing.delete(id)
        this.schedule(0)
      })
  }

  private walk(known: ReadonlySet<string>): void {
    if (this.walking) {
      return
    }

    this.walking = true
    this.walkKey(known, { signal: timeoutSignal(this.controller.signal, WALK_TIMEOUT) })
      .then((fresh) => this.afterWalk(fresh > 0))
      .catch((err: Error) => {
        // nobody to ask (a mesh of one), or nobody answered
        this.afterWalk(false)

        if (this.started) {
          this.log('DHT walk found nobody - %e; next walk in %d ms', err, this.walkDelay)
        }
      })
      .finally(() => {
        this.walking = false
      })
  }

  /**
   * Asks the DHT for the peers closest to a key: our own id while walks turn
   * up new peers (our neighbourhood), a random key once they stop (another
   * part of the mesh). Returns how many peers it found that were not known.
   */
  private async walkKey(known: ReadonlySet<string>, options: AbortOptions): Promise<number> {
    const key =
      this.walkDelay === this.walkLimits.min
        ? this.components.peerId.toMultihash().bytes
        : crypto.getRandomValues(new Uint8Array(32))
    let found = 0
    let fresh = 0

    for await (const peer of this.components.peerRouting.getClosestPeers(key, options)) {
      found++
      fresh += known.has(peer.id.toString()) ? 0 : 1
    }

    this.log('DHT walk found %d peers, %d new', found, fresh)

    return fresh
  }

  private afterWalk(foundNew: boolean): void {
    this.walkDelay = nextWalkDelay(this.walkDelay, foundNew, this.walkLimits)
    this.nextWalkAt = Date.now() + this.walkDelay

    if (foundNew) {
      this.schedule(0)
    }
  }

  private trimFailures(): void {
    for (const id of this.failures.keys()) {
      if (this.failures.size <= MAX_FAILURE_RECORDS) {
        break
      }

      this.failures.delete(id)
    }
  }
}

/** A libp2p service factory: `services: { keeper: connectionKeeper({ target: 8 }) }`. */
export function connectionKeeper(
  init: ConnectionKeeperInit = {}
): (components: ConnectionKeeperComponents) => ConnectionKeeper {
  return (components) => new ConnectionKeeper(components, init)
}
