/**
 * The mesh's blocks: placed on the real consistent-hash ring at r copies,
 * and brought back to r copies when the ring changes. Who holds what is
 * tracked here; the repair follows the store's rule (see
 * src/store/repair.ts): after a pass delay, the first owner in ring order
 * that holds a block pushes it to the owners that lack it, or, when no owner
 * holds it, a node that does; each node pushes one block after another at
 * the repair rate, and copies no longer owned are dropped. Block contents
 * are not simulated, only their size in time.
 */
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import type { Timer } from '../../src/clock.js'
import { HashRing } from '../../src/ring/index.js'
import { ringKey } from '../../src/store/block.js'
import { DEFAULT_CHUNK_SIZE } from '../../src/store/chunker.js'
import { DEFAULT_REPAIR_RATE } from '../../src/store/init.js'
import { PASS_DELAY } from '../../src/store/repair.js'
import type { VirtualClock } from './clock.js'

interface Block {
  cid: string
  key: Uint8Array
  holders: Set<string>
}

export interface BlockStats {
  blocks: number
  /** Copies that landed on a node that lacked them, over every ring change. */
  moved: number
  /** Blocks no live node holds any more. */
  lost: number
  /** Blocks short of r copies on their owners now. */
  short: number
}

export class Blocks {
  readonly ring = new HashRing()
  readonly replicas: number
  private readonly clock: VirtualClock
  private readonly isUp: (node: string) => boolean
  private readonly blocks = new Map<string, Block>()
  /** When each node is next free to push, in virtual ms. */
  private readonly pushing = new Map<string, number>()
  private readonly inFlight = new Set<string>()
  private repairTimer?: Timer
  moved = 0

  constructor(clock: VirtualClock, replicas: number, isUp: (node: string) => boolean) {
    this.clock = clock
    this.replicas = replicas
    this.isUp = isUp
  }

  /** Stores `count` blocks, each on its r owners. */
  async put(count: number): Promise<string[]> {
    const cids: string[] = []

    for (let i = 0; i < count; i++) {
      const bytes = new TextEncoder().encode(`block ${i}`)
      const cid = CID.createV1(raw.code, await sha256.digest(bytes))
      const key = ringKey(cid)
      const block = { cid: cid.toString(), key, holders: new Set(this.owners(key)) }
      this.blocks.set(block.cid, block)
      cids.push(block.cid)
    }

    return cids
  }

  holds(node: string, cid: string): boolean {
    return this.blocks.get(cid)?.holders.has(node) === true
  }

  /** The owners of a block on the ring now, first owner first. */
  ownersOf(cid: string): readonly string[] {
    const block = this.blocks.get(cid)
    return block === undefined ? [] : this.owners(block.key)
  }

  join(node: string): void {
    this.ring.add({ id: node, weight: 1 })
    this.changed()
  }

  leave(node: string): void {
    this.ring.remove(node)
    this.changed()
  }

  /** Where the blocks stand now. */
  stats(): BlockStats {
    let lost = 0
    let short = 0

    for (const block of this.blocks.values()) {
      const live = [...block.holders].filter(this.isUp)
      if (live.length === 0) lost++
      else if (this.owners(block.key).some((o) => !block.holders.has(o) || !this.isUp(o))) short++
    }

    return { blocks: this.blocks.size, moved: this.moved, lost, short }
  }

  /** Whether every block that still has a copy is at r copies on its owners, with nothing in flight. */
  get settled(): boolean {
    const { short } = this.stats()
    return short === 0 && this.inFlight.size === 0
  }

  /**
   * Whether every owner of a block holds it and is up: only then are the
   * copies off the owners dropped, as the store drops its copy only once
   * every owner has answered that it holds the block.
   */
  private complete(block: Block, owners: readonly string[]): boolean {
    return owners.every((o) => block.holders.has(o) && this.isUp(o))
  }

  private owners(key: Uint8Array): string[] {
    return this.ring.owners(key, this.replicas)
  }

  /** The ring changed: a repair pass follows once the change has settled. */
  private changed(): void {
    this.clock.clearTimeout(this.repairTimer)
    this.repairTimer = this.clock.setTimeout(() => this.repair(), PASS_DELAY)
  }

  private repair(): void {
    const now = this.clock.now()

    for (const block of this.blocks.values()) {
      // a crashed node's copies are gone; copies off the owners are dropped once the owners hold theirs
      for (const holder of block.holders) {
        if (!this.isUp(holder)) block.holders.delete(holder)
      }

      const owners = this.owners(block.key)
      const lacking = owners.filter(
        (o) => !block.holders.has(o) && !this.inFlight.has(`${block.cid} ${o}`)
      )

      if (this.complete(block, owners)) {
        dropStrays(block, owners)
        continue
      }

      const pusher = owners.find((o) => block.holders.has(o)) ?? [...block.holders].find(this.isUp)
      if (pusher === undefined) continue

      for (const owner of lacking) {
        this.push(block, pusher, owner, now)
      }
    }
  }

  /** Queues one copy on the pusher: it lands once the pusher's earlier copies have gone at the repair rate. */
  private push(block: Block, from: string, to: string, now: number): void {
    const start = Math.max(now, this.pushing.get(from) ?? 0)
    const done = start + (DEFAULT_CHUNK_SIZE / DEFAULT_REPAIR_RATE) * 1_000
    const flight = `${block.cid} ${to}`
    this.pushing.set(from, done)
    this.inFlight.add(flight)

    this.clock.setTimeout(() => {
      this.inFlight.delete(flight)
      // a push to or from a node that is down fails; the pass after the ring drops it sees to the block
      if (!this.isUp(from) || !this.isUp(to)) return

      block.holders.add(to)
      this.moved++
      const owners = this.owners(block.key)
      // owners that changed while the copy was on its way are for the next pass
      if (this.complete(block, owners)) dropStrays(block, owners)
      else this.changed()
    }, done - now)
  }
}

/** Drops the copies of a block held off its owners, once its owners hold theirs. */
function dropStrays(block: Block, owners: readonly string[]): void {
  for (const holder of block.holders) {
    if (!owners.includes(holder)) block.holders.delete(holder)
  }
}
