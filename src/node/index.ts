import { join } from 'node:path'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { FsBlockstore } from 'blockstore-fs'
import { processor } from '../adverts/resources.js'
import { MeshMetrics } from '../metrics/registry.js'
import { allowListOf } from '../net/allow-list.js'
import { createHost } from '../net/host.js'
import { TaskService } from '../scheduler/service.js'
import { BlockStore } from '../store/store.js'
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
  const metrics =
    init.metrics === false
      ? undefined
      : new MeshMetrics({ ...init.metrics, logger: resolved.logger ?? defaultLogger() })
  const self = peerIdFromPrivateKey(resolved.privateKey).toString()
  const libp2p = await createHost({
    ...resolved,
    ...(metrics === undefined ? {} : { metrics, gossipsubMetrics: metrics.gossipsub() }),
    ...(resolved.allowPeers.length === 0 ? {} : { allowed: allowListOf(resolved.allowPeers, self) })
  })
  const repo = resolved.repo
  const store = new BlockStore(
    {
      peerId: libp2p.peerId,
      registrar: {
        handle: (protocol, handler, options) => libp2p.handle(protocol, handler, options),
        unhandle: (protocol) => libp2p.unhandle(protocol)
      },
      connectionManager: {
        openConnection: (peer, options) => libp2p.dial(peer, options),
        getConnections: (peer) => libp2p.getConnections(peer)
      },
      logger: libp2p.logger,
      ...(metrics === undefined ? {} : { metrics })
    },
    {
      mesh: resolved.mesh,
      view: libp2p.services.adverts.view,
      adverts: libp2p.services.adverts,
      blockstore:
        repo === undefined ? new MemoryBlockstore() : new FsBlockstore(join(repo.dir, 'blocks')),
      datastore: resolved.datastore,
      onDisk: repo !== undefined,
      requestsPerSecond: resolved.limits.blockRequestsPerSecond,
      streamsPerConnection: resolved.limits.streamsPerConnection
    },
    resolved.store
  )
  const tasks = new TaskService(
    {
      peerId: libp2p.peerId,
      registrar: {
        handle: (protocol, handler, options) => libp2p.handle(protocol, handler, options),
        unhandle: (protocol) => libp2p.unhandle(protocol)
      },
      connectionManager: { openConnection: (peer, options) => libp2p.dial(peer, options) },
      logger: libp2p.logger,
      ...(metrics === undefined ? {} : { metrics })
    },
    {
      mesh: resolved.mesh,
      view: libp2p.services.adverts.view,
      adverts: libp2p.services.adverts,
      store: {
        held: (cid) => store.local.has(cid),
        owners: (cid) => store.placement.owners(cid, resolved.store.replicas),
        getBytes: (cid) => store.getBytes(cid),
        get: (cid) => store.get(cid),
        put: (bytes) => store.put(bytes)
      },
      slots: resolved.adverts.slots ?? processor().cores,
      labels: resolved.adverts.labels ?? {},
      gpu: () => libp2p.services.adverts.gpuCount,
      limits: resolved.limits,
      allowSubmit: resolved.allowSubmit
    },
    resolved.tasks
  )
  const node = new MeshNode({
    mesh: resolved.mesh,
    swarmKey: resolved.swarmKey,
    libp2p,
    store,
    tasks,
    limits: resolved.limits,
    ...(metrics === undefined ? {} : { metrics }),
    ...(resolved.repo === undefined ? {} : { repo: resolved.repo })
  })

  if (init.start !== false) {
    await node.start()
  }

  return node
}
