/**
 * Meshes of in-process nodes for the scheduler's tests.
 */
import { createMeshNode, type MeshNode, type MeshNodeInit } from '../../src/index.js'
import { localInit } from '../helpers/mesh.js'
import { waitFor } from '../helpers/wait.js'

/** Starts `count` nodes of one mesh, each with its own options, and waits until each sees every other run tasks. */
export async function startTaskMesh(inits: MeshNodeInit[], nodes: MeshNode[]): Promise<MeshNode[]> {
  const [first, ...rest] = inits
  const seed = await createMeshNode(localInit({ mesh: 'tasks', ...first }))
  nodes.push(seed)

  for (const init of rest) {
    nodes.push(await createMeshNode(localInit({ join: seed.invite(), ...init })))
  }

  await meshSees(nodes, nodes.length)

  return nodes
}

/** Waits until every node's view holds `size` peers with their kinds. */
export async function meshSees(nodes: readonly MeshNode[], size: number): Promise<void> {
  await waitFor(
    () =>
      nodes.every(
        (node) =>
          node.view.size === size &&
          node.view.entries().every((e) => e.advert.slots?.total === 0 || e.advert.kinds.length > 0)
      ),
    { message: `the views never held ${size} peers with their kinds`, timeout: 20_000 }
  )
}
