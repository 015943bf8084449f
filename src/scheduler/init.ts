/**
 * The scheduler's options, with their defaults.
 */
import { assertInteger } from '../checks.js'
import { InvalidConfigError } from '../errors.js'
import { DEFAULT_AUCTION_WINDOW } from './auction.js'
import { DEFAULT_QUEUE_DEPTH, DEFAULT_RESERVATION_TTL } from './bidder.js'
import { DEFAULT_CANDIDATES } from './candidates.js'
import { DEFAULT_HEARTBEAT_TIMEOUT } from './submitter.js'
import { DEFAULT_HEARTBEAT_INTERVAL } from './worker.js'

export interface TasksInit {
  /**
   * Handler modules: files whose exported functions are task kinds, run on
   * worker threads (one per slot). `mycel daemon --tasks` sets these.
   */
  modules?: string[]

  /**
   * Offer the built-in kinds `echo`, `sleep`, `spin` and `sha256`.
   *
   * @default true
   */
  builtins?: boolean

  /**
   * Nodes a call for proposals goes to.
   *
   * @default 3
   */
  candidates?: number

  /**
   * How long an auction with a bid in waits for the other answers, in ms.
   *
   * @default 50
   */
  auctionWindow?: number

  /**
   * Offer a lone task straight to its best candidate, which takes it if it
   * can start it at once, before holding an auction. Off, every task is
   * auctioned: a little slower, but every placement is chosen among bids.
   *
   * @default true
   */
  directAwards?: boolean

  /**
   * How often a node running tasks tells their submitters it holds them, in ms.
   *
   * @default 500
   */
  heartbeatInterval?: number

  /**
   * How long a winner may go unheard before its tasks are auctioned again, in ms.
   *
   * @default 3000
   */
  heartbeatTimeout?: number

  /**
   * Queued slot units a node takes per slot beyond those running.
   *
   * @default 32
   */
  queueDepth?: number

  /**
   * How long a bid's reservation holds, in ms.
   *
   * @default 2000
   */
  reservationTtl?: number
}

export type ResolvedTasksInit = Required<TasksInit>

export function resolveTasksInit(init: TasksInit): ResolvedTasksInit {
  const resolved = {
    modules: init.modules ?? [],
    builtins: init.builtins ?? true,
    candidates: init.candidates ?? DEFAULT_CANDIDATES,
    auctionWindow: init.auctionWindow ?? DEFAULT_AUCTION_WINDOW,
    directAwards: init.directAwards ?? true,
    heartbeatInterval: init.heartbeatInterval ?? DEFAULT_HEARTBEAT_INTERVAL,
    heartbeatTimeout: init.heartbeatTimeout ?? DEFAULT_HEARTBEAT_TIMEOUT,
    queueDepth: init.queueDepth ?? DEFAULT_QUEUE_DEPTH,
    reservationTtl: init.reservationTtl ?? DEFAULT_RESERVATION_TTL
  }

  assertInteger('tasks.candidates', resolved.candidates, 1, 64)
  assertInteger('tasks.auctionWindow', resolved.auctionWindow, 1, 60_000)
  assertInteger('tasks.heartbeatInterval', resolved.heartbeatInterval, 10, 60_000)
  assertInteger(
    'tasks.heartbeatTimeout',
    resolved.heartbeatTimeout,
    resolved.heartbeatInterval * 2,
    600_000
  )
  assertInteger('tasks.queueDepth', resolved.queueDepth, 0, 1_000)
  assertInteger('tasks.reservationTtl', resolved.reservationTtl, 10, 600_000)

  if (typeof resolved.directAwards !== 'boolean') {
    throw new InvalidConfigError('expected tasks.directAwards to be true or false')
  }

  if (
    !Array.isArray(resolved.modules) ||
    resolved.modules.some((m) => typeof m !== 'string' || m === '')
  ) {
    throw new InvalidConfigError('expected tasks.modules to be a list of file paths')
  }

  return resolved
}
