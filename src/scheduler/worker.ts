/**
 * The side of a node that wins and runs tasks: it answers calls for
 * proposals through its bidder, takes awards, runs what it won by priority
 * as slots free up, and reports to each submitter. While it holds tasks for
 * a submitter it sends it a heartbeat that lists them, one message per
 * submitter per interval however many tasks it holds. The reports go
 * through an outbox (see outbox.ts), which keeps results until the submitter
 * has taken them.
 */
import type { Logger, PeerId } from '@libp2p/interface'
import { type Clock, systemClock, type Timer } from '../clock.js'
import { TaskCancelledError } from '../errors.js'
import type { Handler } from '../rpc/index.js'
import type { Bidder, Held, SelfOffer } from './bidder.js'
import type { Run } from './handlers.js'
import { Outbox } from './outbox.js'
import { Acceptances, Failure, Proposals, type Report, Status } from './pb/tasks.js'
import type { JobResult } from './pool.js'
import type { Task } from './task.js'
import { deliverable, fetchBytes, inputsOf, type TaskStore } from './task-data.js'
import { blankReport, failureOf, readAwards, readOffers, readRefs } from './wire.js'

/** How often a node tells each submitter which of its tasks it holds. */
export const DEFAULT_HEARTBEAT_INTERVAL = 500 // ms
/**
 * How long the answer to a direct award waits for the task to end, so its
 * result rides the answer. Bounded so that a task that does not end at
 * once delays only the answer saying it was taken, by about a timer tick.
 */
const INLINE_WAIT = 2 // ms
/** Departed submitters remembered at most. */
const MAX_LEFT = 1_024

/** What the worker side needs of the node. */
export interface WorkerParts {
  bidder: Bidder<Awarded>
  /** Runs a task's handler: on a thread or in process on a node, on virtual time in the simulator. */
  handlers: { run(run: Run): Promise<JobResult> }
  /** Sends a request to a peer over the tasks protocol. */
  request(peer: PeerId, method: string, body: Uint8Array): Promise<Uint8Array>
  /** What this node offers now (kinds, slots, memory, GPUs, labels). */
  self(): SelfOffer
  store: TaskStore
  /** Called when slots or the queue change, for the adverts. */
  onLoad(load: { busy: number; queued: number }): void
  heartbeatInterval: number
  /** Whether this node runs tasks of `submitter`'s; everyone's when left out. */
  maySubmit?: (submitter: string) => boolean
  /** Time and timers; the system's unless given (the simulator gives virtual ones). */
  clock?: Clock
  log: Logger
}

/** Why a call for proposals or an award from a peer not on `allowSubmit` is refused. */
export const NOT_ALLOWED_TO_SUBMIT = 'not allowed to submit'

/** What an award holds until the task runs. */
export interface Awarded {
  task: Task
  attempt: number
  controller?: AbortController
}

export interface WorkerStats {
  bids: number
  refusals: number
  awards: number
  declined: number
  completed: number
  failed: number
  /** Calls for proposals and awards refused because their sender may not submit here. */
  notAllowed: number
}

export class TaskWorker {
  private readonly parts: WorkerParts
  private readonly clock: Clock
  private readonly outbox: Outbox
  /** Submitters that left the mesh, until they ask for anything again: their reports go nowhere. */
  private readonly left = new Set<string>()
  private timer?: Timer
  private stopped = false
  private reported = { busy: 0, queued: 0 }
  private readonly running = new Set<Promise<void>>()
  private readonly counters: WorkerStats = {
    bids: 0,
    refusals: 0,
    awards: 0,
    declined: 0,
    completed: 0,
    failed: 0,
    notAllowed: 0
  }

  constructor(parts: WorkerParts) {
    this.parts = parts
    this.clock = parts.clock ?? systemClock
    this.outbox = new Outbox({
      request: (peer, method, body) => parts.request(peer, method, body),
      onSuperseded: (submitter, id, attempt) => this.cancel(submitter, id, attempt),
      clock: this.clock,
      log: parts.log.newScope('outbox')
    })
  }

  start(): void {
    this.timer = this.clock.setInterval(() => this.heartbeat(), this.parts.heartbeatInterval)
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.clock.clearInterval(this.timer)

    for (const held of this.parts.bidder.awarded().values()) {
      for (const task of held) {
        task.award?.controller?.abort(new TaskCancelledError('the node is stopping'))
      }
    }

    await Promise.allSettled([...this.running])
  }

  stats(): WorkerStats {
    return { ...this.counters }
  }

  /** The methods this side serves. */
  handlers(): Record<string, Handler> {
    const { bidder } = this.parts

    return {
      cfp: async (body, { peer }) => {
        const submitter = peer.toString()
        const offers = readOffers(body).map((offer) => ({
          ...offer,
          fetchBytes: fetchBytes(this.parts.store, offer.inputs)
        }))

        const allowed = this.parts.maySubmit?.(submitter) !== false

        if (!allowed) this.counters.notAllowed++

        const answers = allowed
          ? bidder.propose(submitter, offers, this.parts.self(), this.clock.now())
          : offers.map(() => ({ refusal: NOT_ALLOWED_TO_SUBMIT }))
        this.loadChanged()

        return Proposals.encode({
          room: bidder.room,
          proposals: answers.map((answer, i) => {
            const id = offers[i]?.id ?? ''

            if ('bid' in answer) {
              this.counters.bids++
              return { id, bid: answer.bid, refusal: '' }
            }

            this.counters.refusals++
            return { id, refusal: answer.refusal }
          })
        })
      },

      award: async (body, { peer }) => {
        const submitter = peer.toString()
        const now = this.clock.now()
        const awards = readAwards(body)
        this.left.delete(submitter)
        // the reports of the tasks taken ride the answer, so none is sent apart meanwhile
        const release = this.outbox.hold(submitter)

        try {
          const taken = new Map<string, number>()
          const direct = new Map<string, number>()
          const acceptances = awards.map(({ task, attempt, direct: isDirect }) => {
            const answer = this.accept(submitter, task, attempt, isDirect, now)

            if ('reason' in answer) {
              this.counters.declined++
              return { id: task.id, accepted: false, reason: answer.reason }
            }

            this.counters.awards++
            taken.set(task.id, attempt)
            if (isDirect) direct.set(task.id, attempt)

            return { id: task.id, accepted: true, reason: '' }
          })
          const runs = this.pump()
            .filter(
              ({ held }) =>
                held.submitter === submitter && direct.get(held.id) === held.award?.attempt
            )
            .map(({ run }) => run)

          // a task placed directly that ends at once goes back in the answer:
          // one message each way instead of an answer, a report and its ack
          if (runs.length > 0) {
            await settledWithin(this.clock, runs, INLINE_WAIT)
          }

          const reports = this.outbox.take(submitter, taken)

          return Acceptances.encode({ acceptances, reports })
        } finally {
          release()
        }
      },

      release: async (body, { peer }) => {
        bidder.release(
          peer.toString(),
          readRefs(body).map((ref) => ref.id)
        )
        this.loadChanged()

        return new Uint8Array(0)
      },

      cancel: async (body, { peer }) => {
        for (const ref of readRefs(body)) {
          this.cancel(peer.toString(), ref.id, ref.attempt)
        }

        this.loadChanged()
        return new Uint8Array(0)
      }
    }
  }

  /** Takes an award: a direct one if the task can start at once, else against this node's bid. */
  private accept(
    submitter: string,
    task: Task,
    attempt: number,
    direct: boolean,
    now: number
  ): { accepted: true } | { reason: string } {
    const { bidder } = this.parts

    if (this.parts.maySubmit?.(submitter) === false) {
      this.counters.notAllowed++
      return { reason: NOT_ALLOWED_TO_SUBMIT }
    }

    const holding = bidder.get(submitter, task.id)?.award?.attempt

    if (holding !== undefined && holding !== attempt) {
      // the cancel of the earlier attempt was lost; its report will be answered as superseded
      return { reason: `this node still holds attempt ${holding} of the task` }
    }

    return direct
      ? bidder.claim(
          submitter,
          { ...task, fetchBytes: fetchBytes(this.parts.store, task.inputs) },
          { task, attempt },
          this.parts.self(),
          now
        )
      : bidder.award(submitter, task.id, { task, attempt }, now)
  }

  /** A submitter left the mesh: nobody will take the results of its tasks. */
  submitterLeft(submitter: string): void {
    this.left.add(submitter)

    if (this.left.size > MAX_LEFT) {
      this.left.delete(this.left.values().next().value as string)
    }

    for (const held of this.parts.bidder.dropSubmitter(submitter)) {
      held.award?.controller?.abort(new TaskCancelledError('the submitter left the mesh'))
    }

    this.outbox.drop(submitter)
    this.loadChanged()
  }

  /** Cancels a task this node won, if it holds that attempt of it: a newer one runs on. */
  private cancel(submitter: string, id: string, attempt: number): void {
    if (this.parts.bidder.get(submitter, id)?.award?.attempt !== attempt) {
      return
    }

    const held = this.parts.bidder.cancel(submitter, id)
    held?.award?.controller?.abort(new TaskCancelledError('the submitter cancelled the task'))
  }

  /** Starts queued tasks while slots are free; returns the runs it started, with their tasks. */
  private pump(): Array<{ held: Held<Awarded>; run: Promise<void> }> {
    const now = this.clock.now()
    const started: Array<{ held: Held<Awarded>; run: Promise<void> }> = []

    // a stopping node starts nothing, not even what the runs it stopped leave room for
    if (this.stopped) return started

    for (
      let held = this.parts.bidder.next(now);
      held !== undefined;
      held = this.parts.bidder.next(now)
    ) {
      const run = this.run(held).finally(() => this.running.delete(run))
      this.running.add(run)
      started.push({ held, run })
    }

    this.loadChanged()

    return started
  }

  private async run(held: Held<Awarded>): Promise<void> {
    const award = held.award as Awarded
    const { task, attempt } = award
    const controller = new AbortController()
    award.controller = controller
    const startedAt = this.clock.now()
    this.outbox.send(held.submitter, { ...blankReport(task.id, attempt), status: Status.RUNNING })
    let report: Report

    try {
      const result = await this.parts.handlers.run({
        id: task.id,
        kind: task.kind,
        args: task.args,
        inputs: inputsOf(this.parts.store, task.inputs),
        timeout: task.timeout,
        signal: controller.signal,
        onProgress: (fraction, message) =>
          this.progress(held.submitter, task.id, attempt, fraction, message)
      })
      report = {
        ...blankReport(task.id, attempt),
        status: Status.DONE,
        ...(await deliverable(this.parts.store, result))
      }
      this.counters.completed++
    } catch (err) {
      report = { ...blankReport(task.id, attempt), status: Status.FAILED, ...failureOf(err) }
      this.counters.failed++
    }

    report.elapsed = this.clock.now() - startedAt
    this.parts.bidder.finish(held, this.clock.now(), report.status === Status.DONE)

    // nobody takes the report of a task its submitter cancelled or left behind
    if (
      !this.left.has(held.submitter) &&
      !(
        report.failure === Failure.CANCELLED &&
        controller.signal.reason instanceof TaskCancelledError
      )
    ) {
      this.outbox.send(held.submitter, report)
    }

    this.pump()
  }

  private progress(
    submitter: string,
    id: string,
    attempt: number,
    fraction: number,
    message?: string
  ): void {
    this.outbox.update(submitter, {
      ...blankReport(id, attempt),
      status: Status.RUNNING,
      // whatever a handler passes, the report carries a fraction the submitter takes
      progress: Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0,
      message: typeof message === 'string' ? message : ''
    })
  }

  /** Every submitter hears which of its tasks this node holds. */
  private heartbeat(): void {
    const beats = new Map<string, Report[]>()

    for (const [submitter, held] of this.parts.bidder.awarded()) {
      beats.set(
        submitter,
        held
          .filter((h) => h.award !== undefined)
          .map((h) => ({
            ...blankReport(h.id, (h.award as Awarded).attempt),
            status: h.state === 'running' ? Status.RUNNING : Status.QUEUED
          }))
      )
    }

    this.outbox.beat(beats)
  }

  /** Passes the load on to the adverts when it moved since it was last passed on. */
  private loadChanged(): void {
    const load = this.parts.bidder.load

    if (load.busy !== this.reported.busy || load.queued !== this.reported.queued) {
      this.reported = load
      this.parts.onLoad(load)
    }
  }
}

/** Resolves when every promise has settled or after `ms`, whichever comes first. */
async function settledWithin(
  clock: Clock,
  promises: readonly Promise<unknown>[],
  ms: number
): Promise<void> {
  let timer: Timer | undefined
  const late = new Promise<void>((resolve) => {
    timer = clock.setTimeout(resolve, ms)
  })

  await Promise.race([Promise.allSettled(promises), late])
  clock.clearTimeout(timer)
}
