/**
 * The ring: how the key space, the stored blocks and their bytes are split
 * among live peers, as stacked bars with one colour per peer and a legend.
 */
import type { DashboardPeer, DashboardSnapshot } from '../api/dashboard/snapshot.js'
import { h, KeyedList, setAttr, setText } from './dom.js'
import { formatBytes, formatPercent, shortPeerId } from './format.js'
import { peerColor } from './palette.js'

/** Segments narrower than this share carry no label, only a tooltip. */
const MIN_LABELLED_SHARE = 0.07

type Share = 'keyShare' | 'blockShare' | 'storeShare'

class Segment {
  readonly el = h('span', 'segment')

  update(peer: DashboardPeer, share: Share, what: string): void {
    const fraction = peer[share]
    const grow = fraction.toFixed(4)

    if (this.el.style.flexGrow !== grow) this.el.style.flexGrow = grow
    this.el.style.background = peerColor(peer.peerId)
    setText(this.el, fraction >= MIN_LABELLED_SHARE ? formatPercent(fraction) : '')
    setAttr(this.el, 'title', `${shortPeerId(peer.peerId)}: ${formatPercent(fraction)} of ${what}`)
  }
}

class Stack {
  readonly el: HTMLElement
  private readonly bar = h('div', 'stack')
  private readonly caption = h('span', 'muted')
  private readonly emptyNote: HTMLElement
  private readonly segments: KeyedList<DashboardPeer, Segment>
  private readonly share: Share
  private readonly what: string

  constructor(title: string, share: Share, what: string, emptyText: string) {
    this.share = share
    this.what = what
    this.emptyNote = h('span', 'stack-empty', emptyText)
    this.segments = new KeyedList(
      this.bar,
      (peer) => peer.peerId,
      () => new Segment()
    )
    this.el = h(
      'div',
      'ring-row',
      h('div', 'ring-label', h('span', {}, title), this.caption),
      h('div', 'stack-frame', this.bar, this.emptyNote)
    )
  }

  update(peers: DashboardPeer[], caption: string): void {
    const holders = peers.filter((peer) => peer[this.share] > 0)

    this.segments.sync(holders, (segment, peer) => segment.update(peer, this.share, this.what))
    this.emptyNote.hidden = holders.length > 0
    setText(this.caption, caption)
  }
}

class LegendItem {
  readonly el: HTMLLIElement
  private readonly swatch = h('span', 'swatch')
  private readonly shares = h('span', 'legend-shares')

  constructor(peer: DashboardPeer) {
    this.el = h(
      'li',
      {},
      this.swatch,
      h('span', { class: 'mono', title: peer.peerId }, shortPeerId(peer.peerId)),
      peer.self ? h('span', 'self', 'this node') : null,
      this.shares
    )
  }

  update(peer: DashboardPeer): void {
    this.swatch.style.background = peerColor(peer.peerId)
    setText(
      this.shares,
      `keys ${formatPercent(peer.keyShare)} · blocks ${formatPercent(peer.blockShare)} · ` +
        `data ${formatPercent(peer.storeShare)}`
    )
  }
}

/** The `#ring` card. */
export class RingView {
  private readonly keys = new Stack('Key space', 'keyShare', 'the key space', 'no peer stores data')
  private readonly blocks = new Stack(
    'Stored blocks',
    'blockShare',
    'the stored blocks',
    'no block stored yet'
  )
  private readonly data = new Stack(
    'Stored data',
    'storeShare',
    'the stored data',
    'nothing stored yet'
  )
  private readonly legendList = h('ul', 'legend')
  private readonly legend: KeyedList<DashboardPeer, LegendItem>
  private readonly body: HTMLElement

  /** `body` holds a placeholder until the first snapshot replaces it. */
  constructor(body: HTMLElement) {
    this.body = body
    this.legend = new KeyedList(
      this.legendList,
      (peer) => peer.peerId,
      (peer) => new LegendItem(peer)
    )
  }

  render(snapshot: DashboardSnapshot): void {
    if (this.legendList.parentElement !== this.body) {
      this.body.replaceChildren(
        h('div', 'ring-bars', this.keys.el, this.blocks.el, this.data.el),
        this.legendList
      )
    }

    const live = snapshot.peers.filter((peer) => peer.state === 'live')
    const storing = live.filter((peer) => peer.keyShare > 0).length
    const stored = live.reduce((sum, peer) => sum + peer.store.used, 0)
    const capacity = live.reduce((sum, peer) => sum + peer.store.capacity, 0)
    const blocks = live.reduce((sum, peer) => sum + peer.store.blocks, 0)

    this.keys.update(live, `${storing} of ${live.length} peers hold keys`)
    this.blocks.update(live, `${blocks} ${blocks === 1 ? 'copy' : 'copies'} in all`)
    this.data.update(live, `${formatBytes(stored)} of ${formatBytes(capacity)}`)
    this.legend.sync(live, (item, peer) => item.update(peer))
  }
}
