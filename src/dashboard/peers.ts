/**
 * The peers table: one row per peer, live ones first, dead ones greyed with
 * when and why they left. Rows are kept and updated in place, keyed by peer id.
 */
import type { DashboardPeer, DashboardSnapshot } from '../api/dashboard/snapshot.js'
import { h, KeyedList, levelOf, Meter, setAttr, setText } from './dom.js'
import {
  formatAge,
  formatBytes,
  formatBytesPair,
  formatDuration,
  formatLoad,
  formatPercent,
  shortPeerId
} from './format.js'
import { peerColor } from './palette.js'

/** An advert older than this reads as late, in ms. */
const LATE_ADVERT = 5000

class PeerRow {
  readonly el: HTMLTableRowElement
  private readonly swatch = h('span', 'swatch')
  private readonly note = h('div', 'sub')
  private readonly cores = h('span')
  private readonly gpu = h('div', 'sub')
  private readonly load = h('span')
  private readonly loadMeter = new Meter()
  private readonly memory = h('span')
  private readonly memoryMeter = new Meter()
  private readonly disk = h('span')
  private readonly diskMeter = new Meter()
  private readonly slots = h('span')
  private readonly queued = h('span', 'muted')
  private readonly slotsMeter = new Meter()
  private readonly labels = h('td', 'labels')
  private readonly age = h('td', 'num')
  private readonly keyShare = h('td', 'num')
  private readonly storeShare = h('td', 'num')
  private labelsKey = ''

  constructor(peer: DashboardPeer) {
    const name = h(
      'div',
      'peer-name',
      h('span', { class: 'mono', title: peer.peerId }, shortPeerId(peer.peerId)),
      peer.self ? h('span', 'self', '(this node)') : null
    )

    this.el = h(
      'tr',
      { data: { peerId: peer.peerId } },
      h('td', 'peer', this.swatch, h('div', {}, name, this.note)),
      h('td', 'num', this.cores, this.gpu),
      h('td', 'metric', h('div', 'metric-text', this.load), this.loadMeter.el),
      h('td', 'metric', h('div', 'metric-text', this.memory), this.memoryMeter.el),
      h('td', 'metric', h('div', 'metric-text', this.disk), this.diskMeter.el),
      h('td', 'metric', h('div', 'metric-text', this.slots, this.queued), this.slotsMeter.el),
      this.labels,
      this.age,
      this.keyShare,
      this.storeShare
    )
  }

  update(peer: DashboardPeer, now: number): void {
    const live = peer.state === 'live'

    setAttr(this.el, 'data-state', peer.state)
    this.el.classList.toggle('dead', !live)
    this.swatch.style.background = live ? peerColor(peer.peerId) : ''

    if (live) {
      setText(this.note, `${peer.software} · up ${formatDuration(peer.uptimeMs)}`)
    } else {
      const left = peer.leftAt === undefined ? '' : ` · left ${formatAge(now - peer.leftAt)} ago`
      setText(
        this.note,
        `dead${left}${peer.leftReason === undefined ? '' : ` (${peer.leftReason})`}`
      )
    }

    this.updateResources(peer)
    this.updateLabels(peer.labels)

    setText(this.age, formatAge(peer.ageMs))
    this.age.classList.toggle('late', live && peer.ageMs > LATE_ADVERT)
    setText(this.keyShare, live ? formatPercent(peer.keyShare) : '—')
    setText(this.storeShare, live ? formatPercent(peer.storeShare) : '—')
    setAttr(
      this.storeShare,
      'title',
      `block store: ${formatBytesPair(peer.store.used, peer.store.capacity)} used`
    )
  }

  private updateResources(peer: DashboardPeer): void {
    const loadShare = peer.cores > 0 ? peer.load1 / peer.cores : 0
    setText(this.cores, String(peer.cores))
    setAttr(this.cores, 'title', peer.cpuModel)
    setText(this.gpu, peer.gpu === undefined || peer.gpu.count === 0 ? '' : `${peer.gpu.count} GPU`)
    setAttr(this.gpu, 'title', peer.gpu?.model)

    setText(this.load, `${formatLoad(peer.load1)} · ${formatPercent(loadShare)}`)
    setAttr(this.load, 'title', `load ${formatLoad(peer.load1)} on ${peer.cores} cores`)
    this.loadMeter.set(loadShare, loadShare > 1 ? 'high' : loadShare > 0.7 ? 'warn' : 'ok')

    const memoryUsed = peer.memory.total - peer.memory.free
    setText(this.memory, formatBytesPair(memoryUsed, peer.memory.total))
    this.memoryMeter.set(
      ratio(memoryUsed, peer.memory.total),
      levelOf(ratio(memoryUsed, peer.memory.total))
    )

    const diskUsed = ratio(peer.disk.capacity - peer.disk.free, peer.disk.capacity)
    setText(this.disk, formatBytesPair(peer.disk.free, peer.disk.capacity))
    setAttr(
      this.disk,
      'title',
      `${formatBytes(peer.disk.free)} free, ${formatPercent(diskUsed)} used`
    )
    this.diskMeter.set(diskUsed, levelOf(diskUsed))

    setText(this.slots, `${peer.slots.busy} / ${peer.slots.total}`)
    setText(this.queued, peer.slots.queued > 0 ? ` +${peer.slots.queued} queued` : '')
    setAttr(
      this.slots,
      'title',
      peer.kinds.length > 0 ? `runs ${peer.kinds.join(', ')}` : 'runs no kinds'
    )
    const busy = ratio(peer.slots.busy, peer.slots.total)
    this.slotsMeter.set(busy, peer.slots.queued > 0 ? 'high' : busy >= 1 ? 'warn' : 'ok')
  }

  private updateLabels(labels: Record<string, string>): void {
    const entries = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b))
    const key = JSON.stringify(entries)
    if (key === this.labelsKey) return

    this.labelsKey = key
    this.labels.replaceChildren(
      ...entries.map(([name, value]) =>
        h('span', { class: 'chip', title: `${name}=${value}` }, h('b', {}, name), value)
      )
    )
  }
}

function ratio(part: number, whole: number): number {
  return whole > 0 ? part / whole : 0
}

/** The `#peers` table and the summary line above it. */
export class PeersView {
  private readonly rows: KeyedList<DashboardPeer, PeerRow>
  private readonly summary: HTMLElement
  private readonly empty: HTMLElement

  constructor(table: HTMLTableElement, summary: HTMLElement, empty: HTMLElement) {
    this.rows = new KeyedList(
      table.tBodies[0] ?? table.createTBody(),
      (peer) => peer.peerId,
      (peer) => new PeerRow(peer)
    )
    this.summary = summary
    this.empty = empty
  }

  render(snapshot: DashboardSnapshot): void {
    this.rows.sync(snapshot.peers, (row, peer) => row.update(peer, snapshot.at))
    this.empty.hidden = snapshot.peers.length > 0
    setText(this.empty, 'No peers in view.')

    const live = snapshot.peers.filter((peer) => peer.state === 'live')
    const dead = snapshot.peers.length - live.length
    const cores = live.reduce((sum, peer) => sum + peer.cores, 0)
    const busy = live.reduce((sum, peer) => sum + peer.slots.busy, 0)
    const slots = live.reduce((sum, peer) => sum + peer.slots.total, 0)
    const parts = [`${live.length} live`]

    if (dead > 0) parts.push(`${dead} dead`)
    parts.push(`${cores} cores`, `${busy} / ${slots} slots busy`)
    setText(this.summary, parts.join(' · '))
  }
}
