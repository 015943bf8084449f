/**
 * The options and parts of the advert service, with their defaults.
 */
import type { GossipSub } from '@libp2p/gossipsub'
import type { ComponentLogger, Libp2pEvents, Metrics, PeerId, PeerStore } from '@libp2p/interface'
import type { AddressManager, ConnectionManager, Registrar } from '@libp2p/interface-internal'
import type { Ping } from '@libp2p/ping'
import type { TypedEventTarget } from 'main-event'
import type { IntakeStats } from './intake.js'
import type { ProbeStats } from './probe.js'

/** How often a node publishes its advert. */
export const DEFAULT_ADVERT_INTERVAL = 1_000 // ms
/** How long each of the two rounds of liveness pings may take. */
export const DEFAULT_PROBE_TIMEOUT = 500 // ms

export interface AdvertServiceInit {
  /** The mesh, which names the topic and the probe protocol. */
  mesh: string

  /**
   * How often to publish, in ms (100 to 60000).
   *
   * @default 1000
   */
  interval?: number

  /**
   * Intervals without an advert before a peer leaves the view (2 or more).
   *
   * @default 3
   */
  ttlIntervals?: number

  /**
   * Execution slots this node offers.
   *
   * @default the number of cores
   */
  slots?: number

  /**
   * Free-form `key=value` labels, e.g. `{ zone: 'eu' }`.
   *
   * @default {}
   */
  labels?: Record<string, string>

  /** Whether a peer may be in the view: false for one not on the mesh's allow-list. */
  allowed?: (peerId: string) => boolean

  /**
   * A path on the disk whose capacity the advert reports.
   *
   * @default the working directory
   */
  diskPath?: string

  /**
   * How long each round of liveness pings may take, in ms.
   *
   * @default 500
   */
  probeTimeout?: number

  /** What the advert says of the software. */
  software: string
}

export interface AdvertServiceComponents {
  peerId: PeerId
  addressManager: Pick<AddressManager, 'getAddresses'>
  pubsub: GossipSub
  ping: Ping
  registrar: Registrar
  peerStore: PeerStore
  connectionManager: ConnectionManager
  events: TypedEventTarget<Libp2pEvents>
  logger: ComponentLogger
  /** Where the service's counters are exposed, when the node collects metrics. */
  metrics?: Metrics
}

/** What the advert service has sent, taken, dropped and refused, for status and metrics. */
export interface AdvertStats extends IntakeStats {
  published: number
  /** Liveness probes this node made for others, and those it refused by reason. */
  probes: ProbeStats
}
