/**
 * What a node lets its peers, its submitters and its API clients do: rates
 * per peer on each protocol, the memory a task handler may use, and who may
 * be a member and who may submit. Each has a default and a key in
 * `config.json` (`limits`, `allowPeers`, `allowSubmit`). Pure: validation only.
 *
 * The rates hold per peer (per client address for the API), with a burst of
 * twice the rate (`perSecond` in `net/rate.ts`). They are set well above what honest work sends: a
 * submitter keeping two 1-slot nodes busy with no-op tasks sends each about
 * 90 calls for proposals and 90 awards a second, and a serial one up to a
 * thousand direct awards a second.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { InvalidConfigError } from '../errors.js'

export interface Limits {
  /** Calls for proposals one peer may send this node a second. */
  cfpPerSecond: number
  /** Requests of the task protocol, of every kind, one peer may send a second. */
  taskRequestsPerSecond: number
  /** Requests of the block protocol one peer may send a second. */
  blockRequestsPerSecond: number
  /** Requests one client address may send the local HTTP API a second. */
  apiRequestsPerSecond: number
  /** Heap a task handler's worker thread may grow to, in MiB; past it the thread is ended. */
  handlerMemory: number
  /** Streams of one protocol (tasks, blocks) a peer may hold open to this node per connection. */
  streamsPerConnection: number
  /** How long a task or block stream may go unused before it is closed, in ms. */
  streamIdleTimeout: number
}

export const DEFAULT_LIMITS: Limits = {
  cfpPerSecond: 500,
  taskRequestsPerSecond: 10_000,
  blockRequestsPerSecond: 10_000,
  apiRequestsPerSecond: 2_000,
  handlerMemory: 2_048,
  streamsPerConnection: 4,
  streamIdleTimeout: 30_000
}

/** Most peer ids an allow-list holds. */
const MAX_ALLOWED = 10_000

/**
 * Checks limits as given (any may be left out) and fills in the defaults.
 *
 * @throws {InvalidConfigError} naming the first limit that is wrong
 */
export function resolveLimits(value: unknown): Limits {
  return { ...DEFAULT_LIMITS, ...checkLimits(value) }
}

/**
 * Checks limits as given, keeping only those given: what `config.json`
 * holds, so that a default changed later reaches nodes that never set it.
 *
 * @throws {InvalidConfigError} naming the first limit that is wrong
 */
export function checkLimits(value: unknown): Partial<Limits> {
  if (value === undefined || value === null) {
    return {}
  }

  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidConfigError('expected limits to be an object')
  }

  const given = value as Record<string, unknown>
  const names = Object.keys(DEFAULT_LIMITS)
  const unknown = Object.keys(given).find((key) => !names.includes(key))

  if (unknown !== undefined) {
    throw new InvalidConfigError(
      `unknown limit ${JSON.stringify(unknown.slice(0, 40))}; expected ${names.join(', ')}`
    )
  }

  const limits: Partial<Limits> = {}

  for (const key of names as Array<keyof Limits>) {
    const limit = given[key]

    if (limit === undefined) continue

    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
      throw new InvalidConfigError(
        `expected limits.${key} to be an integer >= 1, got ${JSON.stringify(limit)}`
      )
    }

    limits[key] = limit
  }

  return limits
}

/**
 * Checks a list of peer ids (an allow-list); an empty list allows everyone.
 *
 * @throws {InvalidConfigError} naming the first entry that is not a peer id
 */
export function assertPeerIds(field: string, value: unknown): string[] {
  if (!Array.isArray(value) || value.length > MAX_ALLOWED) {
    throw new InvalidConfigError(
      `expected ${field} to be a list of at most ${MAX_ALLOWED} peer ids`
    )
  }

  // a peer id may be written as a CID too; the lists compare the usual form
  return value.map((id: unknown) => {
    try {
      if (typeof id !== 'string') throw new TypeError('not text')
      return peerIdFromString(id).toString()
    } catch {
      throw new InvalidConfigError(
        `expected ${field} to hold peer ids, got ${JSON.stringify(id)?.slice(0, 60)}`
      )
    }
  })
}
