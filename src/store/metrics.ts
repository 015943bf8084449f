/**
 * The block store's metrics, read from its counters when scraped:
 * `mycel_store_*`.
 */
import type { Metrics } from '@libp2p/interface'
import { registerCounters, registerGauges, reused } from '../metrics/readings.js'
import { registerRpcMetrics } from '../rpc/metrics.js'
import type { StoreStats } from './store.js'

/** Registers the metrics of the store whose figures `stats` reads. */
export function registerStoreMetrics(metrics: Metrics, read: () => StoreStats): void {
  const stats = reused(read)

  registerGauges(metrics, stats, [
    ['mycel_store_blocks', 'Blocks this node stores for the mesh', (s) => s.blocks],
    ['mycel_store_stored_bytes', 'Bytes of the blocks this node stores', (s) => s.used],
    ['mycel_store_quota_bytes', 'Space this node offers the block store', (s) => s.quota],
    ['mycel_store_cache_blocks', 'Blocks held in the read cache', (s) => s.cache.blocks],
    ['mycel_store_cache_bytes', 'Bytes held in the read cache', (s) => s.cache.bytes],
    [
      'mycel_store_ring_members',
      'Nodes on the ring (those that store data)',
      (s) => s.ring.members
    ],
    [
      'mycel_store_repair_queue_blocks',
      'Blocks left for a later repair pass: an owner unreachable, or membership still moving',
      (s) => s.repair.pending
    ]
  ])
  registerCounters(metrics, stats, [
    ['mycel_store_repair_passes_total', 'Repair passes run', (s) => s.repair.passes],
    [
      'mycel_store_repair_pushed_blocks_total',
      'Copies pushed by repair to owners that lacked them',
      (s) => s.repair.pushed
    ],
    [
      'mycel_store_repair_pushed_bytes_total',
      'Bytes pushed by repair to owners that lacked them',
      (s) => s.repair.pushedBytes
    ],
    [
      'mycel_store_repair_dropped_blocks_total',
      'Copies dropped after their owners confirmed theirs',
      (s) => s.repair.dropped
    ],
    ['mycel_store_repair_failures_total', 'Repair pushes that failed', (s) => s.repair.failures],
    [
      'mycel_store_corrupt_replaced_blocks_total',
      'Copies on this node replaced after they were found corrupt',
      (s) => s.reads.replaced
    ]
  ])

  metrics.registerCounterGroup('mycel_store_reads_total', {
    label: 'source',
    help: 'Blocks read, by where they were found: local, cached or remote',
    calculate: () => {
      const { local, cached, remote } = stats().reads
      return { local, cached, remote }
    }
  })
  metrics.registerCounterGroup('mycel_store_corrupt_blocks_total', {
    label: 'where',
    help: 'Copies found not to match their CID: on local disk, or sent by a peer',
    calculate: () => {
      const { corruptLocal, corruptRemote } = stats().reads
      return { local: corruptLocal, remote: corruptRemote }
    }
  })
  registerRpcMetrics(metrics, 'store', () => stats().protocol)
}
