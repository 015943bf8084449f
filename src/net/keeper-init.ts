/**
 * The options, parts and events of the connection keeper, with their defaults.
 */
import type {
  ComponentLogger,
  Libp2pEvents,
  PeerId,
  PeerRouting,
  PeerStore
} from '@libp2p/interface'
import type { ConnectionManager } from '@libp2p/interface-internal'
import type { TypedEventTarget } from 'main-event'

/** Peers the keeper holds connections to. */
export const DEFAULT_TARGET_CONNECTIONS = 8
/** Time between two checks of the connection count when nothing happens. */
export const DEFAULT_KEEPER_INTERVAL = 2_000 // ms
/** Dials the keeper runs at once. */
export const DEFAULT_PARALLEL_DIALS = 4
/** How long one dial may take. */
export const DEFAULT_KEEPER_DIAL_TIMEOUT = 10_000 // ms
/** Shortest wait between two DHT walks. */
export const DEFAULT_WALK_MIN = 1_000 // ms
/** Longest wait between two DHT walks while the node is short of peers. */
export const DEFAULT_WALK_MAX = 30_000 // ms

export interface ConnectionKeeperInit {
  /**
   * How many peers to hold connections to. `0` turns the keeper off.
   *
   * @default 8
   */
  target?: number

  /**
   * Time between checks when no connection opens or closes, in ms.
   *
   * @default 2000
   */
  interval?: number

  /**
   * Dials in flight at once.
   *
   * @default 4
   */
  parallelDials?: number

  /**
   * How long a single dial may take, in ms.
   *
   * @default 10000
   */
  dialTimeout?: number

  /**
   * The first wait before a peer whose dial failed is dialled again, in ms;
   * it doubles with every further failure.
   *
   * @default 1000
   */
  backoffBase?: number

  /**
   * The longest wait between dials of a failing peer, in ms.
   *
   * @default 60000
   */
  backoffMax?: number

  /**
   * Shortest and longest wait between DHT walks while short of peers, in ms.
   *
   * @default { min: 1000, max: 30000 }
   */
  walk?: { min: number; max: number }
}

export interface ConnectionKeeperComponents {
  peerId: PeerId
  peerStore: PeerStore
  peerRouting: PeerRouting
  connectionManager: ConnectionManager
  events: TypedEventTarget<Libp2pEvents>
  logger: ComponentLogger
}

/** Why a dial to a peer failed, as the keeper saw it. */
export interface DialFailedDetail {
  peerId: PeerId
  error: Error
}

export interface ConnectionKeeperEvents {
  'dial:failed': CustomEvent<DialFailedDetail>
}
