/**
 * mycel's submitter for the benchmark, in a process of its own: a node with
 * no slots that stores nothing, joined by the worker daemons through its
 * invite, and runs the workloads when the parent asks.
 */
import '../../src/polyfill.js'
import { createMeshNode } from '../../src/index.js'
import { mycelTarget, seesWorkers } from './mycel-target.js'
import { serveParent } from './procs.js'
import { runWorkload, type Workload } from './workloads.js'

const node = await createMeshNode({
  mesh: 'bench',
  listen: ['/ip4/127.0.0.1/tcp/0'],
  mdns: false,
  slots: 0,
  store: { quota: 0 }
})
const target = mycelTarget(node)

serveParent(
  {
    invite: () => node.invite(),
    sees: (workers: number) => seesWorkers(node, workers),
    run: ({ workload, n }: { workload: Workload; n: number }) => runWorkload(target, workload, n)
  },
  () => node.stop()
)
