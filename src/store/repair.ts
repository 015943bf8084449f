/**
 * Keeps every block at r copies on its current owners.
 *
 * A pass looks at the blocks this node holds whose owners changed since the
 * last pass (all of them on the periodic anti-entropy pass), asks the other
 * owners in batches which of those blocks they hold, and then, per block:
 *
 * - if this node owns it and is the first owner, in ring order, that holds
 *   it, it pushes the block to the owners that lack it (one pusher per
 *   block, so copies are not sent twice);
 * - if this node does not own it, it pushes it to the owners only when none
 *   of them holds it, and drops its own copy once all r owners confirm they
 *   hold it and membership has held still for a while.
 *
 * Blocks of a put still under way are left to their putter, so that a put
 * that fails can find and drop every copy it made. Pushes are paced to a
 * byte rate, so repair never crowds out task traffic.
 */
import type { Logger } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import type { HeldBlock, LocalStore } from './local.js'
import { blockId } from './local.js'
import type { Placement } from './placement.js'
import type { Holding } from './protocol.js'

/** What an owner said of the blocks it was asked about: held, and held to keep. */
interface Holdings {
  held: Set<string>
  kept: Set<string>
}

/** Blocks asked about in one `have` request. */
export const HAVE_BATCH = 1_024
/** Pushes under way at once. */
export const PUSH_CONCURRENCY = 4
/** How long a view change is left to settle before a pass starts. */
export const PASS_DELAY = 200 // ms

export interface RepairParts {
  self: string
  placement: Placement
  local: LocalStore
  /** Whether a block belongs to a put still under way: its putter makes its copies. */
  inPut(cid: CID): boolean
  /** Which of these blocks a peer holds, and means to keep, one pair per block. */
  have(peer: string, cids: CID[]): Promise<Holding[]>
  /** Writes a copy on a peer. */
  push(peer: string, cid: CID, bytes: Uint8Array, replicas: number): Promise<void>
  /** Bytes a second pushes may take. */
  rate: number
  /** How long membership must hold still before copies are dropped, in ms. */
  settleTime: number
  /** How often every block is checked, in ms. */
  interval: number
  log: Logger
}

/** What repair did, for metrics and tests. */
export interface RepairStats {
  passes: number
  /** Copies pushed to owners that lacked them, and their bytes. */
  pushed: number
  pushedBytes: number
  /** Copies dropped after their owners confirmed theirs. */
  dropped: number
  /** Blocks left for a later pass (an owner unreachable, or membership still moving). */
  pending: number
  failures: number
}

export class Repairer {
  private readonly parts: RepairParts
  /** The owners each block had when a pass last found it in order. */
  private readonly settled = new Map<string, string>()
  private readonly counters: RepairStats = {
    passes: 0,
    pushed: 0,
    pushedBytes: 0,
    dropped: 0,
    pending: 0,
    failures: 0
  }
  private timer?: ReturnType<typeof setTimeout>
  private interval?: ReturnType<typeof setInterval>
  private running?: Promise<void>
  private again: 'changed' | 'all' | undefined
  private stopped = true
  private paceAt = 0
  /** Ends the waits for the repair rate early, on stop. */
  private readonly wakers = new Set<() => void>()

  constructor(parts: RepairParts) {
    this.parts = parts
  }

  start(): void {
    this.stopped = false
    this.interval = setInterval(() => this.schedule('all', 0), this.parts.interval)
    this.interval.unref?.()
    this.schedule('all', PASS_DELAY)
  }

  async stop(): Promise<void> {
    this.stopped = true
    clearTimeout(this.timer)
    clearInterval(this.interval)
    for (const wake of [...this.wakers]) {
      wake()
    }

    this.timer = undefined
    await this.running
  }

  stats(): RepairStats {
    return { ...this.counters }
  }

  /** Asks for a pass soon: of the blocks whose owners changed, or of all. */
  schedule(scope: 'changed' | 'all', delay = PASS_DELAY): void {
    if (this.stopped) {
      return
    }

    if (this.running !== undefined) {
      this.again = this.again === 'all' || scope === 'all' ? 'all' : 'changed'
      return
    }

    if (scope === 'all') {
      this.settled.clear()
    }

    clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.running = this.pass()
        .catch((err: Error) => this.parts.log.error('repair pass failed - %e', err))
        .finally(() => {
          this.running = undefined
          const again = this.again
          this.again = undefined

          if (again !== undefined) {
            this.schedule(again)
          } else if (this.counters.pending > 0) {
            this.schedule('changed', Math.max(PASS_DELAY, this.parts.settleTime))
          }
        })
    }, delay)
  }

  /** One pass over the blocks whose owners changed since they were last in order. */
  async pass(): Promise<void> {
    this.counters.passes++
    const startedAt = this.parts.placement.lastChange
    // blocks of puts under way are left to their putter; the commit brings them back
    const work = this.parts.local
      .entries()
      .filter((block) => !this.parts.inPut(block.cid))
      .map((block) => ({ block, owners: this.parts.placement.owners(block.cid, block.replicas) }))
      .filter(({ block, owners }) => this.settled.get(blockId(block.cid)) !== owners.join())

    const holdings = await this.askOwners(work)
    let pending = 0
    const pushes: Array<() => Promise<void>> = []
    const drops: Array<{ block: HeldBlock; owners: string[] }> = []

    for (const { block, owners } of work) {
      const plan = this.plan(block, owners, holdings)

      if (plan.done) {
        this.settled.set(blockId(block.cid), owners.join())
      } else {
        pending++
      }

      for (const peer of plan.push) {
        pushes.push(() => this.push(peer, block))
      }

      if (plan.drop) {
        drops.push({ block, owners })
      }
    }

    await runLimited(pushes, PUSH_CONCURRENCY, () => this.stopped)

    for (const { block, owners } of drops) {
      // pushes may have taken long: drop only if the ring still is what the owners confirmed
      const now = this.parts.placement.owners(block.cid, block.replicas).join()

      if (this.stopped || this.parts.placement.lastChange !== startedAt || now !== owners.join()) {
        this.settled.delete(blockId(block.cid))
        pending++
        continue
      }

      await this.parts.local.delete(block.cid)
      this.settled.delete(blockId(block.cid))
      this.counters.dropped++
      this.parts.log.trace('dropped %c: its owners hold it', block.cid)
    }

    this.counters.pending = pending
  }

  /** What to do with one block, given which owners hold it and which mean to keep it. */
  private plan(
    block: HeldBlock,
    owners: string[],
    holdings: Map<string, Holdings | undefined>
  ): { push: string[]; drop: boolean; done: boolean } {
    const { self } = this.parts
    const id = blockId(block.cid)
    const asked = (peer: string): Holdings | undefined => holdings.get(peer)
    const holds = (peer: string): boolean | undefined =>
      peer === self ? true : asked(peer)?.held.has(id)
    const lacking = owners.filter((peer) => holds(peer) === false)
    const owned = owners.includes(self)
    const firstHolder = owners.find((peer) => holds(peer) === true)

    if (owned) {
      const push = firstHolder === self ? lacking : []
      // a copy in another owner's open put may yet be undone: in order only when all keep theirs
      const kept = owners.every((peer) => peer === self || asked(peer)?.kept.has(id) === true)
      return { push, drop: false, done: kept }
    }

    // a copy here goes only when every owner holds the block and means to keep it
    const kept = owners.length > 0 && owners.every((peer) => asked(peer)?.kept.has(id) === true)
    const settled = Date.now() - this.parts.placement.lastChange >= this.parts.settleTime
    const drop = kept && settled

    return { push: firstHolder === undefined ? lacking : [], drop, done: drop }
  }

  /** Asks every other owner named in the work which of its blocks they hold. */
  private async askOwners(
    work: Array<{ block: HeldBlock; owners: string[] }>
  ): Promise<Map<string, Holdings | undefined>> {
    const byPeer = new Map<string, CID[]>()

    for (const { block, owners } of work) {
      for (const peer of owners) {
        if (peer === this.parts.self) {
          continue
        }

        const cids = byPeer.get(peer) ?? []
        cids.push(block.cid)
        byPeer.set(peer, cids)
      }
    }

    const holdings = new Map<string, Holdings | undefined>()
    const asks = [...byPeer].map(([peer, cids]) => async () => {
      try {
        const answers = await this.parts.have(peer, cids)
        const ids = cids.map(blockId)
        holdings.set(peer, {
          held: new Set(ids.filter((_, i) => answers[i]?.held === true)),
          kept: new Set(ids.filter((_, i) => answers[i]?.kept === true))
        })
      } catch (err) {
        // unknown: neither pushed to nor counted as a confirmation
        holdings.set(peer, undefined)
        this.counters.failures++
        this.parts.log.trace('could not ask %s what it holds - %e', peer, err)
      }
    })

    await runLimited(asks, PUSH_CONCURRENCY, () => this.stopped)

    return holdings
  }

  private async push(peer: string, block: HeldBlock): Promise<void> {
    try {
      const bytes = await this.parts.local.get(block.cid)

      if (bytes === undefined) {
        return
      }

      await this.pace(bytes.byteLength)

      if (this.stopped) {
        return
      }

      await this.parts.push(peer, block.cid, bytes, block.replicas)
      this.counters.pushed++
      this.counters.pushedBytes += bytes.byteLength
      this.parts.log.trace('pushed %c to %s', block.cid, peer)
    } catch (err) {
      this.counters.failures++
      this.parts.log.trace('could not push %c to %s - %e', block.cid, peer, err)
    }
  }

  /** Waits until `bytes` more fit in the repair rate. */
  private async pace(bytes: number): Promise<void> {
    const now = Date.now()
    this.paceAt = Math.max(this.paceAt, now) + (bytes / this.parts.rate) * 1000
    const wait = this.paceAt - now - 1000

    // up to a second's worth goes at once; beyond that, wait for the rate to catch up
    if (wait > 0 && !this.stopped) {
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer)
          this.wakers.delete(wake)
          resolve()
        }
        const timer = setTimeout(wake, wait)
        this.wakers.add(wake)
      })
    }
  }
}

/** Runs tasks with at most `limit` at once; stops starting new ones once `stopped()`. */
async function runLimited(
  tasks: Array<() => Promise<void>>,
  limit: number,
  stopped: () => boolean
): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < tasks.length && !stopped()) {
      const task = tasks[next++]
      await task?.()
    }
  }

  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker))
}
