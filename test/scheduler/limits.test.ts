import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  createMeshNode,
  generateSwarmKey,
  type MeshNode,
  type MeshNodeInit
} from '../../src/index.js'
import { NOT_ALLOWED_TO_SUBMIT } from '../../src/scheduler/worker.js'
import { localInit, trackNodes } from '../helpers/mesh.js'
import { waitFor } from '../helpers/wait.js'

const HANDLERS = resolve(import.meta.dirname, 'fixtures/handlers.mjs')
/** A node that runs the fixture handlers on one thread, and no built-in kinds. */
const WORKER: MeshNodeInit = { slots: 1, tasks: { modules: [HANDLERS], builtins: false } }

describe('who may submit, and what a handler may use', () => {
  const nodes = trackNodes()

  /**
   * A mesh of one node per init, each after the first joining it; an init
   * may be made from the nodes before it. Waits until every view is full.
   */
  async function mesh(
    ...inits: Array<MeshNodeInit | ((before: MeshNode[]) => MeshNodeInit)>
  ): Promise<MeshNode[]> {
    const shared = { mesh: 'limits', swarmKey: generateSwarmKey() }
    const made: MeshNode[] = []

    for (const init of inits) {
      const own = typeof init === 'function' ? init(made) : init
      const bootstrap = made[0]?.multiaddrs.map(String) ?? []
      const node = await createMeshNode(localInit({ ...shared, bootstrap, ...own }))
      nodes.push(node)
      made.push(node)
    }

    await waitFor(() => made.every((node) => node.view.size === made.length), {
      timeout: 15_000,
      message: 'the mesh did not form'
    })

    return made
  }

  it('runs the tasks of submitters on allowSubmit only, and tells the others why', async () => {
    const [trusted, stranger, worker] = (await mesh({ slots: 0 }, { slots: 0 }, (before) => ({
      ...WORKER,
      allowSubmit: [String(before[0]?.peerId)]
    }))) as [MeshNode, MeshNode, MeshNode]
    await waitFor(() =>
      [trusted, stranger].every((n) => n.view.get(String(worker.peerId))?.advert.kinds.length)
    )

    await expect(trusted.submit({ kind: 'double', args: 21 }).result()).resolves.toEqual({
      doubled: 42
    })

    const refused = stranger.submit({ kind: 'double', args: 1 })
    await waitFor(
      () => (stranger.tasks.get(refused.id).pendingReason ?? '').includes(NOT_ALLOWED_TO_SUBMIT),
      {
        message: 'the stranger was not told it may not submit'
      }
    )
    const info = stranger.tasks.get(refused.id)
    expect(info.state).toBe('pending')
    expect(
      info.history.some((h) => h.event === 'refused' && h.detail === NOT_ALLOWED_TO_SUBMIT)
    ).toBe(true)
    expect(worker.tasks.stats().worker.notAllowed).toBeGreaterThan(0)
    expect(worker.tasks.stats().worker.completed).toBe(1)
    stranger.tasks.cancel(refused.id)
  })

  it('ends a handler thread past its memory limit, and runs the next task', async () => {
    const [submitter] = (await mesh(
      { slots: 0 },
      { ...WORKER, limits: { handlerMemory: 64 } }
    )) as [MeshNode, MeshNode]
    await waitFor(() => submitter.view.entries().some((e) => e.advert.kinds.includes('hog')))

    await expect(submitter.submit({ kind: 'hog', retries: 0 }).result()).rejects.toThrow(/memory/i)
    await expect(submitter.submit({ kind: 'double', args: 4 }).result()).resolves.toEqual({
      doubled: 8
    })
  }, 60_000)

  it('refuses limits that make no sense, naming them', async () => {
    await expect(createMeshNode(localInit({ limits: { cfpPerSecond: 0 } }))).rejects.toThrow(
      /limits\.cfpPerSecond/
    )
    await expect(
      createMeshNode(localInit({ limits: { loud: 1 } as unknown as MeshNodeInit['limits'] }))
    ).rejects.toThrow(/unknown limit "loud"/)
    await expect(createMeshNode(localInit({ allowSubmit: ['not-a-peer'] }))).rejects.toThrow(
      /allowSubmit/
    )
  })
})
