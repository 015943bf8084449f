/**
 * Hash ring benchmark: lookups per second, how evenly keys spread, how many
 * key copies move when a peer joins or leaves, and what one join costs
 * against building the ring afresh. `--sets N` also measures how often a
 * random set of 16 peer ids spreads keys worse than the balance bound.
 *
 *   npx tsx scripts/ring.ts [--keys 1000000] [--sets 200] [--json]
 */

import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { sha256 } from '@noble/hashes/sha2.js'
import { HashRing } from '../src/ring/index.js'
import { equal, peerIds, TB, uniform } from '../test/ring/fixtures.js'
import { median } from './figures.js'

const R = 3
/** The most loaded peer may own this many times the average primary share. */
const BALANCE_BOUND = 1.15
/** Key copies moved on a join may be this many times the ideal r·K/(n + 1). */
const JOIN_BOUND = 1.1

/** What `ringFigures` measured; times in ms, moves in key copies. */
export interface RingFigures {
  lookups: { peers: number; vnodes: number; r: number; perSecond: number }
  balance: { peers: number; vnodes: number; keys: number; maxOverAverage: number; exact: number }
  join: { peers: number; r: number; keys: number; moved: number; bound: number; ideal: number }
  leave: { peers: number; r: number; keys: number; moved: number; ideal: number }
  add: { peers: number; incrementalMs: number; medianShiftMs: number; scratchMs: number }
}

/** How often random peer-id sets miss the bounds the tests hold fixed ids to. */
export interface BalanceOdds {
  sets: number
  keys: number
  /** Sets whose most loaded peer counted more than 1.15 × the average of the keys. */
  overBalance: number
  /** Sets whose most loaded peer's exact share is over 1.15 × the average. */
  overBalanceExact: number
  /** Sets where a 17th peer's join moved more than 1.1 · r · K / 17 copies. */
  overJoin: number
  /** The highest max/avg over the keys of any set. */
  worst: number
}

/** The benchmark's figures, for this script and any other that wants them. */
export function ringFigures(keys = 1_000_000): RingFigures {
  const hundred = peerIds(100, 'bench')
  const sixteen = peerIds(17, 'bench-16')
  const join = movedOnJoin(sixteen, keys, 2)
  const leave = movedOnLeave(sixteen.slice(0, 16), sixteen[3] ?? '', keys, 3)

  return {
    lookups: { peers: 100, vnodes: 256, r: R, perSecond: lookupsPerSecond(hundred) },
    balance: { peers: 16, vnodes: 256, keys, ...balance(sixteen.slice(0, 16), keys, 1) },
    join: {
      peers: 16,
      r: R,
      keys,
      moved: join,
      bound: (JOIN_BOUND * R * keys) / 17,
      ideal: (R * keys) / 17
    },
    leave: { peers: 16, r: R, keys, moved: leave, ideal: (R * keys) / 16 },
    add: { peers: 100, ...addCost(hundred) }
  }
}

/** How often random sets of 16 equal peers miss the balance and join bounds. */
export function balanceOdds(sets: number, keys = 1_000_000): BalanceOdds {
  const odds: BalanceOdds = {
    sets,
    keys,
    overBalance: 0,
    overBalanceExact: 0,
    overJoin: 0,
    worst: 0
  }
  const joinKeys = Math.min(keys, 250_000)

  for (let set = 0; set < sets; set++) {
    const ids = peerIds(17, `random-set-${set}`)
    const { maxOverAverage, exact } = balance(ids.slice(0, 16), keys, set)
    const moved = movedOnJoin(ids, joinKeys, set)

    odds.overBalance += maxOverAverage > BALANCE_BOUND ? 1 : 0
    odds.overBalanceExact += exact > BALANCE_BOUND ? 1 : 0
    odds.overJoin += moved > (JOIN_BOUND * R * joinKeys) / 17 ? 1 : 0
    odds.worst = Math.max(odds.worst, maxOverAverage)
  }

  return odds
}

function lookupsPerSecond(ids: string[]): number {
  const ring = HashRing.from(equal(ids))
  const keys = Array.from({ length: 4_096 }, (_, i) => sha256(new TextEncoder().encode(`${i}`)))
  const lookups = 2_000_000
  let found = 0

  for (let i = 0; i < 200_000; i++) {
    found += ring.owners(keys[i & 4_095] ?? new Uint8Array(4), R).length
  }

  const start = performance.now()

  for (let i = 0; i < lookups; i++) {
    found += ring.owners(keys[i & 4_095] ?? new Uint8Array(4), R).length
  }

  const seconds = (performance.now() - start) / 1_000

  if (found !== (lookups + 200_000) * R) {
    throw new Error(`expected ${R} owners per lookup, got ${found} in all`)
  }

  return Math.round(lookups / seconds)
}

/** The most loaded peer's primary share over the average: counted over keys, and exact. */
function balance(
  ids: string[],
  keys: number,
  seed: number
): { maxOverAverage: number; exact: number } {
  const ring = HashRing.from(equal(ids))
  const next = uniform(seed)
  const counts = new Map<string, number>()

  for (let i = 0; i < keys; i++) {
    const [owner = ''] = ring.ownersAt(next(), 1)
    counts.set(owner, (counts.get(owner) ?? 0) + 1)
  }

  return {
    maxOverAverage: (Math.max(...counts.values()) * ids.length) / keys,
    exact: Math.max(...ring.shares().values()) * ids.length
  }
}

/** Key copies whose owner changes when the last of `ids` joins the others. */
function movedOnJoin(ids: string[], keys: number, seed: number): number {
  return moved(HashRing.from(equal(ids.slice(0, -1))), HashRing.from(equal(ids)), keys, seed)
}

function movedOnLeave(ids: string[], leaving: string, keys: number, seed: number): number {
  const after = HashRing.from(equal(ids.filter((id) => id !== leaving)))

  return moved(HashRing.from(equal(ids)), after, keys, seed)
}

/** Per key, the owners after that were not owners before, summed. */
function moved(before: HashRing, after: HashRing, keys: number, seed: number): number {
  const next = uniform(seed)
  let count = 0

  for (let i = 0; i < keys; i++) {
    const position = next()
    const old = before.ownersAt(position, R)

    for (const owner of after.ownersAt(position, R)) {
      count += old.includes(owner) ? 0 : 1
    }
  }

  return count
}

/** Milliseconds to add one peer to a ring of `ids`, median of several, against a fresh build. */
function addCost(ids: string[]): {
  incrementalMs: number
  medianShiftMs: number
  scratchMs: number
} {
  const ring = HashRing.from(equal(ids))
  const weighted = HashRing.from(ids.map((id, i) => ({ id, weight: (1 + (i % 10)) * TB })))
  const newcomers = peerIds(9, 'bench-newcomer')
  const incremental: number[] = []
  const medianShift: number[] = []
  const scratch: number[] = []

  for (const id of newcomers) {
    incremental.push(time(() => ring.add({ id, weight: TB })))
    ring.remove(id)

    // a weight above the median moves it, so every peer's count is redone
    medianShift.push(time(() => weighted.add({ id, weight: 20 * TB })))
    weighted.remove(id)
  }

  for (const id of newcomers.slice(0, 3)) {
    scratch.push(time(() => HashRing.from(equal([...ids, id]))))
  }

  return {
    incrementalMs: median(incremental),
    medianShiftMs: median(medianShift),
    scratchMs: median(scratch)
  }
}

function time(work: () => unknown): number {
  const start = performance.now()
  work()

  return performance.now() - start
}

function print(figures: RingFigures, odds?: BalanceOdds): void {
  const { lookups, balance, join, leave, add } = figures
  const rows: Array<[string, string, string]> = [
    [
      'lookups',
      `owners(key, ${lookups.r}), ${lookups.peers} peers × ${lookups.vnodes} vnodes`,
      `${count(lookups.perSecond)}/s`
    ],
    [
      'balance',
      `${balance.peers} peers × ${balance.vnodes} vnodes, ${count(balance.keys)} keys`,
      `max/avg ${balance.maxOverAverage.toFixed(3)} (exact ${balance.exact.toFixed(3)}), ` +
        `bound ${BALANCE_BOUND}`
    ],
    [
      'join',
      `a 17th peer, r = ${join.r}, ${count(join.keys)} keys`,
      `${count(join.moved)} copies moved, bound 1.1·r·K/17 = ${count(join.bound)}, ` +
        `${ratio(join.moved, join.ideal)} × ideal`
    ],
    [
      'leave',
      `one of ${leave.peers} peers, r = ${leave.r}, ${count(leave.keys)} keys`,
      `${count(leave.moved)} copies moved, ideal r·K/16 = ${count(leave.ideal)}, ` +
        `${ratio(leave.moved, leave.ideal)} × ideal`
    ],
    [
      'add',
      `one peer to ${add.peers}`,
      `${add.incrementalMs.toFixed(2)} ms, ${add.medianShiftMs.toFixed(2)} ms when the median ` +
        `moves; ${add.scratchMs.toFixed(1)} ms from scratch`
    ]
  ]

  if (odds !== undefined) {
    const share = (n: number): string =>
      `${n}/${odds.sets} (${((100 * n) / odds.sets).toFixed(1)} %)`

    rows.push(
      [
        'odds',
        `${odds.sets} random sets of 16 peers, ${count(odds.keys)} keys`,
        `max/avg > ${BALANCE_BOUND} in ${share(odds.overBalance)}, exactly in ` +
          `${share(odds.overBalanceExact)}; worst ${odds.worst.toFixed(3)}`
      ],
      ['odds', 'the same sets, a 17th peer joins', `over the 1.1 bound in ${share(odds.overJoin)}`]
    )
  }

  for (const [name, what, figure] of rows) {
    console.log(`${name.padEnd(9)}${what}: ${figure}`)
  }
}

function count(n: number): string {
  return Math.round(n).toLocaleString('en')
}

function ratio(a: number, b: number): string {
  return (a / b).toFixed(3)
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      keys: { type: 'string', default: '1000000' },
      sets: { type: 'string', default: '0' },
      json: { type: 'boolean', default: false }
    }
  })
  const keys = Number(values.keys)
  const sets = Number(values.sets)
  const figures = ringFigures(keys)
  const odds = sets > 0 ? balanceOdds(sets, keys) : undefined

  if (values.json) {
    console.log(JSON.stringify({ ...figures, odds }, null, 2))
  } else {
    print(figures, odds)
  }
}
