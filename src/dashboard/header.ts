/**
 * The top bar: which mesh, which node, how long it has been up, and whether
 * the page is receiving snapshots.
 */
import type { DashboardSnapshot } from '../api/dashboard/snapshot.js'
import { byId, setAttr, setText } from './dom.js'
import { formatDuration, shortPeerId } from './format.js'
import type { StreamStatus } from './stream.js'

const STATUS_TEXT: Record<StreamStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  stale: 'No updates',
  disconnected: 'Disconnected',
  'signed-out': 'Signed out'
}

/** What the banner says while the feed is down, by status; no banner for the others. */
const BANNER_TEXT: Partial<Record<StreamStatus, string>> = {
  disconnected: 'Disconnected — retrying…',
  stale: 'No update from the node for a while — waiting…',
  'signed-out':
    'This page was signed out (a session lasts 12 hours, and ends when the daemon restarts). ' +
    'Run `mycel dashboard` for a new link.'
}

/** The `<header>` of the page and the disconnection banner. */
export class HeaderView {
  private readonly mesh = byId('mesh-name')
  private readonly node = byId('node-id')
  private readonly version = byId('node-version')
  private readonly uptime = byId('node-uptime')
  private readonly connection = byId('connection')
  private readonly connectionText = byId('connection-text')
  private readonly banner = byId('banner')
  private readonly bannerText = byId('banner-text')

  render(snapshot: DashboardSnapshot): void {
    const { node } = snapshot

    setText(this.mesh, node.mesh)
    setAttr(this.mesh, 'title', `mesh ${node.mesh}`)
    setText(this.node, shortPeerId(node.peerId))
    setAttr(this.node, 'title', node.peerId)
    setText(this.version, node.version)
    setText(this.uptime, formatDuration(node.uptimeMs))
    document.title = `${node.mesh} · mycel`
  }

  /** Shows how the feed is doing; the banner is up while it is down. */
  setStatus(status: StreamStatus): void {
    this.connection.dataset.status = status
    setText(this.connectionText, STATUS_TEXT[status])

    const banner = BANNER_TEXT[status]

    if (banner !== undefined) setText(this.bannerText, banner)
    this.banner.hidden = banner === undefined
  }
}
