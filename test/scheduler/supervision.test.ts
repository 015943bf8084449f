import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { MeshNode, TaskHandle } from '../../src/index.js'
import { trackNodes } from '../helpers/mesh.js'
import { waitFor } from '../helpers/wait.js'
import { startTaskMesh } from './task-mesh.js'

const HANDLERS = resolve(import.meta.dirname, 'fixtures/handlers.mjs')

/** Requests the task protocol served on all nodes, by method. */
function served(nodes: readonly MeshNode[]): Record<string, number> {
  const total: Record<string, number> = {}

  for (const node of nodes) {
    for (const [method, n] of Object.entries(node.tasks.stats().protocol.served)) {
      total[method] = (total[method] ?? 0) + n
    }
  }

  return total
}

function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0)
}

describe('supervising tasks', () => {
  const nodes = trackNodes()

  it('cancels a task running on another node: its handler stops and its slot frees', async () => {
    await startTaskMesh([{ slots: 0 }, { slots: 1 }], nodes)
    const [submitter, worker] = nodes as [MeshNode, MeshNode]
    const task = submitter.submit({ kind: 'sleep', args: 60_000 })
    await waitFor(() => task.info().state === 'running' && worker.tasks.stats().slots.busy === 1)

    task.cancel()

    await expect(task.result()).rejects.toMatchObject({ name: 'TaskCancelledError' })
    await waitFor(() => worker.tasks.stats().slots.busy === 0, {
      message: 'the worker kept running a cancelled task'
    })
    // the slot takes the next task at once, not after the sleep would have ended
    expect(await submitter.submit({ kind: 'echo', args: 'next' }).result()).toBe('next')
    expect(worker.tasks.stats().worker).toMatchObject({ completed: 1 })
  })

  it('keeps a task that needs a GPU pending while no node has one, and says so', async () => {
    await startTaskMesh([{}, {}], nodes)
    const task = nodes[0]!.submit({ kind: 'echo', needs: { gpu: 1 } })

    await waitFor(() => task.info().pendingReason !== undefined)
    expect(task.info()).toMatchObject({ state: 'pending', attempts: 0 })
    expect(task.info().pendingReason).toMatch(/GPU/)
    task.cancel()
  })

  it('fails a task that takes its worker thread down three times as poisoned, whatever its retries', async () => {
    await startTaskMesh(
      [
        { slots: 0 },
        { slots: 1, tasks: { modules: [HANDLERS] } },
        { slots: 1, tasks: { modules: [HANDLERS] } }
      ],
      nodes
    )
    const task = nodes[0]!.submit({ kind: 'exit', retries: 10 })

    await expect(task.result()).rejects.toMatchObject({
      name: 'TaskFailedError',
      message: expect.stringMatching(/^poisoned: the task took its worker down 3 times; last: /)
    })
    const failures = task.info().history.filter((entry) => entry.event === 'failed')
    expect(failures).toHaveLength(3)
    // the workers are whole again and run the next task
    expect(await nodes[0]!.submit({ kind: 'double', args: 21 }).result()).toEqual({ doubled: 42 })
  })

  /** Messages served per task over 30 tasks run one after another on `workers` one-slot workers. */
  async function messagesPerTask(workers: number, directAwards: boolean): Promise<number> {
    const mesh = await startTaskMesh(
      [
        { slots: 0, tasks: { directAwards } },
        ...Array.from({ length: workers }, () => ({ slots: 1 }))
      ],
      []
    )
    nodes.push(...mesh)
    const before = sum(served(mesh))
    const tasks: TaskHandle[] = []

    for (let i = 0; i < 30; i++) {
      const task = mesh[0]!.submit({ kind: 'echo', args: i })
      expect(await task.result()).toBe(i)
      tasks.push(task)
    }

    // every bidder that lost is told, late ones too; bids and releases may
    // still be on their way, so let them land before counting
    const losers = (): number =>
      tasks.reduce(
        (n, task) =>
          n + Math.max(0, task.info().history.filter((e) => e.event === 'bid').length - 1),
        0
      )
    await waitFor(() => (served(mesh).release ?? 0) === losers(), {
      message: 'the losers of the auctions were not all told'
    })
    const messages = (sum(served(mesh)) - before) / 30
    await Promise.all(nodes.splice(0).map((node) => node.stop()))

    return messages
  }

  it('sends as many messages per auctioned task in a mesh of 7 workers as in one of 3', async () => {
    const small = await messagesPerTask(3, false)
    const large = await messagesPerTask(7, false)

    // three calls for proposals, an award, two releases and the report
    expect(small).toBeGreaterThanOrEqual(7)
    expect(large).toBeLessThan(small * 1.15)
  })

  it('places a lone task on an idle node with one message, whatever the size of the mesh', async () => {
    const small = await messagesPerTask(3, true)
    const large = await messagesPerTask(7, true)

    // the direct award, whose answer carries the result of a task that
    // ends at once; a task still running adds a report, an award declined
    // by a busy node an auction
    expect(small).toBeGreaterThanOrEqual(1)
    expect(small).toBeLessThan(1.5)
    // calls to every node would add 4 messages a task here; a stray auction adds 7 in all
    expect(large).toBeLessThan(small + 0.25)
  })
})
