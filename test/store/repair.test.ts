import { defaultLogger } from '@libp2p/logger'
import type { CID } from 'multiformats/cid'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { blockCid } from '../../src/store/block.js'
import { blockId } from '../../src/store/local.js'
import type { Holding } from '../../src/store/protocol.js'
import { PASS_DELAY, Repairer } from '../../src/store/repair.js'
import { memoryStore, placementOf } from './fixtures.js'

const log = defaultLogger().forComponent('test:store:repair')
const PEERS = ['peer-a', 'peer-b', 'peer-c', 'peer-d']
/** Long enough ago that membership has settled for any settle time used here. */
const LONG_AGO = Date.now() - 3_600_000

/** The other peers, as repair sees them: what they hold, which answer, and what they were sent. */
class FakeMesh {
  readonly holds = new Map<string, Set<string>>()
  readonly unreachable = new Set<string>()
  readonly refusing = new Set<string>()
  readonly asked: Array<{ peer: string; blocks: string[] }> = []
  readonly pushed: Array<{ peer: string; block: string; replicas: number }> = []
  /** Blocks of puts under way on this node. */
  readonly inPut = new Set<string>()
  /** Peers that hold blocks without meaning to keep them (not owners in their own view, say). */
  readonly notKeeping = new Set<string>()

  give(peer: string, cid: CID): void {
    const held = this.holds.get(peer) ?? new Set()
    held.add(blockId(cid))
    this.holds.set(peer, held)
  }

  have = async (peer: string, cids: CID[]): Promise<Holding[]> => {
    this.asked.push({ peer, blocks: cids.map(blockId) })

    if (this.unreachable.has(peer)) {
      throw new Error(`${peer} is unreachable`)
    }

    return cids.map((cid) => {
      const held = this.holds.get(peer)?.has(blockId(cid)) === true
      return { held, kept: held && !this.notKeeping.has(peer) }
    })
  }

  push = async (peer: string, cid: CID, _: Uint8Array, replicas: number): Promise<void> => {
    if (this.refusing.has(peer)) {
      throw new Error(`${peer} is full`)
    }

    this.pushed.push({ peer, block: blockId(cid), replicas })
    this.give(peer, cid)
  }

  /** The peers asked, sorted, from the `from`th question on. */
  peersAsked(from = 0): string[] {
    return this.asked
      .slice(from)
      .map((a) => a.peer)
      .sort()
  }

  pushedTo(): string[] {
    return this.pushed.map((p) => p.peer).sort()
  }
}

/** Repairers started by a test, stopped after it. */
const started: Repairer[] = []

// a repairer only asks and pushes once started, and starting it sets timers: they are fake
// here and never fire unless a test moves the clock, so each test drives its passes itself
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] })
})

afterEach(async () => {
  await Promise.all(started.splice(0).map((repairer) => repairer.stop()))
  vi.useRealTimers()
})

/**
 * A started node holding one block, on a ring of `PEERS` with 3 copies per block. `self` picks
 * which peer the node is, from the block's owners in ring order and the peer that owns none.
 */
async function setup(
  pick: (owners: string[], outsider: string) => string,
  { changedAt = LONG_AGO, settleTime = 2_000, start = true } = {}
) {
  const { view, placement } = placementOf(PEERS, changedAt)
  const { local } = await memoryStore()
  const bytes = new TextEncoder().encode('a block to repair')
  const cid = await blockCid(bytes)
  await local.put(cid, bytes)

  const owners = placement.owners(cid, 3)
  const outsider = PEERS.find((peer) => !owners.includes(peer))!
  const self = pick(owners, outsider)
  const mesh = new FakeMesh()
  const repairer = new Repairer({
    self,
    placement,
    local,
    inPut: (cid) => mesh.inPut.has(blockId(cid)),
    have: mesh.have,
    push: mesh.push,
    rate: 1e9,
    settleTime,
    interval: 60_000,
    log
  })

  if (start) {
    repairer.start()
    started.push(repairer)
  }

  return { view, placement, local, cid, bytes, owners, outsider, self, mesh, repairer }
}

describe('repair, on an owner', () => {
  it('as the first owner that holds the block, pushes it to the owners that lack it', async () => {
    const { repairer, mesh, owners, cid, bytes, local } = await setup((o) => o[0]!)
    mesh.give(owners[1]!, cid)

    await repairer.pass()

    expect(mesh.peersAsked()).toEqual([owners[1], owners[2]].sort())
    expect(mesh.pushed).toEqual([{ peer: owners[2], block: blockId(cid), replicas: 3 }])
    expect(local.has(cid)).toBe(true)
    expect(repairer.stats()).toMatchObject({
      passes: 1,
      pushed: 1,
      pushedBytes: bytes.byteLength,
      dropped: 0,
      failures: 0
    })
  })

  it('leaves the push to an owner before it in ring order that holds the block', async () => {
    const { repairer, mesh, owners, cid } = await setup((o) => o[1]!)
    mesh.give(owners[0]!, cid)

    await repairer.pass()

    expect(mesh.pushed).toEqual([])
    expect(repairer.stats()).toMatchObject({ pushed: 0, pending: 1 })
  })

  it('pushes when the owners before it in ring order lack the block', async () => {
    const { repairer, mesh, owners } = await setup((o) => o[1]!)

    await repairer.pass()

    expect(mesh.pushedTo()).toEqual([owners[0], owners[2]].sort())
  })

  it('keeps its copy, and finds the block in order, when every owner holds it', async () => {
    const { repairer, mesh, owners, cid, local } = await setup((o) => o[0]!)
    mesh.give(owners[1]!, cid)
    mesh.give(owners[2]!, cid)

    await repairer.pass()

    expect(mesh.pushed).toEqual([])
    expect(local.has(cid)).toBe(true)
    expect(repairer.stats()).toMatchObject({ pushed: 0, dropped: 0, pending: 0 })
  })

  it('counts a push that fails, and tries again on the next pass', async () => {
    const { repairer, mesh, owners, cid } = await setup((o) => o[0]!)
    mesh.give(owners[1]!, cid)
    mesh.refusing.add(owners[2]!)

    await repairer.pass()

    expect(repairer.stats()).toMatchObject({ pushed: 0, failures: 1, pending: 1 })

    mesh.refusing.clear()
    await repairer.pass()

    expect(mesh.pushedTo()).toEqual([owners[2]])
    expect(repairer.stats()).toMatchObject({ passes: 2, pushed: 1, failures: 1 })
  })
})

describe('repair, on a node that does not own the block', () => {
  it('hands the block to its owners when none holds it, then drops its copy', async () => {
    const { repairer, mesh, owners, outsider, cid, local } = await setup((_, out) => out)

    await repairer.pass()

    expect(mesh.peersAsked()).toEqual([...owners].sort())
    expect(mesh.peersAsked()).not.toContain(outsider)
    expect(mesh.pushedTo()).toEqual([...owners].sort())
    expect(local.has(cid)).toBe(true)

    await repairer.pass()

    expect(local.has(cid)).toBe(false)
    expect(repairer.stats()).toMatchObject({ passes: 2, pushed: 3, dropped: 1, pending: 0 })
  })

  it('pushes nothing while an owner holds the block, and keeps its copy until all do', async () => {
    const { repairer, mesh, owners, cid, local } = await setup((_, out) => out)
    mesh.give(owners[2]!, cid)

    await repairer.pass()

    expect(mesh.pushed).toEqual([])
    expect(local.has(cid)).toBe(true)
    expect(repairer.stats()).toMatchObject({ dropped: 0, pending: 1 })
  })

  it('keeps its copy while membership has not held still for settleTime', async () => {
    const { repairer, mesh, owners, cid, local } = await setup((_, out) => out, {
      changedAt: Date.now(),
      settleTime: 60_000
    })

    for (const owner of owners) mesh.give(owner, cid)

    await repairer.pass()

    expect(local.has(cid)).toBe(true)
    expect(repairer.stats()).toMatchObject({ dropped: 0, pending: 1 })
  })

  it('drops its copy once membership held still for settleTime', async () => {
    const { repairer, mesh, owners, cid, local } = await setup((_, out) => out, {
      changedAt: Date.now() - 60_000,
      settleTime: 60_000
    })

    for (const owner of owners) mesh.give(owner, cid)

    await repairer.pass()

    expect(local.has(cid)).toBe(false)
    expect(repairer.stats()).toMatchObject({ dropped: 1, pending: 0 })
  })

  it('keeps its copy while an owner cannot be asked, and pushes it nothing', async () => {
    const { repairer, mesh, owners, cid, local } = await setup((_, out) => out)
    mesh.give(owners[0]!, cid)
    mesh.give(owners[1]!, cid)
    mesh.unreachable.add(owners[2]!)

    await repairer.pass()

    expect(local.has(cid)).toBe(true)
    expect(mesh.pushed).toEqual([])
    expect(repairer.stats()).toMatchObject({ dropped: 0, pending: 1, failures: 1 })
  })

  it('keeps its copy, and pushes nothing, when no peer offers storage', async () => {
    const { repairer, mesh, view, placement, cid, local } = await setup((_, out) => out)

    for (const peer of PEERS) view.remove(peer, 'stopped')
    placement.update(LONG_AGO)
    await repairer.pass()

    expect(mesh.asked).toEqual([])
    expect(local.has(cid)).toBe(true)
    expect(repairer.stats()).toMatchObject({ dropped: 0, pending: 1 })
  })
})

describe('repair passes', () => {
  it('leaves a block of a put under way to its putter until the put is over', async () => {
    const { repairer, mesh, owners, cid } = await setup((_, out) => out)
    mesh.inPut.add(blockId(cid))

    await repairer.pass()

    expect(mesh.asked).toEqual([])
    expect(mesh.pushed).toEqual([])
    // not pending: the put's commit asks for the next pass, so no pass polls in the meantime
    expect(repairer.stats()).toMatchObject({ pushed: 0, pending: 0 })

    mesh.inPut.clear()
    await repairer.pass()

    expect(mesh.pushedTo()).toEqual([...owners].sort())
  })

  it('keeps its copy while an owner holds the block without meaning to keep it', async () => {
    const { repairer, mesh, owners, cid, local } = await setup((_, out) => out)
    for (const owner of owners) mesh.give(owner, cid)
    mesh.notKeeping.add(owners[1]!)

    await repairer.pass()
    expect(local.has(cid)).toBe(true)
    expect(mesh.pushed).toEqual([])

    mesh.notKeeping.clear()
    await repairer.pass()
    expect(local.has(cid)).toBe(false)
  })

  it('skips blocks found in order until schedule("all") asks for every block again', async () => {
    const { repairer, mesh, owners, cid } = await setup((o) => o[0]!)
    mesh.give(owners[1]!, cid)
    mesh.give(owners[2]!, cid)

    await repairer.pass()
    expect(mesh.asked).toHaveLength(2)

    await repairer.pass()
    expect(mesh.asked).toHaveLength(2)

    repairer.schedule('changed', 0)
    await repairer.pass()
    expect(mesh.asked).toHaveLength(2)

    repairer.schedule('all', 0)
    await repairer.pass()
    expect(mesh.peersAsked(2)).toEqual([owners[1], owners[2]].sort())
    expect(repairer.stats().passes).toBe(4)
  })

  it('checks a block in order again once its owners change', async () => {
    const { repairer, mesh, view, placement, owners, cid } = await setup((o) => o[0]!)
    mesh.give(owners[1]!, cid)
    mesh.give(owners[2]!, cid)
    await repairer.pass()

    view.remove(owners[1]!, 'stopped')
    placement.update(LONG_AGO)
    await repairer.pass()

    const now = placement.owners(cid, 3)
    expect(mesh.peersAsked(2)).toEqual(now.filter((peer) => peer !== owners[0]).sort())
    expect(mesh.pushedTo()).toEqual(now.filter((peer) => !owners.includes(peer)))
  })

  it('asks each owner once a pass about all the blocks it shares with this node', async () => {
    const { repairer, mesh, local, placement, self } = await setup((_, out) => out)

    for (let i = 0; i < 20; i++) {
      const bytes = new TextEncoder().encode(`block ${i}`)
      await local.put(await blockCid(bytes), bytes)
    }

    await repairer.pass()

    const peers = mesh.asked.map((a) => a.peer)
    expect(new Set(peers).size).toBe(peers.length)
    expect(peers).not.toContain(self)

    for (const { peer, blocks } of mesh.asked) {
      const owned = local.entries().filter((b) => placement.owners(b.cid, 3).includes(peer))
      expect(blocks.sort()).toEqual(owned.map((b) => blockId(b.cid)).sort())
    }
  })

  it('runs a pass PASS_DELAY after it starts, and none once stopped', async () => {
    const { repairer } = await setup((o) => o[0]!, { start: false })

    repairer.start()
    await vi.advanceTimersByTimeAsync(PASS_DELAY - 1)
    expect(repairer.stats().passes).toBe(0)

    await vi.advanceTimersByTimeAsync(1)
    await repairer.stop()
    expect(repairer.stats().passes).toBe(1)

    repairer.schedule('all', 0)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(repairer.stats().passes).toBe(1)
  })
})
