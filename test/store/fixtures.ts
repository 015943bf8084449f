import { defaultLogger } from '@libp2p/logger'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { MemoryDatastore } from 'datastore-core'
import { MeshView } from '../../src/adverts/view.js'
import { LocalStore } from '../../src/store/local.js'
import { Placement } from '../../src/store/placement.js'
import { advert } from '../adverts/fixtures.js'

/** An opened local store in memory: a 1 MB quota and 3 copies a block unless told otherwise. */
export async function memoryStore(
  init: {
    quota?: number
    blockstore?: MemoryBlockstore
    datastore?: MemoryDatastore
    onChange?: () => void
  } = {}
): Promise<{ local: LocalStore; blockstore: MemoryBlockstore; datastore: MemoryDatastore }> {
  const blockstore = init.blockstore ?? new MemoryBlockstore()
  const datastore = init.datastore ?? new MemoryDatastore()
  const local = new LocalStore({
    blockstore,
    datastore,
    quota: init.quota ?? 1_000_000,
    defaultReplicas: 3,
    ...(init.onChange === undefined ? {} : { onChange: init.onChange }),
    log: defaultLogger().forComponent('test:store')
  })
  await local.open()

  return { local, blockstore, datastore }
}

/** A view of `peers`, each offering storage, and a placement over it that last changed at `changedAt`. */
export function placementOf(
  peers: readonly string[],
  changedAt = 0
): { view: MeshView; placement: Placement } {
  const view = new MeshView()

  for (const peer of peers) {
    view.apply(peer, advert({ store: { capacity: 1e9, used: 0, blocks: 0 } }), 0)
  }

  const placement = new Placement(view)
  placement.update(changedAt)

  return { view, placement }
}
