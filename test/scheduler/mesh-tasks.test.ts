import { createHash, randomBytes } from 'node:crypto'
import type { CID } from 'multiformats/cid'
import { describe, expect, it } from 'vitest'
import { createMeshNode, type MeshNode } from '../../src/index.js'
import { localInit, trackNodes } from '../helpers/mesh.js'
import { waitFor } from '../helpers/wait.js'
import { startTaskMesh } from './task-mesh.js'

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

describe('tasks over a mesh in one process', () => {
  const nodes = trackNodes()

  it('runs 1,000 tasks of the built-in kinds from one node, each once, spread over the nodes', async () => {
    await startTaskMesh([{}, {}, {}, {}], nodes)
    const submitter = nodes[0] as MeshNode
    const inputs = [randomBytes(1000), randomBytes(50_000), randomBytes(300_000)]
    const cids = await Promise.all(inputs.map((bytes) => submitter.put(bytes)))
    const handles = Array.from({ length: 1000 }, (_, i) => {
      switch (i % 4) {
        case 0:
          return submitter.submit({ kind: 'echo', args: { i } })
        case 1:
          return submitter.submit({ kind: 'sleep', args: 1 + (i % 5) })
        case 2:
          return submitter.submit({ kind: 'spin', args: 1 })
        default:
          return submitter.submit({ kind: 'sha256', inputs: [cids[i % 3]!] })
      }
    })

    const results = await Promise.all(handles.map((handle) => handle.result()))

    results.forEach((result, i) => {
      switch (i % 4) {
        case 0:
          expect(result).toEqual({ i })
          break
        case 1:
          expect(result).toEqual({ slept: 1 + (i % 5) })
          break
        case 2:
          expect(result).toEqual({ spun: 1 })
          break
        default:
          expect(result).toEqual({ sha256: sha256(inputs[i % 3]!), bytes: inputs[i % 3]!.length })
      }
    })

    const ranOn = new Map<string, number>()

    for (const handle of handles) {
      const info = handle.info()
      expect(info.state).toBe('completed')
      // one outcome per task, however many times it ran
      expect(info.history.filter((entry) => entry.event === 'completed')).toHaveLength(1)
      ranOn.set(info.node as string, (ranOn.get(info.node as string) ?? 0) + 1)
    }

    expect(submitter.tasks.stats().submitter).toMatchObject({ completed: 1000, failed: 0 })
    expect(ranOn.size).toBe(4)

    for (const count of ranOn.values()) {
      expect(count).toBeGreaterThan(50)
    }
  })

  it('runs tasks where their input block is, when it was stored with one copy', async () => {
    await startTaskMesh([{}, {}, {}, {}], nodes)
    const submitter = nodes[0] as MeshNode
    await waitFor(() => nodes.every((node) => node.store.placement.ring.size === 4))
    const inputs = Array.from({ length: 40 }, () => randomBytes(1024 * 1024))
    const cids: CID[] = []

    for (const bytes of inputs) {
      cids.push(await submitter.put(bytes, { replicas: 1 }))
    }

    const batch = submitter.map('sha256', cids)
    const results = await batch.results()
    let local = 0

    batch.tasks.forEach((handle, i) => {
      expect(results[i]).toEqual({ sha256: sha256(inputs[i]!), bytes: inputs[i]!.length })
      const holder = nodes.find((node) => node.store.local.has(cids[i]!))
      if (handle.info().node === holder?.peerId.toString()) local++
    })

    expect(local).toBeGreaterThanOrEqual(36)
  })

  it('keeps a task no node can run pending, says why, and runs it when such a node joins', async () => {
    await startTaskMesh([{}, {}], nodes)
    const submitter = nodes[0] as MeshNode
    const gpu = submitter.submit({ kind: 'echo', args: 'gpu', needs: { labels: { gpu: 'true' } } })
    const unknown = submitter.submit({ kind: 'no-such-kind' })

    await waitFor(
      () => gpu.info().pendingReason !== undefined && unknown.info().pendingReason !== undefined
    )
    expect(gpu.info()).toMatchObject({
      state: 'pending',
      pendingReason: expect.stringContaining('gpu=true')
    })
    expect(unknown.info().pendingReason).toMatch(/no live node runs kind "no-such-kind"/)

    nodes.push(
      await createMeshNode(localInit({ join: submitter.invite(), labels: { gpu: 'true' } }))
    )
    expect(await gpu.result()).toBe('gpu')
    expect(gpu.info().node).toBe(nodes[2]?.peerId.toString())
    expect(unknown.info().state).toBe('pending')
    unknown.cancel()
    await expect(unknown.result()).rejects.toMatchObject({ name: 'TaskCancelledError' })
  })

  it('starts higher-priority tasks first under a backlog, and still finishes the low ones', async () => {
    await startTaskMesh([{ slots: 0 }, { slots: 1, tasks: { queueDepth: 1 } }], nodes)
    const submitter = nodes[0] as MeshNode
    const low = Array.from({ length: 30 }, () =>
      submitter.submit({ kind: 'sleep', args: 20, priority: 0 })
    )
    // the backlog builds up before the urgent ones arrive
    await waitFor(() => low.some((handle) => handle.info().state === 'running'))
    const high = Array.from({ length: 5 }, () =>
      submitter.submit({ kind: 'sleep', args: 20, priority: 10 })
    )

    await Promise.all([...low, ...high].map((handle) => handle.result()))
    const started = (handle: (typeof low)[number]): number => handle.info().startedAt as number
    const lastHigh = Math.max(...high.map(started))
    const lowAfter = low.filter((handle) => started(handle) > lastHigh).length

    // every urgent task started before most of the backlog
    expect(lowAfter).toBeGreaterThan(20)
  })

  it('fails a task whose handler throws with its message, after its retries', async () => {
    await startTaskMesh([{}, {}], nodes)
    let calls = 0

    for (const node of nodes) {
      node.tasks.register('explode', () => {
        calls++
        throw new TypeError('no fuel')
      })
    }

    await waitFor(() => nodes[0]!.view.entries().every((e) => e.advert.kinds.includes('explode')))
    const task = nodes[0]!.submit({ kind: 'explode', retries: 2 })

    await expect(task.result()).rejects.toMatchObject({
      name: 'TaskFailedError',
      message: 'TypeError: no fuel after 3 attempts'
    })
    expect(calls).toBe(3)
    expect(task.info().history.filter((entry) => entry.event === 'retry')).toHaveLength(2)
  })

  it('stops a handler that runs forever at its timeout', async () => {
    await startTaskMesh([{}, {}], nodes)
    const started = Date.now()
    const task = nodes[0]!.submit({ kind: 'spin', args: 60_000, timeout: 500, retries: 0 })

    await expect(task.result()).rejects.toMatchObject({
      name: 'TaskFailedError',
      message: expect.stringMatching(/timeout of 500 ms/)
    })
    expect(Date.now() - started).toBeLessThan(10_000)
  })

  it('keeps adverts on time while CPU-bound handlers run', async () => {
    await startTaskMesh([{ slots: 0 }, { slots: 1 }], nodes)
    const [watcher, worker] = nodes as [MeshNode, MeshNode]
    const gaps: number[] = []
    let last = Date.now()
    const id = worker.peerId.toString()
    const onAdvert = (evt: CustomEvent<{ peerId: string }>): void => {
      if (evt.detail.peerId !== id) return
      gaps.push(Date.now() - last)
      last = Date.now()
    }
    watcher.view.addEventListener('peer:updated', onAdvert)
    const spins = watcher.map('spin', [{ args: 1500 }, { args: 1500 }, { args: 1500 }])
    await waitFor(() => spins.tasks.some((task) => task.info().state === 'running'))
    gaps.length = 0
    last = Date.now()
    await spins.results()
    watcher.view.removeEventListener('peer:updated', onAdvert)

    // adverts every second; a node whose event loop were blocked would miss several
    expect(gaps.length).toBeGreaterThan(1)
    expect(Math.max(...gaps)).toBeLessThan(1_600)
  })
})
