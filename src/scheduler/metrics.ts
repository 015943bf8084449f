/**
 * The scheduler's metrics: `mycel_tasks_*` for the tasks this node
 * submitted (by kind), `mycel_scheduler_*` for its auctions and for the
 * work it runs for the mesh. Counters and gauges are read from the
 * scheduler's own counts when scraped; the auction histograms are observed
 * as each auction closes.
 */
import type { Metrics } from '@libp2p/interface'
import { registerCounters, registerGauges, reused } from '../metrics/readings.js'
import { registerRpcMetrics } from '../rpc/metrics.js'
import type { TaskStats } from './service.js'
import { type KindTally, TALLY_EVENTS, type TallyEvent } from './tally.js'

/** Auction durations, in seconds: an answer from this node itself to a full window and past it. */
const AUCTION_SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
/** Bids per auction: none up to the candidates asked, and more when asked of more. */
const AUCTION_BIDS_BUCKETS = [0, 1, 2, 3, 4, 6, 8]

/** What each of the `mycel_tasks_<event>_total` counts. */
const TALLY_HELP: Record<TallyEvent, string> = {
  submitted: 'Tasks this node submitted',
  awarded: 'Awards of tasks this node submitted that a node took (each attempt counts)',
  completed: 'Tasks this node submitted that completed',
  failed: 'Tasks this node submitted that failed, after their retries',
  retried: 'Attempts of tasks this node submitted that were tried again',
  cancelled: 'Tasks this node submitted that were cancelled'
}

/** Told of each auction once it is over. */
export type AuctionObserver = (duration: number, bids: number) => void

/**
 * Registers the scheduler's metrics; answers the hook the auctions report to.
 *
 * @param read reads the scheduler's counts
 * @param byKind what became of the submitted tasks, by kind
 */
export function registerTaskMetrics(
  metrics: Metrics,
  read: () => TaskStats,
  byKind: KindTally
): AuctionObserver {
  const stats = reused(read)

  for (const event of TALLY_EVENTS) {
    metrics.registerCounterGroup(`mycel_tasks_${event}_total`, {
      label: 'kind',
      help: `${TALLY_HELP[event]}, by kind`,
      calculate: () => byKind.of(event)
    })
  }

  registerCounters(metrics, stats, [
    [
      'mycel_tasks_lost_total',
      'Attempts lost with the node running them (silent or gone), each then retried',
      (s) => s.submitter.lost
    ],
    [
      'mycel_tasks_refused_reports_total',
      'Reports refused: for a task never awarded to their sender, or unknown',
      (s) => s.submitter.refusedReports
    ],
    [
      'mycel_scheduler_rounds_total',
      'Auction rounds held by this node, direct awards included',
      (s) => s.submitter.rounds
    ]
  ])
  metrics.registerMetricGroup('mycel_tasks_open', {
    label: 'state',
    help: 'Tasks this node submitted that have not ended, by state',
    calculate: () => {
      const { pending, inAuction, running } = stats().submitter
      return { pending, auction: inAuction, running }
    }
  })
  registerGauges(metrics, stats, [
    ['mycel_scheduler_slots', 'Execution slots this node offers', (s) => s.slots.total],
    ['mycel_scheduler_slots_busy', 'Execution slots running a task', (s) => s.slots.busy],
    [
      'mycel_scheduler_queue_length',
      'Slot units of tasks won and waiting for a slot on this node',
      (s) => s.slots.queued
    ]
  ])
  registerCounters(metrics, stats, [
    ['mycel_scheduler_bids_total', 'Bids this node made', (s) => s.worker.bids],
    [
      'mycel_scheduler_refusals_total',
      'Calls for proposals this node refused, per task',
      (s) => s.worker.refusals
    ],
    ['mycel_scheduler_awards_total', 'Awards this node took', (s) => s.worker.awards],
    ['mycel_scheduler_declined_total', 'Awards this node declined', (s) => s.worker.declined],
    [
      'mycel_scheduler_not_allowed_total',
      'Calls for proposals and awards refused: their sender may not submit to this node',
      (s) => s.worker.notAllowed
    ]
  ])

  metrics.registerCounterGroup('mycel_scheduler_ran_total', {
    label: 'outcome',
    help: 'Tasks this node ran for the mesh, by outcome',
    calculate: () => {
      const { completed, failed } = stats().worker
      return { completed, failed }
    }
  })
  metrics.registerCounterGroup('mycel_scheduler_threads_lost_total', {
    label: 'reason',
    help: 'Worker threads replaced: crashed, or killed at a task timeout',
    calculate: () => {
      const pool = stats().pool
      return { crashed: pool?.crashed ?? 0, timeout: pool?.timedOut ?? 0 }
    }
  })
  registerRpcMetrics(metrics, 'tasks', () => stats().protocol)

  const duration = metrics.registerHistogram('mycel_scheduler_auction_duration_seconds', {
    help:
      'Time from the calls for proposals of an auction to its award or its giving up ' +
      '(a task offered straight to one node, with no auction, is not counted)',
    buckets: AUCTION_SECONDS_BUCKETS
  })
  const bids = metrics.registerHistogram('mycel_scheduler_auction_bids', {
    help: 'Bids each auction got (direct offers, with no auction, are not counted)',
    buckets: AUCTION_BIDS_BUCKETS
  })

  return (ms, count) => {
    duration.observe(ms / 1_000)
    bids.observe(count)
  }
}
