/**
 * The side of a node that submits tasks and sees them through: it queues
 * them by priority with aging, auctions them in batches, awards each to its
 * best bid, and supervises the winner. A winner that leaves the view or
 * misses heartbeats loses the task, which is auctioned again without it.
 * Handler errors and timeouts are retried with backoff up to the task's
 * `retries`; a task that takes its worker down three times fails as
 * poisoned. Results are keyed by task id: the first one counts.
 */
import type { Logger } from '@libp2p/interface'
import { TaskCancelledError, TaskFailedError } from '../errors.js'
import type { Handler } from '../rpc/index.js'
import { parseCid } from '../store/block.js'
import { Auctions, type AuctionsParts, type RoundOptions, shortId } from './auctions.js'
import type { PeerOffer } from './candidates.js'
import { budget, GATHER_WAIT, nextStep } from './dispatch.js'
import type { NodeOffer } from './needs.js'
import { Parked } from './parked.js'
import { Failure, type Report, ReportAcks, Status } from './pb/tasks.js'
import { TaskQueue } from './queue.js'
import { type ResultValue, TaskRecord } from './record.js'
import { ROOM_STALE_AFTER, RoomBook } from './room.js'
import { FINAL_STATES, type Task, type TaskState } from './task.js'
import { readReports } from './wire.js'

/** How long a winner may go unheard before its tasks are taken from it. */
export const DEFAULT_HEARTBEAT_TIMEOUT = 3_000 // ms
/** Times a task may take its worker down before it fails as poisoned. */
export const POISON_KILLS = 3
/** Finished tasks remembered for `list` and `get`. */
export const MAX_FINISHED = 10_000
/** The first retry's delay; each next one doubles, up to `MAX_BACKOFF`. */
const BASE_BACKOFF = 100 // ms
const MAX_BACKOFF = 10_000 // ms

export interface SubmitterParts extends Omit<AuctionsParts, 'log' | 'room' | 'reports'> {
  /** What a live peer offers, by its advert. */
  offer(peer: string): NodeOffer | undefined
  heartbeatTimeout: number
  log: Logger
  /** Tells the record's listeners of progress and state changes. */
  onChange(record: TaskRecord, change: 'state' | 'progress'): void
}

export interface SubmitterStats {
  submitted: number
  completed: number
  failed: number
  cancelled: number
  retried: number
  lost: number
  duplicates: number
  /** Reports refused: from a peer the task was never awarded to, or for an unknown task. */
  refusedReports: number
  pending: number
  inAuction: number
  running: number
  /** Auction rounds held, direct awards included. */
  rounds: number
}

export class Submitter {
  private readonly parts: SubmitterParts
  private readonly records = new Map<string, TaskRecord>()
  private readonly finished: string[] = []
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
  private readonly timers = new Set<ReturnType<typeof setTimeout>>()
  private readonly auctions: Auctions
  private readonly room = new RoomBook()
  private probing?: ReturnType<typeof setTimeout>
  /** Tasks awarded to a node and not yet ended or lost. */
  private readonly out = new Set<TaskRecord>()
  /** A small round held back for more room: its timer, or 'done' once it ran out. */
  private gathering?: ReturnType<typeof setTimeout> | 'done'
  private inAuction = 0
  private scheduled = false
  private supervisor?: ReturnType<typeof setInterval>
  private running = false
  private readonly counters = {
    submitted: 0,
    completed: 0,
    failed: 0,
    cancelled: 0,
    retried: 0,
    lost: 0,
    duplicates: 0,
    refusedReports: 0,
    rounds: 0
  }

  constructor(parts: SubmitterParts) {
    this.parts = parts
    this.auctions = new Auctions({
      ...parts,
      room: this.room,
      reports: (from, reports, refused) => {
        this.counters.refusedReports += refused
        for (const report of reports) this.take(from, report)
      },
      log: parts.log
    })
  }

  start(): void {
    this.running = true
    this.supervisor = setInterval(
      () => this.supervise(),
      Math.min(1_000, this.parts.heartbeatTimeout / 3)
    )
  }

  stop(): void {
    this.running = false
    clearInterval(this.supervisor)
    clearTimeout(this.probing)
    this.probing = undefined
    this.stopGathering()

    for (const timer of this.timers) {
      clearTimeout(timer)
    }

    this.timers.clear()

    for (const record of this.records.values()) {
      if (!FINAL_STATES.has(record.state)) {
        this.settle(record, 'cancelled', undefined, new TaskCancelledError('the node stopped'))
      }
    }
  }

  get(id: string): TaskRecord | undefined {
    return this.records.get(id)
  }

  /** Every task remembered, newest first. */
  all(): TaskRecord[] {
    return [...this.records.values()].reverse()
  }

  stats(): SubmitterStats {
    let running = 0

    for (const record of this.records.values()) {
      if (record.state === 'awarded' || record.state === 'running') running++
    }

    return {
      ...this.counters,
      pending: this.queue.size + this.unplaceable.size + this.waiting.size,
      inAuction: this.inAuction,
      running
    }
  }

  submit(task: Task): TaskRecord {
    const record = new TaskRecord(task, Date.now())
    this.records.set(task.id, record)
    this.counters.submitted++
    this.enqueue(record)

    return record
  }

  cancel(record: TaskRecord): void {
    if (FINAL_STATES.has(record.state)) {
      return
    }

    this.forget(record)

    if (record.node !== undefined && (record.state === 'awarded' || record.state === 'running')) {
      this.auctions.tell(record.node, 'cancel', [{ id: record.task.id, attempt: record.attempt }])
    }

    this.settle(
      record,
      'cancelled',
      undefined,
      new TaskCancelledError(`task ${record.task.id} was cancelled`)
    )
  }

  /**
   * The view changed: tasks no node could run may find one now, and room
   * may have appeared.
   */
  viewChanged(peer: PeerOffer): void {
    this.requeue(this.unplaceable.takeFor(peer.offer, Number.POSITIVE_INFINITY))
    this.wake(peer.peerId, peer.offer)
  }

  /** A peer left the view: the tasks it held are lost and auctioned again. */
  peerLeft(peer: string): void {
    for (const record of this.records.values()) {
      if (record.node === peer && (record.state === 'awarded' || record.state === 'running')) {
        this.lose(record, `${shortId(peer)} left the mesh`)
      }
    }
  }

  /** The method this side serves: reports from the nodes running its tasks. */
  handlers(): Record<string, Handler> {
    return {
      report: async (body, { peer }) => {
        const from = peer.toString()
        const acks = readReports(body).map((report) => ({
          id: report.id,
          ...this.take(from, report)
        }))

        return ReportAcks.encode({ acks })
      }
    }
  }

  private take(from: string, report: Report): { accepted: boolean; reason: string } {
    const record = this.records.get(report.id)

    if (record === undefined || ![...record.awardedTo.values()].includes(from)) {
      this.counters.refusedReports++
      return { accepted: false, reason: 'this task was not awarded to you' }
    }

    if (
      record.state === 'auction' &&
      record.attempt === report.attempt &&
      record.awardedTo.get(report.attempt) === from
    ) {
      // the winner's report overtook its answer to the award
      record.awarded(from, Date.now())
      this.out.add(record)
    }

    const current = record.node === from && record.attempt === report.attempt

    if (report.status === Status.DONE) {
      if (FINAL_STATES.has(record.state)) {
        // the node that finished it saying so again (its answer may have
        // been lost) is no second run
        if (!current) this.counters.duplicates++
        return { accepted: true, reason: 'duplicate' }
      }

      if (!current && record.node !== undefined) {
        // an earlier attempt finished first: the current one is not needed
        this.auctions.tell(record.node, 'cancel', [{ id: record.task.id, attempt: record.attempt }])
      }

      record.log(Date.now(), 'completed', from, `in ${report.elapsed} ms`)
      this.settle(record, 'completed', resultOf(report))
      this.freed(from, record)
      return { accepted: true, reason: '' }
    }

    if (FINAL_STATES.has(record.state)) {
      return { accepted: false, reason: record.state === 'cancelled' ? 'cancelled' : 'superseded' }
    }

    if (!current) {
      return { accepted: false, reason: 'superseded' }
    }

    record.heardAt = Date.now()

    if (report.status === Status.FAILED) {
      this.failed(record, report)
      this.freed(from, record)
    } else if (report.status === Status.RUNNING) {
      this.started(record, report)
    }

    return { accepted: true, reason: '' }
  }

  private started(record: TaskRecord, report: Report): void {
    if (record.state !== 'running') {
      record.state = 'running'
      record.startedAt = Date.now()
      record.log(record.startedAt, 'started', record.node)
      this.parts.onChange(record, 'state')
    }

    if (report.progress > 0 || report.message !== '') {
      record.progress = {
        fraction: Math.min(1, Math.max(0, report.progress)),
        ...(report.message === '' ? {} : { message: report.message })
      }
      this.parts.onChange(record, 'progress')
    }
  }

  private failed(record: TaskRecord, report: Report): void {
    const now = Date.now()
    const node = record.node as string

    if (report.failure === Failure.CRASHED) {
      record.kills++
      record.log(now, 'failed', node, `worker died: ${report.error}`)

      if (record.kills >= POISON_KILLS) {
        this.poison(record, report.error)
      } else {
        this.retry(record, 0)
      }

      return
    }

    if (report.failure === Failure.CANCELLED) {
      // the node gave the task up (it is stopping): another takes it
      this.lose(record, `${shortId(node)} gave it up: ${report.error}`, false)
      return
    }

    record.errors++
    record.error = report.error
    record.log(now, 'failed', node, report.error)

    if (record.errors > record.task.retries) {
      const tries = record.errors === 1 ? '' : ` after ${record.errors} attempts`
      this.settle(record, 'failed', undefined, new TaskFailedError(`${report.error}${tries}`))
      return
    }

    this.retry(record, Math.min(MAX_BACKOFF, BASE_BACKOFF * 2 ** (record.errors - 1)))
  }

  private poison(record: TaskRecord, reason: string): void {
    const message = `poisoned: the task took its worker down ${record.kills} times; last: ${reason}`
    this.settle(record, 'failed', undefined, new TaskFailedError(message))
  }

  /** The winner is gone or silent: the task goes to auction again, without it. */
  private lose(record: TaskRecord, reason: string, kill = record.state === 'running'): void {
    const node = record.node as string
    this.counters.lost++
    record.exclude.add(node)
    record.log(Date.now(), 'lost', node, reason)

    if (kill) {
      record.kills++

      if (record.kills >= POISON_KILLS) {
        this.poison(record, reason)
        return
      }
    }

    this.retry(record, 0)
  }

  private retry(record: TaskRecord, delay: number): void {
    this.counters.retried++
    this.out.delete(record)
    record.state = 'pending'
    record.node = undefined
    record.progress = undefined
    record.log(Date.now(), 'retry', undefined, delay > 0 ? `in ${delay} ms` : undefined)
    this.parts.onChange(record, 'state')

    if (delay === 0) {
      this.enqueue(record)
      return
    }

    const timer = setTimeout(() => {
      this.timers.delete(timer)

      if (record.state === 'pending') this.enqueue(record)
    }, delay)
    this.timers.add(timer)
  }

  private enqueue(record: TaskRecord): void {
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
    setImmediate(() => {
      this.scheduled = false
      this.dispatch()
    })
  }

  /** Starts auction rounds for as many queued tasks as the mesh has room for (see `nextStep`). */
  private dispatch(): void {
    while (this.running && this.queue.size > 0) {
      const step = nextStep({
        ...budget(this.parts.peers(), this.room, Date.now(), this.parts.candidates),
        queued: this.queue.size,
        inAuction: this.inAuction,
        queuedOut: this.queuedOut(),
        gathered: this.gathering === 'done'
      })

      if ('wait' in step) {
        if (step.wait === 'room') {
          this.probe()
        } else {
          this.gathering ??= setTimeout(() => {
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
    this.counters.rounds++

    for (const record of batch) {
      record.state = 'auction'
    }

    try {
      const outcome = await this.auctions.run(batch, options)

      for (const record of outcome.unplaceable) {
        record.state = 'pending'
        this.unplaceable.add(record)
      }

      for (const record of outcome.noBid) {
        record.state = 'pending'
        this.waiting.add(record)
      }

      if (this.waiting.size > 0) {
        this.probe()
      }

      for (const record of outcome.awarded) {
        this.out.add(record)
        this.parts.onChange(record, 'state')
      }
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
  private queuedOut(): number {
    const slots = this.parts.peers().reduce((n, p) => n + p.offer.slots, 0)

    return this.out.size - slots
  }

  private stopGathering(): void {
    if (this.gathering !== 'done') {
      clearTimeout(this.gathering)
    }

    this.gathering = undefined
  }

  /** Looks again once beliefs about room have gone stale, should room appear where no answer showed it. */
  private probe(): void {
    if (this.probing !== undefined) {
      return
    }

    this.probing = setTimeout(() => {
      this.probing = undefined
      const peers = this.parts.peers()

      for (const { peerId, offer } of peers) {
        this.wake(peerId, offer)
      }

      // those no live node can run any more learn so in a round
      this.requeue(this.waiting.takeUnrunnable(peers.map((p) => p.offer)))

      if (this.waiting.size > 0) this.probe()
    }, ROOM_STALE_AFTER)
  }

  /** A node may have room: the waiting tasks it can run go back in the queue, as many as it takes. */
  private wake(peer: string, offer: NodeOffer): void {
    if (this.waiting.size > 0) {
      this.requeue(this.waiting.takeFor(offer, this.room.get(peer, offer, Date.now())))
    }
  }

  /** Puts tasks back in the queue and schedules a round. */
  private requeue(records: readonly TaskRecord[]): void {
    for (const record of records) {
      this.queue.push(record, record.task.priority, record.submittedAt)
    }

    if (records.length > 0) this.schedule()
  }

  /** A task of ours ended on a node: that node has room for one more, which a waiting task may take. */
  private freed(peer: string, record: TaskRecord): void {
    this.room.add(peer, record.task.needs.slots, Date.now())
    const offer = this.waiting.size > 0 ? this.parts.offer(peer) : undefined

    if (offer !== undefined) this.wake(peer, offer)
    this.schedule()
  }

  private forget(record: TaskRecord): void {
    this.queue.delete(record)
    this.unplaceable.delete(record)
    this.waiting.delete(record)
  }

  /** Takes tasks from winners that went silent. */
  private supervise(): void {
    const now = Date.now()

    for (const record of this.records.values()) {
      if (
        (record.state === 'awarded' || record.state === 'running') &&
        now - record.heardAt > this.parts.heartbeatTimeout
      ) {
        this.auctions.tell(record.node as string, 'cancel', [
          { id: record.task.id, attempt: record.attempt }
        ])
        this.lose(
          record,
          `no heartbeat from ${shortId(record.node as string)} for ${now - record.heardAt} ms`
        )
      }
    }
  }

  private settle(record: TaskRecord, state: TaskState, result?: ResultValue, error?: Error): void {
    this.out.delete(record)
    record.state = state
    record.finishedAt = Date.now()
    this.forget(record)

    if (result !== undefined) {
      record.result = result
      this.counters.completed++
    } else if (state === 'cancelled') {
      this.counters.cancelled++
      record.log(record.finishedAt, 'cancelled', undefined, error?.message)
    } else {
      this.counters.failed++
      record.error = error?.message
    }

    record.settle(result, error)
    this.parts.onChange(record, 'state')
    this.remember(record)
  }

  /** Keeps the last `MAX_FINISHED` finished tasks. */
  private remember(record: TaskRecord): void {
    this.finished.push(record.task.id)

    while (this.finished.length > MAX_FINISHED) {
      const id = this.finished.shift() as string
      this.records.delete(id)
    }
  }
}

function resultOf(report: Report): ResultValue {
  if (report.cid !== undefined) {
    return { cid: cidText(report.cid), json: report.cidJson }
  }

  if (report.bytes !== undefined) {
    return { bytes: report.bytes }
  }

  return { json: report.json ?? 'null' }
}

/** A stored result's CID as text (checked by `readReports`). */
function cidText(bytes: Uint8Array): string {
  return parseCid(bytes).toString()
}
