/**
 * What the dashboard is sent: one snapshot of the mesh as this node sees it,
 * once a second, as the `snapshot` event of `GET /v1/events`. The browser
 * code and the daemon share these types; nothing here runs.
 */
import type { AdvertFigures } from '../../node/peers.js'
import type { TaskSummary } from '../../scheduler/record.js'

export type { AdvertFigures } from '../../node/peers.js'
export type { HistoryEntry, TaskInfo, TaskSummary } from '../../scheduler/record.js'

/** A peer of the mesh: live, or dead and still shown for a while. */
export interface DashboardPeer extends AdvertFigures {
  peerId: string
  /** Whether this is the node serving the dashboard. */
  self: boolean
  state: 'live' | 'dead'
  /** For a dead peer: when it left the view (ms since the epoch), and why. */
  leftAt?: number
  leftReason?: 'expired' | 'disconnected' | 'stopped'
  /** How old its latest advert is, in ms; for a dead peer, how long ago it left. */
  ageMs: number
  /** Space it offers the block store and how much of it is used, in bytes, and the blocks it holds. */
  store: { capacity: number; used: number; blocks: number }
  /** Its share of the ring's key space, 0-1; 0 when it stores nothing. */
  keyShare: number
  /** Its share of the bytes stored across the live mesh, 0-1. */
  storeShare: number
  /** Its share of the blocks stored across the live mesh (copies counted), 0-1. */
  blockShare: number
}

/** Tasks this node submitted, by state. */
export interface TaskCounts {
  pending: number
  auction: number
  running: number
  completed: number
  failed: number
  cancelled: number
}

/** Tasks that ended, per interval, oldest first; the last entry is the interval under way. */
export interface Throughput {
  /** Length of one interval, in ms. */
  interval: number
  completed: number[]
  failed: number[]
}

export interface DashboardSnapshot {
  /** When it was taken, ms since the epoch. */
  at: number
  node: { peerId: string; mesh: string; version: string; uptimeMs: number }
  /** Live peers first (this node among them), then dead ones, newest departure first. */
  peers: DashboardPeer[]
  tasks: {
    counts: TaskCounts
    /** The most recent tasks this node submitted, newest first. */
    recent: TaskSummary[]
    /** Tasks this node ran for the mesh, in all. */
    ranHere: number
  }
  throughput: Throughput
}
