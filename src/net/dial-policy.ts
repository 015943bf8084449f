/**
 * Which known peers the connection keeper dials next, and how long it waits
 * before it tries a failing peer again. Pure: takes what the node knows and a
 * clock, returns decisions.
 */

/** What the keeper knows of one peer it is not connected to. */
export interface DialCandidate {
  /** The peer id as a string. */
  id: string
  /** How many addresses the peer store holds for it. */
  addresses: number
}

/** The record of a peer whose dials have failed. */
export interface DialFailure {
  /** Failed dials in a row. */
  count: number
  /** When the next dial may start, in ms since the epoch. */
  retryAt: number
}

export interface DialPolicyInit {
  /** The first wait after a failed dial, in ms. */
  backoffBase: number
  /** The longest wait between dials of a failing peer, in ms. */
  backoffMax: number
}

/** Wait after the first failed dial of a peer. */
export const DEFAULT_BACKOFF_BASE = 1_000 // ms
/** Longest wait between dials of a peer that keeps failing. */
export const DEFAULT_BACKOFF_MAX = 60_000 // ms

/**
 * Picks up to `count` peers to dial: never ourselves, never one we are
 * connected to or dialling, never one without an address or still backing
 * off. Peers that failed least come first; ties are broken by `random` so many
 * nodes that know the same peers do not all dial the same few.
 */
export function chooseDialTargets(options: {
  self: string
  known: readonly DialCandidate[]
  busy: ReadonlySet<string>
  failures: ReadonlyMap<string, DialFailure>
  now: number
  count: number
  random: () => number
}): string[] {
  const { self, known, busy, failures, now, count, random } = options

  if (count <= 0) {
    return []
  }

  return known
    .filter((peer) => peer.id !== self && peer.addresses > 0 && !busy.has(peer.id))
    .filter((peer) => (failures.get(peer.id)?.retryAt ?? 0) <= now)
    .map((peer) => ({ id: peer.id, failed: failures.get(peer.id)?.count ?? 0, tie: random() }))
    .sort((a, b) => a.failed - b.failed || a.tie - b.tie)
    .slice(0, count)
    .map((peer) => peer.id)
}

/** The failure record after one more failed dial: exponential backoff, capped. */
export function recordFailure(
  previous: DialFailure | undefined,
  now: number,
  init: DialPolicyInit
): DialFailure {
  const count = (previous?.count ?? 0) + 1
  const wait = Math.min(init.backoffBase * 2 ** (count - 1), init.backoffMax)

  return { count, retryAt: now + wait }
}

/**
 * The wait before the next DHT walk. A walk that turned up new peers is worth
 * repeating soon; one that found nothing waits twice as long as the last, up
 * to `max`.
 */
export function nextWalkDelay(
  previous: number,
  foundNew: boolean,
  limits: { min: number; max: number }
): number {
  return foundNew ? limits.min : Math.min(Math.max(previous * 2, limits.min), limits.max)
}
