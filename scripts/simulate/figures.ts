/**
 * The figures of one run, from what the simulated mesh logged: throughput,
 * makespan and waits against the ideal scheduler, messages per task by
 * kind, advert traffic, bids per auction, locality, and for churn and
 * failure what moved and how long recovery took.
 */
import { idealSchedule } from './ideal.js'
import type { SimMesh } from './mesh.js'
import type { Plan, WorkloadName } from './workloads.js'

/** gossipsub's mesh degree: each node passes each advert it first hears to about D - 1 others. */
export const GOSSIP_DEGREE = 6

export interface Figures {
  workload: WorkloadName
  nodes: number
  slots: number
  submitters: number
  tasks: number
  completed: number
  /** Tasks that did not complete: must be 0. */
  lost: number
  tasksPerSecond: number
  makespan: number
  idealMakespan: number
  wait: { p50: number; p99: number }
  idealWait: { p50: number; p99: number }
  /** Mean time from submission to the end of the run, against the ideal's: ideal / actual. */
  efficiency: number
  messagesPerTask: number
  messagesByKind: Record<string, number>
  /** Messages delayed by a lost packet and its retransmission. */
  retransmitted: number
  /** Distinct adverts each node takes in a second, and the copies gossipsub sends per node (model). */
  adverts: { heardPerNodePerSecond: number; sentPerNodePerSecond: number }
  bidsPerAuction: number
  /** Of the tasks that read a block, the share that ran on a node holding it. */
  local?: number
  blocks?: { stored: number; moved: number; idealMoved: number; lost: number; short: number }
  /**
   * After the mass failure: nodes failed, tasks they held, blocks whose
   * every copy was on them (gone at once, whatever repair does), and how
   * long until every task they held had completed elsewhere and every other
   * block was back to r copies.
   */
  recovery?: { failed: number; held: number; gone: number; tasksMs: number; blocksMs: number }
  /** Runs started, every attempt counted: more than the tasks where tasks were lost with their node and run again. */
  attempts: number
  attemptsPerTask: number
  virtualSeconds: number
  wallSeconds: number
  events: number
}

export interface RunLog {
  workload: WorkloadName
  plan: Plan
  submittedAt: Map<string, number>
  /** Slots of the mesh the ideal scheduler gets. */
  slots: number
  start: number
  end: number
  /** Adverts published before the workload began (while every view filled). */
  advertsBefore: number
  wall: number
  idealMoved?: number
  recovery?: Figures['recovery']
}

export function figures(mesh: SimMesh, log: RunLog): Figures {
  const { plan } = log
  const ideal = idealSchedule(
    plan.tasks.map((t) => ({ submittedAt: t.at, ms: t.ms })),
    log.slots
  )
  const waits: number[] = []
  const responses: number[] = []
  /** The ideal's response times for the same tasks as `responses`. */
  const idealResponses: number[] = []
  let completed = 0
  let withInput = 0
  let local = 0
  let firstSubmitted = Number.POSITIVE_INFINITY
  let lastEnd = log.start

  for (const [i, task] of plan.tasks.entries()) {
    const record = mesh.settled.get(task.id)
    const run = mesh.runs.get(task.id)
    const submitted = log.submittedAt.get(task.id)
    if (record?.state !== 'completed' || run?.end === undefined || submitted === undefined) continue

    completed++
    waits.push(run.start - submitted)
    responses.push(run.end - submitted)
    idealResponses.push((ideal.waits[i] ?? 0) + task.ms)
    firstSubmitted = Math.min(firstSubmitted, submitted)
    lastEnd = Math.max(lastEnd, run.end)

    if (task.input !== undefined) {
      withInput++
      if (run.local) local++
    }
  }

  const idealResponse = mean(idealResponses)
  const sent = [...mesh.network.messages.values()].reduce((a, b) => a + b, 0)
  const seconds = (log.end - log.start) / 1_000
  const adverts = mesh.advertsPublished - log.advertsBefore
  const makespan = completed === 0 ? 0 : lastEnd - firstSubmitted
  const stats = mesh.blocks.stats()
  const ordered = [...ideal.waits].sort((a, b) => a - b)

  return {
    workload: log.workload,
    nodes: mesh.init.nodes,
    slots: mesh.init.slots,
    submitters: mesh.init.submitters,
    tasks: plan.tasks.length,
    completed,
    lost: plan.tasks.length - completed,
    tasksPerSecond: round(completed / (makespan / 1_000)),
    makespan: Math.round(makespan),
    idealMakespan: Math.round(ideal.makespan),
    wait: percentiles(waits),
    idealWait: { p50: round(quantile(ordered, 0.5)), p99: round(quantile(ordered, 0.99)) },
    efficiency: round(idealResponse / mean(responses), 3),
    messagesPerTask: round(sent / Math.max(1, completed)),
    messagesByKind: Object.fromEntries(
      [...mesh.network.messages].map(([kind, n]) => [kind, round(n / Math.max(1, completed))])
    ),
    retransmitted: mesh.network.retransmitted,
    adverts: {
      heardPerNodePerSecond: round(adverts / seconds),
      sentPerNodePerSecond: round(((GOSSIP_DEGREE - 1) * adverts) / seconds)
    },
    bidsPerAuction: round(mean(mesh.bidsPerAuction)),
    ...(withInput === 0 ? {} : { local: round(local / withInput, 3) }),
    ...(stats.blocks === 0
      ? {}
      : {
          blocks: {
            stored: stats.blocks,
            moved: stats.moved,
            idealMoved: Math.round(log.idealMoved ?? 0),
            lost: stats.lost,
            short: stats.short
          }
        }),
    ...(log.recovery === undefined ? {} : { recovery: log.recovery }),
    attempts: mesh.started,
    attemptsPerTask: round(mesh.started / Math.max(1, completed), 3),
    virtualSeconds: round(seconds, 1),
    wallSeconds: round(log.wall / 1_000, 1),
    events: mesh.clock.events
  }
}

function percentiles(values: number[]): { p50: number; p99: number } {
  const sorted = [...values].sort((a, b) => a - b)
  return { p50: round(quantile(sorted, 0.5)), p99: round(quantile(sorted, 0.99)) }
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length
}

function round(value: number, digits = 2): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}
