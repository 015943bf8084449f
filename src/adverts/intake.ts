/**
 * What a node does with each advert that reaches it: check it, hold its
 * author to a rate, make room for it in the view or not, and count every
 * outcome by reason. Pure: bytes, an author and a clock in; a verdict for
 * gossipsub out (accept and forward, ignore, or reject and penalise).
 */
import type { Advert } from './pb/advert.js'
import { type IgnoreReason, REJECT_REASONS, type RejectReason, validateAdvert } from './validate.js'
import type { MeshView } from './view.js'

/** Adverts an author may send in a burst, and per second after it. */
export const DEFAULT_ADVERT_BURST = 40
export const DEFAULT_ADVERT_RATE = 20 // per second

/** Why an advert was dropped without blame. */
export const IGNORE_REASONS = ['duplicate', 'stale', 'rate-limited', 'view-full'] as const

export type DropReason = IgnoreReason | 'rate-limited' | 'view-full'

export type Verdict =
  | { result: 'accept'; advert: Advert }
  | { result: 'ignore'; reason: DropReason; detail: string }
  | { result: 'reject'; reason: RejectReason; detail: string }

/** Adverts taken, dropped and refused, by reason. */
export interface IntakeStats {
  accepted: number
  ignored: Record<DropReason, number>
  rejected: Record<RejectReason, number>
}

export interface AdvertIntakeInit {
  /**
   * Adverts an author may send in a burst.
   *
   * @default 40
   */
  burst?: number

  /**
   * Adverts per second an author may send after a burst.
   *
   * @default 20
   */
  rate?: number
}

interface Bucket {
  tokens: number
  at: number
}

export class AdvertIntake {
  private readonly view: MeshView
  private readonly burst: number
  private readonly rate: number
  private readonly buckets = new Map<string, Bucket>()
  private readonly counts: IntakeStats = {
    accepted: 0,
    ignored: Object.fromEntries(IGNORE_REASONS.map((r) => [r, 0])) as Record<DropReason, number>,
    rejected: Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<RejectReason, number>
  }

  constructor(view: MeshView, init: AdvertIntakeInit = {}) {
    this.view = view
    this.burst = init.burst ?? DEFAULT_ADVERT_BURST
    this.rate = init.rate ?? DEFAULT_ADVERT_RATE
    // a departed author's bucket goes with it, so buckets never outnumber the view
    view.addEventListener('peer:left', (evt) => this.buckets.delete(evt.detail.peerId))
  }

  /** Decides on one advert from `author` and, when it is taken, puts it in the view. */
  take(author: string, bytes: Uint8Array, now: number): Verdict {
    const last = this.view.last(author)
    const checked = validateAdvert(bytes, { now, ...(last === undefined ? {} : { last }) })

    if (!checked.ok) {
      return this.drop(checked.reason, checked.detail)
    }

    if (!this.view.hasRoomFor(author)) {
      return this.drop('view-full', `the view holds ${this.view.size} peers`)
    }

    if (!this.spend(author, now)) {
      return this.drop('rate-limited', `more than ${this.rate} adverts a second`)
    }

    this.counts.accepted++
    this.view.apply(author, checked.advert, now)

    return { result: 'accept', advert: checked.advert }
  }

  stats(): IntakeStats {
    return {
      accepted: this.counts.accepted,
      ignored: { ...this.counts.ignored },
      rejected: { ...this.counts.rejected }
    }
  }

  private drop(reason: DropReason | RejectReason, detail: string): Verdict {
    if ((REJECT_REASONS as readonly string[]).includes(reason)) {
      this.counts.rejected[reason as RejectReason]++
      return { result: 'reject', reason: reason as RejectReason, detail }
    }

    this.counts.ignored[reason as DropReason]++
    return { result: 'ignore', reason: reason as DropReason, detail }
  }

  /** Takes a token from the author's bucket, refilled at `rate` a second up to `burst`. */
  private spend(author: string, now: number): boolean {
    const bucket = this.buckets.get(author) ?? { tokens: this.burst, at: now }
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.rate)
    bucket.at = now
    this.buckets.set(author, bucket)

    if (bucket.tokens < 1) {
      return false
    }

    bucket.tokens -= 1
    return true
  }
}
