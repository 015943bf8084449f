/**
 * What the dashboard shows, gathered from a node: its view of the mesh with
 * the peers that left it lately, the ring's shares, its tasks, and what
 * ended per interval. A node's counters are sampled once a second from the
 * moment the API starts, so the chart has history when a browser opens it.
 */
import type { PeerLeft, ViewEntry } from '../../adverts/view.js'
import type { MeshNode } from '../../node/mesh-node.js'
import { advertFigures } from '../../node/peers.js'
import { VERSION } from '../../version.js'
import type { DashboardPeer, DashboardSnapshot } from './snapshot.js'
import { ThroughputHistory } from './throughput.js'

/** How long a peer that left stays on the dashboard, greyed. */
export const DEAD_SHOWN = 5 * 60_000 // ms
/** Most departed peers shown; the oldest go first. */
export const MAX_DEAD_SHOWN = 64
/** Tasks listed as recent. */
export const RECENT_TASKS = 50
/** How often the counters are sampled for the chart. */
export const SAMPLE_INTERVAL = 1_000 // ms

interface Departed {
  peer: DashboardPeer
  leftAt: number
}

/** A node's dashboard data: `start()` begins sampling, `snapshot()` answers the page. */
export class DashboardFeed {
  private readonly node: MeshNode
  private readonly throughput = new ThroughputHistory()
  /** Peers that left, by id, oldest departure first. */
  private readonly departed = new Map<string, Departed>()
  private timer?: ReturnType<typeof setInterval>

  constructor(node: MeshNode) {
    this.node = node
    this.onLeft = this.onLeft.bind(this)
    this.onJoined = this.onJoined.bind(this)
  }

  start(): void {
    this.node.view.addEventListener('peer:left', this.onLeft)
    this.node.view.addEventListener('peer:joined', this.onJoined)
    this.sample(Date.now())
    this.timer = setInterval(() => this.sample(Date.now()), SAMPLE_INTERVAL)
    this.timer.unref()
  }

  stop(): void {
    clearInterval(this.timer)
    this.node.view.removeEventListener('peer:left', this.onLeft)
    this.node.view.removeEventListener('peer:joined', this.onJoined)
  }

  /** The dashboard's picture of the mesh, now. */
  snapshot(now = Date.now()): DashboardSnapshot {
    const { node } = this
    const status = node.status()
    const stats = node.tasks.stats()
    const { submitter } = stats

    this.throughput.sample(submitter, now)

    return {
      at: now,
      node: { peerId: status.peerId, mesh: node.mesh, version: VERSION, uptimeMs: status.uptimeMs },
      peers: [...this.live(now), ...this.dead(now)],
      tasks: {
        counts: {
          pending: submitter.pending,
          auction: submitter.inAuction,
          running: submitter.running,
          completed: submitter.completed,
          failed: submitter.failed,
          cancelled: submitter.cancelled
        },
        recent: node.tasks.list({ limit: RECENT_TASKS }),
        ranHere: stats.worker.completed + stats.worker.failed
      },
      throughput: this.throughput.read()
    }
  }

  private live(now: number): DashboardPeer[] {
    const shares = this.node.store.placement.ring.shares()
    const entries = new Map(this.node.view.entries().map((entry) => [entry.peerId, entry]))
    const stored = sumOf(entries.values(), (store) => store.used)
    const blocks = sumOf(entries.values(), (store) => store.blocks)

    return this.node.livePeers(now).map((peer) => {
      const store = storeOf(entries.get(peer.peerId)?.advert)

      return {
        ...peer,
        state: 'live',
        store,
        keyShare: shares.get(peer.peerId) ?? 0,
        storeShare: stored === 0 ? 0 : store.used / stored,
        blockShare: blocks === 0 ? 0 : store.blocks / blocks
      }
    })
  }

  private dead(now: number): DashboardPeer[] {
    for (const [id, { leftAt }] of this.departed) {
      if (now - leftAt <= DEAD_SHOWN) break
      this.departed.delete(id)
    }

    return [...this.departed.values()]
      .reverse()
      .map(({ peer, leftAt }) => ({ ...peer, ageMs: Math.max(0, now - leftAt) }))
  }

  private sample(now: number): void {
    this.throughput.sample(this.node.tasks.stats().submitter, now)
  }

  private onLeft({ detail }: CustomEvent<PeerLeft>): void {
    const leftAt = Date.now()
    this.departed.delete(detail.peerId)
    this.departed.set(detail.peerId, {
      leftAt,
      peer: {
        peerId: detail.peerId,
        self: detail.peerId === this.node.peerId.toString(),
        state: 'dead',
        leftAt,
        leftReason: detail.reason,
        ageMs: 0,
        ...advertFigures(detail.advert),
        store: storeOf(detail.advert),
        keyShare: 0,
        storeShare: 0,
        blockShare: 0
      }
    })

    for (const id of this.departed.keys()) {
      if (this.departed.size <= MAX_DEAD_SHOWN) break
      this.departed.delete(id)
    }
  }

  private onJoined({ detail }: CustomEvent<ViewEntry>): void {
    this.departed.delete(detail.peerId)
  }
}

function storeOf(advert?: ViewEntry['advert']): DashboardPeer['store'] {
  const { capacity = 0, used = 0, blocks = 0 } = advert?.store ?? {}
  return { capacity, used, blocks }
}

/** A figure of the live peers' stores, added up. */
function sumOf(entries: Iterable<ViewEntry>, figure: (store: DashboardPeer['store']) => number) {
  let sum = 0

  for (const entry of entries) {
    sum += figure(storeOf(entry.advert))
  }

  return sum
}
