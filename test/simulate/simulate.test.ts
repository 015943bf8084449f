/**
 * The simulator's invariants on small meshes: the daemon's own scheduling
 * code, driven on virtual time, loses no task and no block it could keep,
 * and its messages per task do not grow with the mesh.
 */
import { describe, expect, it } from 'vitest'
import type { Figures } from '../../scripts/simulate/figures.js'
import { type RunInit, simulate } from '../../scripts/simulate/run.js'

function run(overrides: Partial<RunInit> & Pick<RunInit, 'name' | 'nodes'>): Promise<Figures> {
  return simulate({
    tasks: 20 * overrides.nodes,
    load: 0.7,
    slots: 4,
    submitters: Math.max(1, Math.round(overrides.nodes / 10)),
    replicas: 3,
    blocks: 1_000,
    churn: 1,
    seed: 1,
    ...overrides
  })
}

/** What every run must show: every task completed, none lost, none run twice for nothing. */
function expectNothingLost(f: Figures): void {
  expect(f.completed).toBe(f.tasks)
  expect(f.lost).toBe(0)
}

/** Copies moved against the ideal r·K/N a membership change: within [low, high] times it. */
function expectMovedNear(f: Figures, low: number, high: number): void {
  const ideal = f.blocks?.idealMoved ?? 0
  expect(ideal).toBeGreaterThan(0)
  expect(f.blocks?.moved).toBeGreaterThan(low * ideal)
  expect(f.blocks?.moved).toBeLessThan(high * ideal)
}

describe('the simulated mesh', () => {
  it('completes every task of a steady stream at 70 % load, near the ideal', async () => {
    const f = await run({ name: 'steady', nodes: 100 })

    expectNothingLost(f)
    // with no node failing, every task ran once
    expect(f.attempts).toBe(f.tasks)
    expect(f.efficiency).toBeGreaterThan(0.88)
  })

  it('sends about as many messages a task at 100 nodes as at 50', async () => {
    const [small, large] = [
      await run({ name: 'steady', nodes: 50 }),
      await run({ name: 'steady', nodes: 100 })
    ]

    expectNothingLost(small)
    expectNothingLost(large)
    // a scheme that asked every node would double; a node's heartbeats carry the tasks of
    // more submitters at 100 nodes, which is all of the difference (flat from 100 on)
    expect(large.messagesPerTask / small.messagesPerTask).toBeLessThan(1.25)
    expect(large.messagesPerTask / small.messagesPerTask).toBeGreaterThan(0.8)
    // every node hears every advert: advert traffic is what grows with the mesh
    expect(
      large.adverts.heardPerNodePerSecond / small.adverts.heardPerNodePerSecond
    ).toBeGreaterThan(1.8)
  })

  it('recovers every task and every block with a copy left when a tenth of the nodes fail at once', async () => {
    const f = await run({ name: 'failure', nodes: 100 })

    const recovery = f.recovery as NonNullable<Figures['recovery']>

    expectNothingLost(f)
    expect(f.blocks?.short).toBe(0)
    // only blocks whose every copy was on the failed nodes are gone, none later
    expect(f.blocks?.lost).toBe(recovery.gone)
    // the failed nodes' tasks ran again, once each, and nothing else did
    expect(recovery.held).toBeGreaterThan(0)
    expect(f.attempts).toBeGreaterThan(f.tasks)
    expect(f.attempts).toBeLessThanOrEqual(f.tasks + recovery.held)
    // a lost task is taken back only once its node has been silent for the heartbeat timeout
    expect(recovery.tasksMs).toBeGreaterThan(3_000)
    expect(recovery.tasksMs).toBeLessThan(60_000)
    expect(recovery.blocksMs).toBeGreaterThan(3_000)
    expect(recovery.blocksMs).toBeLessThan(60_000)
    // the failed nodes' copies, made again once each
    expectMovedNear(f, 0.7, 1.3)
  })

  it('loses no task under churn, and moves about r·K/N copies a change', async () => {
    const f = await run({ name: 'churn', nodes: 100 })

    expectNothingLost(f)
    expect(f.blocks?.short).toBe(0)
    expectMovedNear(f, 0.6, 1.5)
    // a task runs again only where its node crashed under it: a few in a hundred
    expect(f.attempts).toBeLessThan(1.05 * f.tasks)
  })

  it('runs data-local tasks where their input is', async () => {
    const f = await run({ name: 'data', nodes: 100 })

    expectNothingLost(f)
    expect(f.local).toBeGreaterThan(0.9)
  })

  it('places a burst from one submitter with fewer messages a task than a stream', async () => {
    const f = await run({ name: 'burst', nodes: 100, tasks: 2_000 })

    expectNothingLost(f)
    expect(f.makespan).toBeLessThan(2 * f.idealMakespan)
    expect(f.messagesPerTask).toBeLessThan(12)
  })

  it('repeats a run exactly from its seed', async () => {
    const [a, b] = [
      await run({ name: 'steady', nodes: 30 }),
      await run({ name: 'steady', nodes: 30 })
    ]
    const { wallSeconds: _a, ...first } = a
    const { wallSeconds: _b, ...second } = b

    expect(second).toEqual(first)
  })
})
