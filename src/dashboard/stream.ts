/**
 * The live feed: the `snapshot` events of `GET /v1/events`, with the state of
 * the connection. EventSource reconnects by itself after a dropped stream;
 * when it gives up (the server answered with an error), a new one is opened
 * after a pause.
 */
import type { DashboardSnapshot } from '../api/dashboard/snapshot.js'

/**
 * How the feed is doing: `stale` means connected but no snapshot for a
 * while; `signed-out` that the daemon no longer knows this page's session
 * (it restarted, with a new token), so retrying is pointless.
 */
export type StreamStatus = 'connecting' | 'live' | 'stale' | 'disconnected' | 'signed-out'

/** Options of `SnapshotStream`. */
export interface SnapshotStreamInit {
  /**
   * Where the events come from.
   *
   * @default '/v1/events'
   */
  url?: string
  /**
   * How long without a snapshot before the feed reads as stale, in ms.
   *
   * @default 5000
   */
  staleAfter?: number
  /**
   * How long to wait before opening a new stream once EventSource gave up, in ms.
   *
   * @default 3000
   */
  retryAfter?: number
  onSnapshot(snapshot: DashboardSnapshot): void
  onStatus(status: StreamStatus): void
}

export const DEFAULT_EVENTS_URL = '/v1/events'
export const DEFAULT_STALE_AFTER = 5000 // ms
export const DEFAULT_RETRY_AFTER = 3000 // ms
/** Asked when the stream fails, to tell an ended session from a daemon that is down. */
const SESSION_URL = '/v1/dashboard'

/** Snapshots from the daemon, as they come. */
export class SnapshotStream {
  private readonly init: SnapshotStreamInit
  private readonly url: string
  private readonly staleAfter: number
  private readonly retryAfter: number
  private source: EventSource | undefined
  private status: StreamStatus | undefined
  private lastSnapshot = 0
  private watchdog: ReturnType<typeof setInterval> | undefined
  private retry: ReturnType<typeof setTimeout> | undefined

  constructor(init: SnapshotStreamInit) {
    this.init = init
    this.url = init.url ?? DEFAULT_EVENTS_URL
    this.staleAfter = init.staleAfter ?? DEFAULT_STALE_AFTER
    this.retryAfter = init.retryAfter ?? DEFAULT_RETRY_AFTER
  }

  start(): void {
    this.open()
    this.watchdog = setInterval(() => this.check(), 1000)
  }

  stop(): void {
    clearInterval(this.watchdog)
    clearTimeout(this.retry)
    this.source?.close()
    this.source = undefined
  }

  private open(): void {
    this.setStatus('connecting')

    const source = new EventSource(this.url)
    this.source = source

    source.addEventListener('snapshot', (event) => {
      let snapshot: DashboardSnapshot
      try {
        snapshot = JSON.parse((event as MessageEvent<string>).data) as DashboardSnapshot
      } catch {
        return
      }

      this.lastSnapshot = Date.now()
      this.setStatus('live')
      this.init.onSnapshot(snapshot)
    })

    source.addEventListener('error', () => {
      this.setStatus('disconnected')

      if (source.readyState === EventSource.CLOSED && this.source === source) {
        void this.retryUnlessSignedOut(source)
      }
    })
  }

  /** EventSource does not say why it gave up: a 401 means the session ended, anything else a retry. */
  private async retryUnlessSignedOut(source: EventSource): Promise<void> {
    const answer = await fetch(SESSION_URL, { credentials: 'same-origin' }).catch(() => undefined)

    if (this.source !== source) return

    if (answer?.status === 401) {
      this.setStatus('signed-out')
      return
    }

    clearTimeout(this.retry)
    this.retry = setTimeout(() => {
      if (this.source === source) this.open()
    }, this.retryAfter)
  }

  private check(): void {
    if (this.status === 'live' && Date.now() - this.lastSnapshot > this.staleAfter) {
      this.setStatus('stale')
    }
  }

  private setStatus(status: StreamStatus): void {
    if (status === this.status) return

    this.status = status
    this.init.onStatus(status)
  }
}
