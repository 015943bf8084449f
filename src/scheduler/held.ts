/**
 * What a node's bidder deals in: tasks as calls for proposals describe
 * them, the bids and refusals it answers, and the tasks it holds for each
 * submitter, reserved, queued or running.
 */
import type { NodeOffer } from './needs.js'
import type { TaskNeeds } from './task.js'

/** One task as a call for proposals describes it. */
export interface OfferedTask {
  id: string
  kind: string
  needs: TaskNeeds
  priority: number
  /** Input bytes this node would have to fetch to run it. */
  fetchBytes: number
}

export interface BidTerms {
  startDelay: number
  runTime: number
  fetchBytes: number
  /** ms the reservation holds. */
  expires: number
}

export type ProposalAnswer = { bid: BidTerms } | { refusal: string }

export type HeldState = 'reserved' | 'queued' | 'running'

/** A task this node has bid on, won or is running, for one submitter. */
export interface Held<T> {
  submitter: string
  id: string
  kind: string
  needs: TaskNeeds
  priority: number
  state: HeldState
  /** When a reservation lapses. */
  expires: number
  /** When it started running. */
  startedAt: number
  /** What the award carried, once awarded. */
  award?: T
}

/** What the node offers, as the bidder checks needs against it. */
export type SelfOffer = Omit<NodeOffer, 'free' | 'taken'>
