/**
 * What a node tells of itself and of its peers: the rows of `mycel status`
 * and `mycel peers`, and of the API answers behind them.
 */

/** A peer the node holds at least one connection to. */
export interface ConnectedPeer {
  peerId: string
  /** The remote address of each open connection. */
  addresses: string[]
  /** Who opened the oldest connection. */
  direction: 'inbound' | 'outbound'
  /** When the oldest open connection opened, in ms since the epoch. */
  since: number
}

/** A peer the peer store remembers, connected or not. */
export interface KnownPeer {
  peerId: string
  addresses: string[]
  connected: boolean
}

/** A live peer of the view, as `mycel peers` and the API show it. */
export interface LivePeer {
  peerId: string
  /** Whether this is the node itself. */
  self: boolean
  /** The remote address of a connection to it, when there is one. */
  address?: string
  /** How old its latest advert is, in ms. */
  ageMs: number
  cores: number
  cpuModel: string
  load1: number
  memory: { total: number; free: number }
  disk: { capacity: number; free: number }
  gpu?: { count: number; model: string }
  slots: { total: number; busy: number; queued: number }
  kinds: string[]
  labels: Record<string, string>
  software: string
  uptimeMs: number
}

/** What `mycel status` shows. */
export interface NodeStatus {
  peerId: string
  mesh: string
  version: string
  addresses: string[]
  startedAt: number
  uptimeMs: number
  connections: number
  peers: number
  /** Live nodes in the view, this one included. */
  meshSize: number
  /** This node's block store, and the nodes on the ring (those that store data). */
  store: { blocks: number; used: number; quota: number; ringMembers: number }
}
