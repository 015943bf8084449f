/**
 * Builds this node's adverts from what it has (sampled resources) and what
 * it does (slots, task kinds, labels). Pure: the caller supplies resources
 * and the time.
 */
import { InvalidConfigError } from '../errors.js'
import type { Advert, Departure, Label, Slots, Store } from './pb/advert.js'
import type { Resources } from './resources.js'
import { ADVERT_VERSION } from './validate.js'

export interface AdvertBuilderInit {
  /** How often the node publishes, in ms. */
  interval: number
  /** What the advert says of the software, e.g. `mycel/0.1.0`. */
  software: string
  /** When the node started, ms since the epoch; also the first sequence number. */
  startedAt: number
  /** Execution slots. */
  slots: number
  /** Free-form `key=value` labels. */
  labels: Record<string, string>
}

export class AdvertBuilder {
  private readonly init: AdvertBuilderInit & { startedAt: number }
  private seq: number
  private slots: Slots
  private kinds: string[] = []
  private labels: Label[]
  private departed: Departure[] = []
  private store?: Store
  private addrs: Uint8Array[] = []

  constructor(init: AdvertBuilderInit) {
    this.init = { ...init }
    // starting from the clock keeps sequence numbers rising across restarts
    this.seq = init.startedAt
    this.slots = { total: init.slots, busy: 0, queued: 0 }
    this.labels = toLabels(init.labels)
  }

  /** Starts numbering anew from a (later) start time, keeping slots, kinds and labels. */
  restart(startedAt: number): void {
    this.init.startedAt = startedAt
    this.seq = Math.max(this.seq, startedAt)
  }

  /**
   * Changes the slot figures; returns whether anything changed.
   *
   * @throws {InvalidConfigError} when busy slots would exceed the total
   */
  setSlots(slots: Partial<Slots>): boolean {
    const next = { ...this.slots, ...slots }

    if (next.busy > next.total || Object.values(next).some((n) => !Number.isInteger(n) || n < 0)) {
      throw new InvalidConfigError(
        `expected whole slot counts with busy <= total, got ${JSON.stringify(next)}`
      )
    }

    const changed = JSON.stringify(next) !== JSON.stringify(this.slots)
    this.slots = next

    return changed
  }

  /** Sets the task kinds this node runs. */
  setKinds(kinds: readonly string[]): boolean {
    const next = [...new Set(kinds)].sort()
    const changed = next.join('\n') !== this.kinds.join('\n')
    this.kinds = next

    return changed
  }

  /** Sets the block store's figures; returns whether they changed. */
  setStore(store: Store): boolean {
    const changed =
      this.store?.capacity !== store.capacity ||
      this.store.used !== store.used ||
      this.store.blocks !== store.blocks
    this.store = { ...store }

    return changed
  }

  /** Sets the listen addresses the advert carries (binary multiaddrs, without `/p2p`). */
  setAddrs(addrs: readonly Uint8Array[]): void {
    this.addrs = [...addrs]
  }

  /** Sets the peers this node found gone, to tell the mesh of in its next adverts. */
  setDeparted(departed: readonly Departure[]): void {
    this.departed = departed.map((d) => ({ ...d }))
  }

  /** The next advert, with a new sequence number. */
  build(resources: Resources, now: number, leaving = false): Advert {
    this.seq = Math.max(this.seq + 1, now)

    return {
      version: ADVERT_VERSION,
      seq: this.seq,
      time: now,
      interval: this.init.interval,
      leaving,
      ...resources,
      slots: { ...this.slots },
      kinds: [...this.kinds],
      labels: this.labels.map((label) => ({ ...label })),
      software: this.init.software,
      uptime: Math.max(0, now - this.init.startedAt),
      departed: this.departed.map((d) => ({ ...d })),
      addrs: this.addrs.map((addr) => addr as Uint8Array<ArrayBuffer>),
      ...(this.store === undefined ? {} : { store: { ...this.store } })
    }
  }
}

/** Labels as advert fields, sorted by key so equal sets encode alike. */
export function toLabels(labels: Record<string, string>): Label[] {
  return Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => ({ key, value }))
}

/** Labels from advert fields. */
export function fromLabels(labels: readonly Label[]): Record<string, string> {
  return Object.fromEntries(labels.map(({ key, value }) => [key, value]))
}
