/**
 * One simulated node: the daemon's own bidder, worker and submitter, and its
 * advert builder and view, wired to the virtual clock and network instead of
 * libp2p. Only what a node does outside the scheduler is stood in for: a
 * handler sleeps for the task's length in virtual time, and the block store
 * is the mesh's record of which node holds which block.
 */
import type { Logger, PeerId } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { AdvertBuilder } from '../../src/adverts/builder.js'
import type { Advert } from '../../src/adverts/pb/advert.js'
import type { Resources } from '../../src/adverts/resources.js'
import { DEFAULT_ADVERT_INTERVAL } from '../../src/adverts/service-init.js'
import { MeshView } from '../../src/adverts/view.js'
import { TaskCancelledError } from '../../src/errors.js'
import { Bidder } from '../../src/scheduler/bidder.js'
import type { PeerOffer } from '../../src/scheduler/candidates.js'
import type { Run } from '../../src/scheduler/handlers.js'
import { offerOf } from '../../src/scheduler/needs.js'
import type { JobResult } from '../../src/scheduler/pool.js'
import type { TaskRecord } from '../../src/scheduler/record.js'
import { DEFAULT_HEARTBEAT_TIMEOUT, Submitter } from '../../src/scheduler/submitter.js'
import type { TaskStore } from '../../src/scheduler/task-data.js'
import { type Awarded, DEFAULT_HEARTBEAT_INTERVAL, TaskWorker } from '../../src/scheduler/worker.js'
import type { VirtualClock } from './clock.js'
import type { VirtualNetwork } from './network.js'

/** The one task kind simulated nodes run: it takes `args.ms` of virtual time. */
export const WORK = 'work'
/** As often as a daemon sends its adverts. */
export const ADVERT_INTERVAL = DEFAULT_ADVERT_INTERVAL
const MIB = 1024 * 1024
/** The size of an input block: fetching one that is not held here takes this over the link. */
const BLOCK_BYTES = MIB
const MEMORY = 16 * 1024 * MIB

export interface SimNodeInit {
  index: number
  slots: number
  /** Whether the node submits tasks, and so keeps a view of the mesh. */
  submits: boolean
  clock: VirtualClock
  network: VirtualNetwork
  /** Whether a node holds a block now. */
  holds(node: string, cid: string): boolean
  /** The owners of an input on the ring. */
  owners(input: string): readonly string[]
  /** A run of a task began or ended on a node. */
  ran(event: RunEvent): void
  /** A task a node submitted came to an end. */
  settled(record: TaskRecord): void
  /** An auction of this node's closed with this many bids. */
  closed(duration: number, bids: number): void
  log: Logger
}

export interface RunEvent {
  node: string
  id: string
  start: number
  end?: number
  /** Whether the node held every input when the run began. */
  local: boolean
}

export class SimNode {
  readonly id: string
  readonly peerId: PeerId
  readonly index: number
  readonly slots: number
  readonly worker: TaskWorker
  readonly submitter?: Submitter
  /** What a submitter sees of the mesh, from the adverts it got. */
  readonly view?: MeshView
  /** The view as the submitter's candidates are picked from, kept in step with it. */
  private readonly offers = new Map<string, PeerOffer>()
  private readonly adverts: AdvertBuilder
  private readonly init: SimNodeInit
  up = true

  constructor(init: SimNodeInit, peerId: PeerId) {
    const { clock, network, log } = init
    this.init = init
    this.peerId = peerId
    this.id = peerId.toString()
    this.index = init.index
    this.slots = init.slots
    this.adverts = builder(init.slots, clock.now())
    const bidder = new Bidder<Awarded>({ slots: init.slots, gpu: 0 })
    const request = (peer: PeerId, method: string, body: Uint8Array, timeout?: number) =>
      network.request(this.id, peer, method, body, timeout)
    const store = this.store()
    this.worker = new TaskWorker({
      bidder,
      handlers: { run: (run) => this.run(run) },
      request,
      self: () => ({
        kinds: new Set([WORK]),
        slots: init.slots,
        memory: MEMORY / MIB,
        memoryFree: MEMORY / MIB,
        gpu: 0,
        labels: {}
      }),
      store,
      onLoad: (load) => this.adverts.setSlots(load),
      heartbeatInterval: DEFAULT_HEARTBEAT_INTERVAL,
      clock,
      log: log.newScope('worker')
    })

    if (init.submits) {
      const view = new MeshView()
      this.view = view
      this.submitter = new Submitter({
        request,
        peers: () => [...this.offers.values()],
        offer: (peer) => this.offers.get(peer)?.offer,
        owners: init.owners,
        heartbeatTimeout: DEFAULT_HEARTBEAT_TIMEOUT,
        closed: init.closed,
        onChange: (record, change) => {
          if (change === 'state' && record.finishedAt !== undefined) init.settled(record)
        },
        clock,
        log: log.newScope('submitter')
      })
      view.addEventListener('peer:left', ({ detail }) => {
        this.offers.delete(detail.peerId)
        this.submitter?.peerLeft(detail.peerId)
      })
    }

    network.attach(peerId, {
      ...this.worker.handlers(),
      ...(this.submitter?.handlers() ?? {})
    })
  }

  start(): void {
    this.worker.start()
    this.submitter?.start()
  }

  /** Stops the node at once, as a crash would: it answers nothing and sends nothing from now on. */
  crash(): void {
    this.up = false
    this.init.network.down(this.id)
    this.submitter?.stop()
    void this.worker.stop()
  }

  /** This node's next advert. */
  advert(): Advert {
    return this.adverts.build(resources(this.slots), this.init.clock.now())
  }

  /** Takes an advert from the mesh into this node's view. */
  hear(peer: string, advert: Advert): void {
    if (this.view === undefined) return
    const outcome = this.view.apply(peer, advert, this.init.clock.now())

    if (outcome === 'joined' || outcome === 'updated') {
      const offer = { peerId: peer, offer: offerOf(advert) }
      this.offers.set(peer, offer)
      this.submitter?.viewChanged(offer)
    }
  }

  /** Drops the peers whose adverts stopped coming, as the view's periodic check does. */
  expire(): void {
    this.view?.expire(this.init.clock.now(), this.id)
  }

  /**
   * A handler that takes the task's length in virtual time, after fetching
   * its inputs that are not held here, unless it is cancelled.
   */
  private async run(run: Run): Promise<JobResult> {
    const { clock, network } = this.init

    if (!this.up) throw new TaskCancelledError('the node is down')

    const { ms } = JSON.parse(run.args) as { ms: number }
    const missing = run.inputs.cids.filter((cid) => !this.init.holds(this.id, cid)).length
    const event: RunEvent = { node: this.id, id: run.id, start: clock.now(), local: missing === 0 }
    this.init.ran(event)
    await clock.sleep(ms + (missing * BLOCK_BYTES) / network.init.bandwidth, run.signal)
    this.init.ran({ ...event, end: clock.now() })

    return { json: 'null' }
  }

  private store(): TaskStore {
    const missing = (): never => {
      throw new Error('simulated nodes do not read block contents')
    }

    return {
      held: (cid) => this.init.holds(this.id, cid.toString()),
      getBytes: async () => missing(),
      get: () => missing(),
      put: async () => missing()
    }
  }
}

/** The builder of a simulated node's adverts: it runs the one kind, with no labels. */
function builder(slots: number, now: number): AdvertBuilder {
  const adverts = new AdvertBuilder({
    interval: ADVERT_INTERVAL,
    software: 'mycel/0.1.0',
    startedAt: now,
    slots,
    labels: { zone: 'eu-west-1a' }
  })
  adverts.setKinds([WORK, 'sha256', 'echo'])
  // an advert carries what a real one does, so that its size and the cost of taking it in are real
  adverts.setAddrs(ADDRS)
  adverts.setStore({ capacity: 1024 * 1024 * MIB, used: 64 * 1024 * MIB, blocks: 65_536 })

  return adverts
}

const ADDRS = ['/ip4/192.168.1.20/tcp/4001', '/ip6/fd00::20/tcp/4001'].map(
  (a) => multiaddr(a).bytes
)

/** What a simulated node has: as many cores as slots, memory and disk to spare. */
function resources(slots: number): Resources {
  return {
    cpu: { cores: slots, model: 'sim', load1: 0 },
    memory: { total: MEMORY, free: MEMORY },
    disk: { capacity: 1024 * 1024 * MIB, free: 1024 * 1024 * MIB }
  }
}

/** An advert as a simulated node of 4 slots sends it at `now`. */
export function typicalAdvert(now: number): Advert {
  return builder(4, 0).build(resources(4), now)
}
