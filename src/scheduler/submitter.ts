/**
 * The side of a node that submits tasks and sees them through: it hands
 * them to its placement (queued by priority with aging, auctioned in
 * batches, each awarded to its best bid), takes the winners' reports, and
 * supervises the winners. A winner that leaves the view or
 * misses heartbeats loses the task, which is auctioned again without it.
 * Handler errors and timeouts are retried with backoff up to the task's
 * `retries`; a task that takes its worker down three times fails as
 * poisoned. Results are keyed by task id: the first one counts.
 */
import type { Logger } from '@libp2p/interface'
import { type Clock, systemClock, type Timer } from '../clock.js'
import { TaskCancelledError, TaskFailedError } from '../errors.js'
import type { Handler } from '../rpc/index.js'
import { parseCid } from '../store/block.js'
import { Auctions, type AuctionsParts, shortId } from './auctions.js'
import type { PeerOffer } from './candidates.js'
import type { NodeOffer } from './needs.js'
import { Failure, type Report, ReportAcks, Status } from './pb/tasks.js'
import { Placement } from './placement.js'
import { type ResultValue, TaskRecord } from './record.js'
import { RoomBook } from './room.js'
import { KindTally } from './tally.js'
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
  /** Where what became of the tasks is counted by kind; a tally of its own when not given. */
  byKind?: KindTally
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
  /** What became of the tasks submitted, by kind. */
  readonly byKind: KindTally
  private readonly parts: SubmitterParts
  private readonly clock: Clock
  private readonly records = new Map<string, TaskRecord>()
  private readonly finished: string[] = []
  private readonly timers = new Set<Timer>()
  private readonly auctions: Auctions
  private readonly placement: Placement
  /** Tasks awarded to a node and not yet ended or lost. */
  private readonly out = new Set<TaskRecord>()
  private supervisor?: Timer
  private readonly counters = {
    submitted: 0,
    completed: 0,
    failed: 0,
    cancelled: 0,
    retried: 0,
    lost: 0,
    duplicates: 0,
    refusedReports: 0
  }

  constructor(parts: SubmitterParts) {
    this.parts = parts
    this.clock = parts.clock ?? systemClock
    this.byKind = parts.byKind ?? new KindTally()
    const room = new RoomBook()
    this.auctions = new Auctions({
      ...parts,
      room,
      accepted: (record) => this.byKind.add(record.task.kind, 'awarded'),
      reports: (from, reports, refused) => {
        this.counters.refusedReports += refused
        for (const report of reports) this.take(from, report)
      },
      log: parts.log
    })
    this.placement = new Placement({
      ...parts,
      auctions: this.auctions,
      room,
      outstanding: () => this.out.size,
      awarded: (records) => {
        for (const record of records) {
          this.out.add(record)
          parts.onChange(record, 'state')
        }
      }
    })
  }

  start(): void {
    this.placement.start()
    this.supervisor = this.clock.setInterval(
      () => this.supervise(),
      Math.min(1_000, this.parts.heartbeatTimeout / 3)
    )
  }

  stop(): void {
    this.placement.stop()
    this.clock.clearInterval(this.supervisor)

    for (const timer of this.timers) {
      this.clock.clearTimeout(timer)
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
      pending: this.placement.pending,
      inAuction: this.placement.inAuction,
      running,
      rounds: this.placement.rounds
    }
  }

  submit(task: Task): TaskRecord {
    const record = new TaskRecord(task, this.clock.now())
    this.records.set(task.id, record)
    this.counters.submitted++
    this.byKind.add(task.kind, 'submitted')
    this.placement.enqueue(record)

    return record
  }

  cancel(record: TaskRecord): void {
    if (FINAL_STATES.has(record.state)) {
      return
    }

    this.placement.delete(record)

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

  /** A peer's advert came: it may run tasks no node could, or have room for waiting ones. */
  viewChanged(peer: PeerOffer): void {
    this.placement.viewChanged(peer)
  }

  /** A peer left the view: the tasks it held are lost and auctioned again. */
  peerLeft(peer: string): void {
    this.placement.peerLeft(peer)

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

    // a report counts only from the peer the attempt it names was awarded to
    if (record === undefined || record.awardedTo.get(report.attempt) !== from) {
      this.counters.refusedReports++
      return { accepted: false, reason: 'this attempt of the task was not awarded to you' }
    }

    if (
      record.state === 'auction' &&
      record.attempt === report.attempt &&
      record.awardedTo.get(report.attempt) === from
    ) {
      // the winner's report overtook its answer to the award
      record.awarded(from, this.clock.now())
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

      record.log(this.clock.now(), 'completed', from, `in ${report.elapsed} ms`)
      this.settle(record, 'completed', resultOf(report))
      this.placement.freed(from, record.task.needs.slots)
      return { accepted: true, reason: '' }
    }

    if (FINAL_STATES.has(record.state)) {
      return { accepted: false, reason: record.state === 'cancelled' ? 'cancelled' : 'superseded' }
    }

    if (!current) {
      return { accepted: false, reason: 'superseded' }
    }

    record.heardAt = this.clock.now()

    if (report.status === Status.FAILED) {
      this.failed(record, report)
      this.placement.freed(from, record.task.needs.slots)
    } else if (report.status === Status.RUNNING) {
      this.started(record, report)
    }

    return { accepted: true, reason: '' }
  }

  private started(record: TaskRecord, report: Report): void {
    if (record.state !== 'running') {
      record.state = 'running'
      record.startedAt = this.clock.now()
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
    const now = this.clock.now()
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
    record.log(this.clock.now(), 'lost', node, reason)

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
    this.byKind.add(record.task.kind, 'retried')
    this.out.delete(record)
    record.state = 'pending'
    record.node = undefined
    record.progress = undefined
    record.log(this.clock.now(), 'retry', undefined, delay > 0 ? `in ${delay} ms` : undefined)
    this.parts.onChange(record, 'state')

    if (delay === 0) {
      this.placement.enqueue(record)
      return
    }

    const timer = this.clock.setTimeout(() => {
      this.timers.delete(timer)

      if (record.state === 'pending') this.placement.enqueue(record)
    }, delay)
    this.timers.add(timer)
  }

  /** Takes tasks from winners that went silent. */
  private supervise(): void {
    const now = this.clock.now()

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
    record.finishedAt = this.clock.now()
    this.placement.delete(record)

    if (result !== undefined) {
      record.result = result
      this.counters.completed++
      this.byKind.add(record.task.kind, 'completed')
    } else if (state === 'cancelled') {
      this.counters.cancelled++
      this.byKind.add(record.task.kind, 'cancelled')
      record.log(record.finishedAt, 'cancelled', undefined, error?.message)
    } else {
      this.counters.failed++
      this.byKind.add(record.task.kind, 'failed')
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
