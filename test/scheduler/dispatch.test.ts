import { describe, expect, it } from 'vitest'
import type { MeshNode } from '../../src/index.js'
import { trackNodes } from '../helpers/mesh.js'
import { waitFor } from '../helpers/wait.js'
import { startTaskMesh } from './task-mesh.js'

/** Registers `hold` on `node`: each task runs until the gate opens. */
function holdOn(node: MeshNode): () => void {
  let open: () => void = () => {}
  const gate = new Promise<void>((resolve) => {
    open = resolve
  })
  node.tasks.register('hold', async () => {
    await gate
    return 'held'
  })

  return open
}

/** Waits until `viewer` sees `node` run `kind`. */
async function seesKind(viewer: MeshNode, node: MeshNode, kind: string): Promise<void> {
  await waitFor(
    () =>
      viewer.view
        .entries()
        .some((e) => e.peerId === node.peerId.toString() && e.advert.kinds.includes(kind)),
    { message: `the view never showed ${kind} on the node` }
  )
}

describe('dispatching tasks', () => {
  const nodes = trackNodes()

  it('waits for room on the only node that can run a task instead of asking it on every turn', async () => {
    await startTaskMesh([{ slots: 0 }, { slots: 1, tasks: { queueDepth: 0 } }, { slots: 1 }], nodes)
    const [submitter, only] = nodes as [MeshNode, MeshNode, MeshNode]
    const open = holdOn(only)
    await seesKind(submitter, only, 'hold')

    const first = submitter.submit({ kind: 'hold' })
    await waitFor(() => first.info().state === 'running')
    // the only node that runs them is full while another node has room
    const rest = Array.from({ length: 5 }, () => submitter.submit({ kind: 'hold' }))
    await waitFor(() => rest.every((task) => task.info().pendingReason !== undefined), {
      message: 'the waiting tasks never said why they wait'
    })
    const before = submitter.tasks.stats().submitter.rounds
    // a window to count rounds in, not a wait for a condition: asked on
    // every turn of the event loop, the node saw thousands in it
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    const rounds = submitter.tasks.stats().submitter.rounds - before

    expect(rounds).toBeLessThan(30)
    for (const task of rest) {
      expect(task.info().state).toBe('pending')
      expect(task.info().pendingReason).toMatch(/busy|waiting for room/)
    }

    open()
    const results = await Promise.all([first, ...rest].map((task) => task.result()))
    expect(results).toEqual(Array(6).fill('held'))
  })

  it('holds an auction for a lone task its best node declines, and the task runs after the one ahead', async () => {
    await startTaskMesh([{ slots: 0 }, { slots: 1 }], nodes)
    const [submitter, only] = nodes as [MeshNode, MeshNode]
    const open = holdOn(only)
    await seesKind(submitter, only, 'hold')

    const first = submitter.submit({ kind: 'hold' })
    await waitFor(() => first.info().state === 'running')
    const second = submitter.submit({ kind: 'hold' })
    await waitFor(() => second.info().state === 'awarded')

    const events = second.info().history.map((entry) => entry.event)
    // offered directly, declined for the running task, then bid on in an auction: queued behind it
    expect(events.indexOf('declined')).toBeGreaterThan(-1)
    expect(events.indexOf('bid')).toBeGreaterThan(events.indexOf('declined'))
    expect(second.info().history.find((e) => e.event === 'declined')?.detail).toMatch(
      /^busy: 1 of 1/
    )

    open()
    expect(await Promise.all([first.result(), second.result()])).toEqual(['held', 'held'])
  })
  it('offers a lone task directly to the node with a free slot, not to the busy one', async () => {
    await startTaskMesh([{ slots: 0 }, { slots: 1 }, { slots: 1 }], nodes)
    const [submitter, busy, idle] = nodes as [MeshNode, MeshNode, MeshNode]
    const open = holdOn(busy)
    await seesKind(submitter, busy, 'hold')
    const held = submitter.submit({ kind: 'hold' })
    // whatever the submitter last heard in answers, its view shows the node busy
    await waitFor(() =>
      submitter.view
        .entries()
        .some((e) => e.peerId === busy.peerId.toString() && e.advert.slots?.busy === 1)
    )

    for (let i = 0; i < 10; i++) {
      const task = submitter.submit({ kind: 'echo', args: i })
      expect(await task.result()).toBe(i)
      expect(task.info().node).toBe(idle.peerId.toString())
      expect(task.info().history.map((entry) => entry.event)).not.toContain('declined')
    }

    open()
    expect(await held.result()).toBe('held')
  })
})
