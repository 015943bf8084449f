/**
 * What a node does with each advert that reaches it: check it, hold its
 * author to a rate, make room for it in the view or not, and count every
 * outcome by reason. Pure: bytes, an author and a clock in; a verdict for
 * gossipsub out (accept and forward, ignore, or reject and penalise).
 */

import { RateLimiter } from '../net/rate.js'
import type { Advert } from './pb/advert.js'
import { type IgnoreReason, REJECT_REASONS, type RejectReason, validateAdvert } from './validate.js'
import type { MeshView } from './view.js'

/** Adverts an author may send in a burst, and per second after it. */
export const DEFAULT_ADVERT_BURST = 40
export const DEFAULT_ADVERT_RATE = 20 // per second

/** Why an advert was dropped without blame. */
export const IGNORE_REASONS = [
  'duplicate',
  'stale',
  'rate-limited',
  'view-full',
  'not-allowed'
] as const

export type DropReason = IgnoreReason | 'rate-limited' | 'view-full' | 'not-allowed'

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

  /** Whether a peer may be in the view: false for one not on the mesh's allow-list. */
  allowed?: (peerId: string) => boolean
}

export class AdvertIntake {
  private readonly view: MeshView
  private readonly limiter: RateLimiter
  private readonly allowed?: (peerId: string) => boolean
  private readonly counts: IntakeStats = {
    accepted: 0,
    ignored: Object.fromEntries(IGNORE_REASONS.map((r) => [r, 0])) as Record<DropReason, number>,
    rejected: Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<RejectReason, number>
  }

  constructor(view: MeshView, init: AdvertIntakeInit = {}) {
    this.view = view
    this.allowed = init.allowed
    this.limiter = new RateLimiter({
      perSecond: init.rate ?? DEFAULT_ADVERT_RATE,
      burst: init.burst ?? DEFAULT_ADVERT_BURST
    })
    // a departed author's bucket goes with it, so buckets never outnumber the view
    view.addEventListener('peer:left', (evt) => this.limiter.forget(evt.detail.peerId))
  }

  /** Decides on one advert from `author` and, when it is taken, puts it in the view. */
  take(author: string, bytes: Uint8Array, now: number): Verdict {
    const last = this.view.last(author)
    const checked = validateAdvert(bytes, { now, ...(last === undefined ? {} : { last }) })

    if (!checked.ok) {
      return this.drop(checked.reason, checked.detail)
    }

    // a member may relay an advert from a peer this node does not let in
    if (this.allowed?.(author) === false) {
      return this.drop('not-allowed', `${author} is not on the allow-list`)
    }

    if (!this.view.hasRoomFor(author)) {
      return this.drop('view-full', `the view holds ${this.view.size} peers`)
    }

    if (!this.limiter.take(author, now)) {
      return this.drop('rate-limited', `more than ${this.limiter.rate.perSecond} adverts a second`)
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
}
