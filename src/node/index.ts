import { createHost } from '../net/host.js'
import { type MeshNodeInit, resolveInit } from './init.js'
import { MeshNode } from './mesh-node.js'

export type { MeshNodeInit } from './init.js'
export { DEFAULT_LISTEN } from './init.js'
export * from './mesh-node.js'

/**
 * Creates a mesh node, started unless `init.start` is `false`.
 *
 * @example
 * ```ts
 * import { createMeshNode } from 'mycel'
 *
 * // a new private mesh of one...
 * const first = await createMeshNode()
 * // ...that a second node joins with an invite
 * const second = await createMeshNode({ join: first.invite() })
 *
 * second.addEventListener('peer:connected', (evt) => {
 *   const peer = evt.detail.toString()
 * })
 * ```
 */
export async function createMeshNode(init: MeshNodeInit = {}): Promise<MeshNode> {
  const resolved = await resolveInit(init)
  const libp2p = await createHost(resolved)
  const node = new MeshNode({
    mesh: resolved.mesh,
    swarmKey: resolved.swarmKey,
    libp2p,
    ...(resolved.repo === undefined ? {} : { repo: resolved.repo })
  })

  if (init.start !== false) {
    await node.start()
  }

  return node
}
