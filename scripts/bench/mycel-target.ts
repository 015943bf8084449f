/**
 * The workloads' view of a mycel node: tasks through `map` and `submit`,
 * inputs through `put` with one copy, and locality read back with `stat`.
 */
import { CID } from 'multiformats/cid'
import type { MeshNode } from '../../src/index.js'
import type { BenchTarget } from './workloads.js'

export function mycelTarget(node: MeshNode): BenchTarget {
  // where each task of the last `hash` ran, by its input
  let ranOn = new Map<unknown, string | undefined>()

  return {
    many: (kind, args) =>
      node
        .map(
          kind,
          args.map((a) => ({ args: a }))
        )
        .results(),
    one: (args) => node.submit({ kind: 'echo', args }).result(),
    put: async (bytes) => (await node.put(bytes, { replicas: 1 })).toString(),
    hash: async (refs) => {
      const batch = node.map(
        'sha256',
        refs.map((ref) => CID.parse(ref as string))
      )
      const results = (await batch.results()) as { sha256: string }[]
      ranOn = new Map(refs.map((ref, i) => [ref, batch.tasks[i]?.info().node]))
      return results.map((result) => result.sha256)
    },
    local: async (refs) => {
      let local = 0
      for (const ref of refs) {
        const stat = await node.stat(ref as string)
        const blocks = stat.chunks.length > 0 ? stat.chunks : [stat.root]
        const ran = ranOn.get(ref)
        if (ran !== undefined && blocks.every((block) => block.holders.includes(ran))) local++
      }
      return local
    }
  }
}

/** Whether a node sees `workers` live peers that run tasks and store blocks. */
export function seesWorkers(node: MeshNode, workers: number): boolean {
  const running = node.view
    .entries()
    .filter(
      (entry) => (entry.advert.slots?.total ?? 0) > 0 && entry.advert.kinds.includes('sha256')
    )

  return running.length === workers && node.store.placement.ring.size === workers
}
