import { afterEach } from 'vitest'
import {
  createMeshNode,
  generateSwarmKey,
  type MeshNode,
  type MeshNodeInit
} from '../../src/index.js'

/** Options for a node on loopback that no other test's nodes can see. */
export function localInit(init: MeshNodeInit = {}): MeshNodeInit {
  return {
    listen: ['/ip4/127.0.0.1/tcp/0'],
    mdns: false,
    ...init
  }
}

/**
 * Starts `count` nodes of one new mesh on loopback; every node after the
 * first knows only the first. Stop them with `stopAll`.
 */
export async function startMesh(count: number, init: MeshNodeInit = {}): Promise<MeshNode[]> {
  const shared = { mesh: 'test', swarmKey: generateSwarmKey(), ...init }
  const first = await createMeshNode(localInit(shared))
  const nodes = [first]
  const bootstrap = first.multiaddrs.map((ma) => ma.toString())

  try {
    for (let i = 1; i < count; i++) {
      nodes.push(await createMeshNode(localInit({ ...shared, bootstrap })))
    }
  } catch (err) {
    await stopAll(nodes)
    throw err
  }

  return nodes
}

/** Stops every node, whatever state each is in. */
export async function stopAll(nodes: readonly MeshNode[]): Promise<void> {
  await Promise.allSettled(nodes.map((node) => node.stop()))
}

/**
 * A list of nodes that are all stopped after each test, passed or failed.
 * Push every node a test creates onto it.
 */
export function trackNodes(): MeshNode[] {
  const nodes: MeshNode[] = []

  afterEach(async () => {
    await stopAll(nodes.splice(0))
  })

  return nodes
}
