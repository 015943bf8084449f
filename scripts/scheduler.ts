/**
 * The scheduler's figures on one submitter node (no slots, stores nothing)
 * and two worker nodes (one slot each), all in this one process: the four
 * workloads of `bench/workloads.ts` (5,000 no-op tasks at once, 500 one
 * after another, 400 of 10 ms CPU, 200 hashing their own 1 MiB input).
 * `npm run bench` runs the same workloads with every node its own process,
 * side by side with BullMQ.
 *
 *   npm run bench:scheduler -- --scale 1 --json
 *
 * Every result is checked; a wrong one fails the run, as does a node that
 * will not start or a mesh that never forms: the nodes started are stopped,
 * and it exits 1 with one line on stderr. `--scale` multiplies the task
 * counts (a smoke run uses 0.1). Prints a table, then the figures as one
 * JSON object (alone with --json).
 */
import '../src/polyfill.js'
import { parseArgs } from 'node:util'
import { createMeshNode, generateSwarmKey, type MeshNode, type MeshNodeInit } from '../src/index.js'
import { mycelTarget, seesWorkers } from './bench/mycel-target.js'
import { until } from './bench/procs.js'
import { counts, type Figures, runWorkload, WORKERS, WORKLOADS } from './bench/workloads.js'

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false }
  }
})
const count = counts(Number(values.scale))

/** Every node started, the submitter first, as each comes up: what to stop. */
const nodes: MeshNode[] = []

async function startNodes(): Promise<void> {
  const base: MeshNodeInit = {
    mesh: 'bench',
    swarmKey: generateSwarmKey(),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    mdns: false
  }
  const submitter = await createMeshNode({ ...base, slots: 0, store: { quota: 0 } })
  nodes.push(submitter)
  const bootstrap = [submitter.multiaddrs[0]?.toString() ?? '']
  const workers = await Promise.allSettled(
    Array.from({ length: WORKERS }, () => createMeshNode({ ...base, bootstrap, slots: 1 }))
  )

  for (const worker of workers) {
    if (worker.status === 'fulfilled') nodes.push(worker.value)
  }
  for (const worker of workers) {
    if (worker.status === 'rejected') throw worker.reason
  }

  await until(() => seesWorkers(submitter, WORKERS), 'the mesh never formed', 20_000)
}

try {
  await startNodes()
  const target = mycelTarget(nodes[0] as MeshNode)
  const figures: Record<string, Figures> = {}

  for (const workload of WORKLOADS) {
    figures[workload] = await runWorkload(target, workload, count[workload])
  }

  if (!values.json) {
    const { noop, serial, cpu, data } = figures as Record<(typeof WORKLOADS)[number], Figures>
    console.table({
      'no-op throughput': { figure: `${noop.perSecond} tasks/s`, tasks: noop.tasks },
      'serial latency': {
        figure: `p50 ${serial.p50} ms, p99 ${serial.p99} ms`,
        tasks: serial.tasks
      },
      '10 ms CPU tasks': {
        figure: `${cpu.makespan} s (ideal ${cpu.ideal} s, efficiency ${cpu.efficiency})`,
        tasks: cpu.tasks
      },
      '1 MiB inputs': {
        figure: `${data.mibPerSecond} MiB/s with the puts, ${(data.local ?? 0) * 100}% local`,
        tasks: data.tasks
      }
    })
  }

  console.log(JSON.stringify(figures))
} catch (err) {
  console.error(`bench:scheduler failed: ${(err as Error).message.split('\n')[0]}`)
  process.exitCode = 1
} finally {
  await Promise.allSettled(nodes.map((node) => node.stop()))
}

// a node that would not stop must not keep a failed run waiting
if (process.exitCode === 1) process.exit(1)
