/**
 * Where a submitter's tasks wait until a node takes them, and how they go
 * to auction. Tasks wait in a queue by priority with aging; rounds take as
 * many as the nodes have room for (`nextStep` says how many and how), the
 * next one starting on the turn after a round ends or room appears. A task
 * no live node can run, or one no node with room bid on, is parked (see
 * `Parked`) until a node that can run it shows up or shows room: then only
 * as many come back as that node takes, highest priority first.
 */
import type { Logger } from '@libp2p/interface'
import { type Clock, systemClock, type Timer } from '../clock.js'
import type { Auctions, RoundOptions } from './auctions.js'
import type { PeerOffer } from './candidates.js'
import { budget, GATHER_WAIT, nextStep } from './dispatch.js'
import type { NodeOffer } from './needs.js'
import { Parked } from './parked.js'
import { TaskQueue } from './queue.js'
import type { TaskRecord } from './record.js'
import { ROOM_STALE_AFTER, type RoomBook } from './room.js'

export interface PlacementParts {
  auctions: Auctions
  /** What each node has room for, as the submitter believes. */
  room: RoomBook
  /** The live peers with what they offer. */
  peers(): PeerOffer[]
  /** What a live peer offers, by its advert. */
  offer(peer: string): NodeOffer | undefined
  candidates?: number
  /** Tasks the nodes hold for the submitter: awarded and not yet ended. */
  outstanding(): number
  /** A round placed these. */
  awarded(records: readonly TaskRecord[]): void
  clock?: Clock
  log: Logger
}

export class Placement {
  private readonly parts: PlacementParts
  private readonly clock: Clock
  private readonly queue = new TaskQueue<TaskRecord>()
  /** Tasks no live node can run, back in the queue when a node that can run them shows up. */
  private readonly unplaceable = new Parked<TaskRecord>()
  /**
   * Tasks that got no bid (the nodes that can run them are full, or did not
   * answer), back in the queue when a node that can run them shows room: a
   * task of ours ended there, or its advert came, or once a second in case
   * room came unseen. Without this a full node that alone can run them would
   * be asked again on every turn of the event loop while another has room.
   */
  private readonly waiting = new Parked<TaskRecord>()
  private probing?: Timer
  /** A small round held back for more room: its timer, or 'done' once it ran out. */
  private gathering?: Timer | 'done'
  private scheduled = false
  private running = false
  /** Tasks in auction now. */
  inAuction = 0
  /** Auction rounds held, direct awards included. */
  rounds = 0

  constructor(parts: PlacementParts) {
    this.parts = parts
    this.clock = parts.clock ?? systemClock
  }

  /** Tasks waiting for a round or parked. */
  get pending(): number {
    return this.queue.size + this.unplaceable.size + this.waiting.size
  }

  start(): void {
    this.running = true
  }

  stop(): void {
    this.running = false
    this.clock.clearTimeout(this.probing)
    this.probing = undefined
    this.stopGathering()
  }

  /**
   * A peer's advert came: tasks no node could run may run there, and it may
   * have room for waiting tasks.
   */
  viewChanged(peer: PeerOffer): void {
    this.requeue(this.unplaceable.takeFor(peer.offer, Number.POSITIVE_INFINITY))
    this.wake(peer.peerId, peer.offer)

    // queued tasks held back for want of room may find it there
    if (this.queue.size > 0) this.schedule()
  }

  /** Queues a task for the next round. */
  enqueue(record: TaskRecord): void {
    if (!this.queue.has(record)) {
      this.queue.push(record, record.task.priority, record.submittedAt)
    }

    this.schedule()
  }

  /** Starts an auction round on the next turn, so tasks submitted together go in one. */
  private schedule(): void {
    if (this.scheduled || !this.running) {
      return
    }

    this.scheduled = true
    this.clock.nextTurn(() => {
      this.scheduled = false
      this.dispatch()
    })
  }

  /** Starts auction rounds for as many queued tasks as the mesh has room for (see `nextStep`). */
  private dispatch(): void {
    while (this.running && this.queue.size > 0) {
      const peers = this.parts.peers()
      const step = nextStep({
        ...budget(peers, this.parts.room, this.clock.now(), this.parts.candidates),
        queued: this.queue.size,
        inAuction: this.inAuction,
        queuedOut: this.queuedOut(peers),
        gathered: this.gathering === 'done'
      })

      if ('wait' in step) {
        if (step.wait === 'room') {
          this.probe()
        } else {
          this.gathering ??= this.clock.setTimeout(() => {
            this.gathering = 'done'
            this.schedule()
          }, GATHER_WAIT)
        }

        return
      }

      const batch: TaskRecord[] = []

      while (batch.length < step.take && this.queue.size > 0) {
        batch.push(this.queue.pop() as TaskRecord)
      }

      this.stopGathering()

      // a task alone, with nothing queued or in auction behind it, may be placed directly
      const lone = batch.length === 1 && this.queue.size === 0 && this.inAuction === 0
      this.inAuction += batch.length
      void this.round(batch, { lone, ...(step.backlog ? { candidates: 1 } : {}) })
    }
  }

  private async round(batch: TaskRecord[], options: RoundOptions): Promise<void> {
    this.rounds++

    for (const record of batch) {
      record.state = 'auction'
    }

    try {
      const outcome = await this.parts.auctions.run(batch, options)

      // a task cancelled while its round was out stays cancelled
      for (const record of outcome.unplaceable) {
        if (record.state !== 'auction') continue
        record.state = 'pending'
        this.unplaceable.add(record)
      }

      for (const record of outcome.noBid) {
        if (record.state !== 'auction') continue
        record.state = 'pending'
        this.waiting.add(record)
      }

      if (this.waiting.size > 0) {
        this.probe()
      }

      this.parts.awarded(outcome.awarded)
    } catch (err) {
      this.parts.log.error('an auction round failed - %e', err)

      for (const record of batch) {
        if (record.state === 'auction') {
          record.state = 'pending'
          this.waiting.add(record)
        }
      }

      this.probe()
    } finally {
      this.inAuction -= batch.length
      this.schedule()
    }
  }

  /** Tasks of ours the nodes hold beyond their slots: what keeps them busy while a round waits. */
  private queuedOut(peers: readonly PeerOffer[]): number {
    const slots = peers.reduce((n, p) => n + p.offer.slots, 0)

    return this.parts.outstanding() - slots
  }

  private stopGathering(): void {
    if (this.gathering !== 'done') {
      this.clock.clearTimeout(this.gathering)
    }

    this.gathering = undefined
  }

  /** Looks again once beliefs about room have gone stale, should room appear where no answer showed it. */
  private probe(): void {
    if (this.probing !== undefined || !this.running) {
      return
    }

    this.probing = this.clock.setTimeout(() => {
      this.probing = undefined
      const peers = this.parts.peers()

      for (const { peerId, offer } of peers) {
        this.wake(peerId, offer)
      }

      // those no live node can run any more learn so in a round
      this.requeue(this.waiting.takeUnrunnable(peers.map((p) => p.offer)))

      // queued tasks held back for want of room look again too
      if (this.queue.size > 0) this.schedule()
      if (this.waiting.size > 0) this.probe()
    }, ROOM_STALE_AFTER)
  }

  /** A node may have room: the waiting tasks it can run go back in the queue, as many as it takes. */
  private wake(peer: string, offer: NodeOffer): void {
    if (this.waiting.size > 0) {
      this.requeue(this.waiting.takeFor(offer, this.parts.room.get(peer, offer, this.clock.now())))
    }
  }

  /** Puts tasks back in the queue and schedules a round. */
  private requeue(records: readonly TaskRecord[]): void {
    for (const record of records) {
      this.queue.push(record, record.task.priority, record.submittedAt)
    }

    if (records.length > 0) this.schedule()
  }

  /** A task of ours that took `slots` ended on a node: that node has room for them, which a waiting task may take. */
  freed(peer: string, slots: number): void {
    this.parts.room.add(peer, slots, this.clock.now())
    const offer = this.waiting.size > 0 ? this.parts.offer(peer) : undefined

    if (offer !== undefined) this.wake(peer, offer)
    this.schedule()
  }

  /** A peer left: what this submitter believed of its room goes with it. */
  peerLeft(peer: string): void {
    this.parts.room.forget(peer)
  }

  /** Forgets a task that ended or was cancelled. */
  delete(record: TaskRecord): void {
    this.queue.delete(record)
    this.unplaceable.delete(record)
    this.waiting.delete(record)
  }
}
