/**
 * What a node tells of itself and of its peers: the rows of `mycel status`
 * and `mycel peers`, and of the API answers behind them.
 */
import { fromLabels } from '../adverts/builder.js'
import type { Advert } from '../adverts/pb/advert.js'

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

/** What a node's advert says of it, as `mycel peers`, the API and the dashboard show it. */
export interface AdvertFigures {
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

/** A live peer of the view, as `mycel peers` and the API show it. */
export interface LivePeer extends AdvertFigures {
  peerId: string
  /** Whether this is the node itself. */
  self: boolean
  /** The remote address of a connection to it, when there is one. */
  address?: string
  /** How old its latest advert is, in ms. */
  ageMs: number
}

/** The figures of an advert, with a default for each one it leaves out. */
export function advertFigures(advert: Advert): AdvertFigures {
  return {
    cores: advert.cpu?.cores ?? 0,
    cpuModel: advert.cpu?.model ?? '',
    load1: advert.cpu?.load1 ?? 0,
    memory: { total: advert.memory?.total ?? 0, free: advert.memory?.free ?? 0 },
    disk: { capacity: advert.disk?.capacity ?? 0, free: advert.disk?.free ?? 0 },
    ...(advert.gpu === undefined ? {} : { gpu: { ...advert.gpu } }),
    slots: { total: 0, busy: 0, queued: 0, ...advert.slots },
    kinds: advert.kinds,
    labels: fromLabels(advert.labels),
    software: advert.software,
    uptimeMs: advert.uptime
  }
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
