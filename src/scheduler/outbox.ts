/**
 * The reports a worker owes each submitter, and their delivery.
 *
 * A submitter must learn how each task it placed here ended, so a result
 * (DONE or FAILED) waits in the outbox until the submitter has acknowledged
 * it, and goes again with the next heartbeat when a request fails; progress
 * and heartbeats are sent once, since the next ones say more. Reports queued
 * in one turn go together on the next, one message per submitter per turn,
 * however many tasks report. While the answer to an award is being built the
 * submitter's outbox is held, so the reports of the tasks it took ride that
 * answer instead of a message of their own. They are not sent again: a
 * submitter that got no answer counts the award declined and places the
 * task anew, so a result lost with its answer costs a second run, not the
 * task, and sending every such result twice would cost a message per node
 * and heartbeat for an event that rare.
 */
import type { Logger, PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { type Clock, systemClock } from '../clock.js'
import { type Report, ReportAcks, Reports, Status } from './pb/tasks.js'
import { pack } from './wire.js'

/** Reports kept for a submitter that does not take them; past it the oldest go. */
export const MAX_OUTBOX = 10_000

/** What an outbox needs of the worker. */
export interface OutboxParts {
  /** Sends a request to a peer over the tasks protocol. */
  request(peer: PeerId, method: string, body: Uint8Array): Promise<Uint8Array>
  /**
   * A submitter answered a report as superseded: it no longer wants that
   * attempt of the task, which should stop if it still runs here.
   */
  onSuperseded(submitter: string, id: string, attempt: number): void
  clock?: Clock
  log: Logger
}

/** Per-submitter queues of reports, sent in batches and kept until acknowledged. */
export class Outbox {
  private readonly parts: OutboxParts
  private readonly clock: Clock
  /** Reports waiting to go, by submitter, oldest first. */
  private readonly queues = new Map<string, Report[]>()
  /** Submitters whose queue is flushed on the next turn. */
  private readonly scheduled = new Set<string>()
  /** Answers being built, by submitter: its queue is not flushed meanwhile. */
  private readonly holds = new Map<string, number>()

  constructor(parts: OutboxParts) {
    this.parts = parts
    this.clock = parts.clock ?? systemClock
  }

  /**
   * Queues a report for a submitter and sends the queue on the next turn,
   * dropping the oldest report when `MAX_OUTBOX` are already waiting.
   */
  send(submitter: string, report: Report): void {
    const queued = this.queues.get(submitter) ?? []

    if (queued.length >= MAX_OUTBOX) {
      queued.shift()
    }

    queued.push(report)
    this.queues.set(submitter, queued)
    this.schedule(submitter)
  }

  /**
   * Queues a progress report, in place of a RUNNING report on the same task
   * still waiting to go: only the latest progress is worth sending.
   */
  update(submitter: string, report: Report): void {
    const queued = this.queues.get(submitter)
    const index = queued?.findIndex((r) => r.id === report.id && r.status === Status.RUNNING) ?? -1

    if (queued !== undefined && index >= 0) {
      queued[index] = report
      return
    }

    this.send(submitter, report)
  }

  /**
   * Holds a submitter's queue while an answer to it waits for reports to
   * take. Returns the release; once the last hold is released, what was
   * queued meanwhile goes on the next turn.
   */
  hold(submitter: string): () => void {
    this.holds.set(submitter, (this.holds.get(submitter) ?? 0) + 1)
    let released = false

    return () => {
      if (!released) {
        released = true
        this.release(submitter)
      }
    }
  }

  /**
   * Takes the reports waiting for a submitter on the given attempts (attempt
   * by task id) out of its queue, to ride an answer.
   */
  take(submitter: string, attempts: ReadonlyMap<string, number>): Report[] {
    const queued = this.queues.get(submitter)

    if (queued === undefined) {
      return []
    }

    const taken = queued.filter((r) => attempts.get(r.id) === r.attempt)

    if (taken.length === queued.length) {
      this.queues.delete(submitter)
    } else if (taken.length > 0) {
      this.queues.set(
        submitter,
        queued.filter((r) => attempts.get(r.id) !== r.attempt)
      )
    }

    return taken
  }

  /**
   * Sends every submitter its heartbeat: the beats given for it (a report on
   * each task held here), less those on tasks that already have a report
   * waiting, and whatever else waits.
   */
  beat(beats: ReadonlyMap<string, readonly Report[]>): void {
    for (const [submitter, reports] of beats) {
      const queued = this.queues.get(submitter) ?? []
      const reported = new Set(queued.map((r) => r.id))

      this.queues.set(submitter, [...queued, ...reports.filter((r) => !reported.has(r.id))])
    }

    for (const submitter of [...this.queues.keys()]) {
      void this.flush(submitter)
    }
  }

  /** Forgets what waits for a submitter that left: nobody will take it. */
  drop(submitter: string): void {
    this.queues.delete(submitter)
  }

  /** Lets go of a hold; the last one sends on what was queued for the submitter meanwhile. */
  private release(submitter: string): void {
    const holds = (this.holds.get(submitter) ?? 1) - 1

    if (holds > 0) {
      this.holds.set(submitter, holds)
      return
    }

    this.holds.delete(submitter)

    if ((this.queues.get(submitter)?.length ?? 0) > 0) {
      this.schedule(submitter)
    }
  }

  /** Flushes a submitter's queue on the next turn, unless an answer holds it or a flush is due. */
  private schedule(submitter: string): void {
    if (this.holds.has(submitter) || this.scheduled.has(submitter)) {
      return
    }

    this.scheduled.add(submitter)
    this.clock.nextTurn(() => {
      this.scheduled.delete(submitter)
      void this.flush(submitter)
    })
  }

  /** Sends a submitter its reports; results stay queued until it acknowledges them. */
  private async flush(submitter: string): Promise<void> {
    const reports = this.queues.get(submitter)

    // a held queue is flushed when the hold ends
    if (reports === undefined || reports.length === 0 || this.holds.has(submitter)) {
      return
    }

    this.queues.delete(submitter)
    const peer = peerIdFromString(submitter)

    for (const batch of pack(reports, reportSize)) {
      try {
        const answer = ReportAcks.decode(
          await this.parts.request(peer, 'report', Reports.encode({ reports: batch }))
        )

        for (const [i, ack] of answer.acks.entries()) {
          if (ack.accepted || ack.reason !== 'superseded') continue

          // only the attempt reported on was superseded: a newer one held here runs on
          const report = batch[i]?.id === ack.id ? batch[i] : batch.find((r) => r.id === ack.id)

          if (report !== undefined) {
            this.parts.onSuperseded(submitter, ack.id, report.attempt)
          }
        }
      } catch (err) {
        // results go again with the next heartbeat; progress and beats are not needed again
        const keep = batch.filter(isResult)
        this.parts.log('reports to %s failed, %d kept - %e', submitter, keep.length, err)
        this.queues.set(submitter, [...keep, ...(this.queues.get(submitter) ?? [])])
      }
    }
  }
}

/** Whether a report is a task's result (DONE or FAILED), which must reach its submitter. */
function isResult(report: Report): boolean {
  return report.status === Status.DONE || report.status === Status.FAILED
}

/** About what a report takes on the wire, to pack batches by. */
function reportSize(report: Report): number {
  return (
    64 +
    (report.json?.length ?? 0) +
    (report.bytes?.byteLength ?? 0) +
    report.error.length +
    report.message.length
  )
}
