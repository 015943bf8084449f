/**
 * The bidder: what a node has promised and holds. Pure: it is told of calls
 * for proposals, awards, releases and finished tasks, with the time, and
 * decides what to bid, what to accept and what to run next.
 *
 * A bid reserves what the task needs until the reservation expires, so a
 * node never bids the same slot twice (bidders that do not reserve
 * over-commit). Awarded tasks wait in a queue ordered by priority with
 * aging; the node takes work up to `slots × (1 + queueDepth)` slot units, so
 * the next task is at hand when one ends, as Celery's prefetch does, and a
 * node deep in work bids a start delay that says so. A quarter of that is
 * kept for tasks whose inputs the node holds, so that bids for work it
 * would have to fetch data for do not crowd out the work that is local.
 *
 * When the node is full and another submitter asks, open bids of
 * submitters holding more than their fair share give way (see `OpenBids`).
 */
import { RunTimes, startDelay } from './estimates.js'
import type { Held, OfferedTask, ProposalAnswer, SelfOffer } from './held.js'
import { unmet } from './needs.js'
import { OpenBids } from './open-bids.js'
import { TaskQueue } from './queue.js'

/**
 * Queued slot units a node takes per slot, beyond those running. Deep
 * enough that a slot running short tasks does not run dry while the next
 * auction round is out (at 8, no-op tasks ran at two thirds the rate); the
 * bids' start delays still spread longer tasks, as each queued task adds to
 * the delay a node bids.
 */
export const DEFAULT_QUEUE_DEPTH = 32
/** How long a bid's reservation holds. */
export const DEFAULT_RESERVATION_TTL = 2_000 // ms

export interface BidderInit {
  /** Execution slots. */
  slots: number
  /** GPUs. */
  gpu: number
  /** Queued slot units per slot (see the module's doc). */
  queueDepth?: number
  reservationTtl?: number
}

export type {
  BidTerms,
  Held,
  HeldState,
  OfferedTask,
  ProposalAnswer,
  SelfOffer
} from './held.js'

export class Bidder<T> {
  private readonly held = new Map<string, Held<T>>()
  private readonly queue = new TaskQueue<Held<T>>()
  private readonly runTimes = new RunTimes()
  private readonly slots: number
  private gpu: number
  private readonly limit: number
  private readonly ttl: number
  /** Slot units reserved, queued and running. */
  private committed = 0
  /** Slot units each submitter's open bids reserve, and which give way to another. */
  private readonly open = new OpenBids()
  private busySlots = 0
  private busyGpu = 0
  private queuedSlots = 0

  constructor(init: BidderInit) {
    this.slots = init.slots
    this.gpu = init.gpu
    this.limit = init.slots * (1 + (init.queueDepth ?? DEFAULT_QUEUE_DEPTH))
    this.ttl = init.reservationTtl ?? DEFAULT_RESERVATION_TTL
  }

  /** Sets the GPUs this node has, once they are known. */
  setGpu(gpu: number): void {
    this.gpu = gpu
  }

  /** Slot units this node could still take: what bids would not be refused for. */
  get room(): number {
    return Math.max(0, this.limit - this.committed)
  }

  /** Slots in use and slot units queued, for this node's adverts. */
  get load(): { busy: number; queued: number } {
    return { busy: this.busySlots, queued: this.queuedSlots }
  }

  /**
   * Answers a call for proposals: a bid that reserves, or a refusal with the
   * reason. Tasks with the fewest bytes to fetch (those whose inputs are all
   * here come first) are reserved first, then by priority, so a full node
   * keeps the work it is best placed for.
   */
  propose(
    submitter: string,
    offers: readonly OfferedTask[],
    self: SelfOffer,
    now: number
  ): ProposalAnswer[] {
    this.expire(now)
    const order = offers
      .map((offer, index) => ({ offer, index }))
      .sort(
        (a, b) => a.offer.fetchBytes - b.offer.fetchBytes || b.offer.priority - a.offer.priority
      )
    const answers: ProposalAnswer[] = new Array(offers.length)

    for (const { offer, index } of order) {
      answers[index] = this.proposeOne(submitter, offer, self, now)
    }

    return answers
  }

  /**
   * Takes an award. It is accepted only against an open reservation from the
   * same submitter; one whose reservation lapsed is declined with the reason.
   */
  award(
    submitter: string,
    id: string,
    award: T,
    now: number
  ): { accepted: true } | { reason: string } {
    const held = this.held.get(key(submitter, id))

    if (held === undefined) {
      return {
        reason: this.open.gaveWayFor(key(submitter, id))
          ? 'the bid gave way to another submitter'
          : 'no open bid for this task'
      }
    }

    if (held.state !== 'reserved') {
      // the same award again, after an answer that was lost
      return { accepted: true }
    }

    if (held.expires < now) {
      this.drop(held)
      return { reason: 'the reservation expired' }
    }

    this.unreserve(held)
    held.state = 'queued'
    held.award = award
    this.queuedSlots += held.needs.slots
    this.queue.push(held, held.priority, now)

    return { accepted: true }
  }

  /**
   * Takes a task offered without an auction (a direct award), but only when
   * it can start at once: a slot and the GPUs it needs are free, and no
   * task is queued (it would run first, even one waiting for a GPU) or
   * reserved by another bid to take them first. The submitter's own
   * reservation on the same task is not counted, as the claim takes its
   * place. Otherwise it is declined, and the submitter asks for bids instead.
   */
  claim(
    submitter: string,
    offer: OfferedTask,
    award: T,
    self: SelfOffer,
    now: number
  ): { accepted: true } | { reason: string } {
    this.expire(now)
    const existing = this.held.get(key(submitter, offer.id))

    if (existing !== undefined && existing.state !== 'reserved') {
      // the same award again, after an answer that was lost
      return { accepted: true }
    }

    // the submitter's own bid on this task gives way to the claim
    const own = existing?.needs.slots ?? 0

    if (this.queue.size > 0 || this.committed - own + offer.needs.slots > this.slots) {
      const reserved = this.committed - this.busySlots - this.queuedSlots
      const running = `${this.busySlots} of ${this.slots} slots running`
      return { reason: `busy: ${running}, ${this.queuedSlots} queued, ${reserved} reserved` }
    }

    if (offer.needs.gpu > this.gpu - this.busyGpu) {
      return { reason: `busy: ${this.busyGpu} of ${this.gpu} GPUs in use` }
    }

    const [answer] = this.propose(submitter, [offer], self, now)

    if (answer === undefined || 'refusal' in answer) {
      return { reason: answer?.refusal ?? 'no answer' }
    }

    return this.award(submitter, offer.id, award, now)
  }

  /** Lets go of bids a submitter did not take; returns how many it held. */
  release(submitter: string, ids: readonly string[]): number {
    let released = 0

    for (const id of ids) {
      const held = this.held.get(key(submitter, id))

      if (held?.state === 'reserved') {
        this.drop(held)
        released++
      }
    }

    return released
  }

  /**
   * Drops a task its submitter cancelled. A queued one is gone; a running one
   * is returned so the caller can stop it (and then calls `finish`).
   */
  cancel(submitter: string, id: string): Held<T> | undefined {
    const held = this.held.get(key(submitter, id))

    if (held === undefined) {
      return undefined
    }

    if (held.state !== 'running') {
      this.drop(held)
    }

    return held
  }

  /** The next queued task that fits in the free slots, now running; none if the first in line does not fit. */
  next(now: number): Held<T> | undefined {
    const first = this.queue.peek()

    if (
      first === undefined ||
      first.needs.slots > this.slots - this.busySlots ||
      first.needs.gpu > this.gpu - this.busyGpu
    ) {
      return undefined
    }

    this.queue.pop()
    first.state = 'running'
    first.startedAt = now
    this.queuedSlots -= first.needs.slots
    this.busySlots += first.needs.slots
    this.busyGpu += first.needs.gpu

    return first
  }

  /** A running task ended; its run time teaches the estimate for its kind. */
  finish(held: Held<T>, now: number, timed = true): void {
    if (this.held.get(key(held.submitter, held.id)) !== held) {
      return
    }

    if (timed) {
      this.runTimes.learn(held.kind, Math.max(0, now - held.startedAt))
    }

    this.drop(held)
  }

  /**
   * Everything held for a submitter, e.g. one that left: reservations and
   * queued ones are dropped, running ones returned.
   */
  dropSubmitter(submitter: string): Held<T>[] {
    const running: Held<T>[] = []

    for (const held of [...this.held.values()]) {
      if (held.submitter !== submitter) continue
      if (held.state === 'running') running.push(held)
      else this.drop(held)
    }

    return running
  }

  /** The awarded tasks held for each submitter, for heartbeats. */
  awarded(): Map<string, Held<T>[]> {
    const bySubmitter = new Map<string, Held<T>[]>()

    for (const held of this.held.values()) {
      if (held.state === 'reserved') continue
      const list = bySubmitter.get(held.submitter) ?? []
      list.push(held)
      bySubmitter.set(held.submitter, list)
    }

    return bySubmitter
  }

  get(submitter: string, id: string): Held<T> | undefined {
    return this.held.get(key(submitter, id))
  }

  /** Drops lapsed reservations; returns how many. */
  expire(now: number): number {
    let expired = 0

    for (const held of [...this.held.values()]) {
      if (held.state === 'reserved' && held.expires < now) {
        this.drop(held)
        expired++
      }
    }

    return expired
  }

  /** What a kind is expected to take, in ms. */
  runTime(kind: string): number {
    return this.runTimes.expected(kind)
  }

  private proposeOne(
    submitter: string,
    offer: OfferedTask,
    self: SelfOffer,
    now: number
  ): ProposalAnswer {
    const cannot = unmet(offer.kind, offer.needs, { ...self, free: 0, taken: self.slots })

    if (cannot !== undefined) {
      return { refusal: `this node ${cannot}` }
    }

    if (offer.needs.memory > self.memoryFree) {
      return {
        refusal: `this node has ${Math.floor(self.memoryFree)} MiB free, the task needs ${offer.needs.memory} MiB`
      }
    }

    const existing = this.held.get(key(submitter, offer.id))

    if (existing !== undefined && existing.state !== 'reserved') {
      return { refusal: 'this node already holds the task' }
    }

    // a new call for the same task replaces the earlier bid: its answer,
    // bid or refusal, is the one the submitter goes by
    if (existing !== undefined) {
      this.drop(existing)
    }

    // a quarter of the queue is kept for tasks whose inputs are here
    const limit =
      offer.fetchBytes === 0 ? this.limit : Math.max(this.slots, Math.floor(this.limit * 0.75))

    if (
      this.committed + offer.needs.slots > limit &&
      !this.makeRoom(submitter, this.committed + offer.needs.slots - limit)
    ) {
      return {
        refusal: `busy: ${this.busySlots} of ${this.slots} slots running and the queue is full`
      }
    }

    const delay = startDelay(this.held.values(), this.runTimes, this.slots, offer.priority, now)
    const held: Held<T> = {
      submitter,
      id: offer.id,
      kind: offer.kind,
      needs: offer.needs,
      priority: offer.priority,
      state: 'reserved',
      expires: now + this.ttl,
      startedAt: 0
    }
    this.held.set(key(submitter, offer.id), held)
    this.committed += offer.needs.slots
    this.open.add(submitter, offer.needs.slots)

    return {
      bid: {
        startDelay: delay,
        runTime: Math.round(this.runTime(offer.kind)),
        fetchBytes: offer.fetchBytes,
        expires: this.ttl
      }
    }
  }

  /**
   * Lets open bids of submitters over their fair share give way, until
   * `needed` slot units are free for `asker`; whether they are.
   */
  private makeRoom(asker: string, needed: number): boolean {
    const newestFirst = [...this.held.values()].reverse().filter((h) => h.state === 'reserved')
    const giving = this.open.toGiveWay(asker, needed, newestFirst, this.limit, this.slots)

    for (const held of giving) {
      this.open.gaveWayAt(key(held.submitter, held.id))
      this.drop(held)
    }

    return giving.length > 0
  }

  /** Takes an open bid off its submitter's reserved units. */
  private unreserve(held: Held<T>): void {
    this.open.remove(held.submitter, held.needs.slots)
  }

  private drop(held: Held<T>): void {
    const k = key(held.submitter, held.id)

    if (this.held.get(k) !== held) {
      return
    }

    this.held.delete(k)
    this.committed -= held.needs.slots

    if (held.state === 'reserved') {
      this.unreserve(held)
    } else if (held.state === 'queued') {
      this.queue.delete(held)
      this.queuedSlots -= held.needs.slots
    } else if (held.state === 'running') {
      this.busySlots -= held.needs.slots
      this.busyGpu -= held.needs.gpu
    }
  }
}

function key(submitter: string, id: string): string {
  return `${submitter}/${id}`
}
