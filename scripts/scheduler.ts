/**
 * The scheduler's figures on one submitter node (no slots, stores nothing)
 * and two worker nodes (one slot each), in one process:
 *
 *   1. 5,000 no-op tasks (`echo`) submitted at once: tasks per second;
 *   2. 500 no-op tasks one after another: latency p50 and p99;
 *   3. 400 tasks of 10 ms CPU (`spin`): makespan against the ideal 2.0 s;
 *   4. 200 tasks each reading its own 1 MiB input block (stored with one
 *      copy) and returning its sha-256: MiB/s, the puts included, and the
 *      share of tasks that ran where their input was.
 *
 *   npm run bench:scheduler -- --scale 1 --json
 *
 * Every result is checked; a wrong one fails the run. `--scale` multiplies
 * the task counts (a smoke run uses 0.1). Prints a table, then the figures
 * as one JSON object (alone with --json).
 */
import '../src/polyfill.js'
import { createHash, randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import type { CID } from 'multiformats/cid'
import { createMeshNode, generateSwarmKey, type MeshNode, type MeshNodeInit } from '../src/index.js'
import { median } from './figures.js'

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false }
  }
})
const scale = Number(values.scale)
const count = (n: number): number => Math.max(2, Math.round(n * scale))

async function startNodes(): Promise<MeshNode[]> {
  const base: MeshNodeInit = {
    mesh: 'bench',
    swarmKey: generateSwarmKey(),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    mdns: false
  }
  const submitter = await createMeshNode({ ...base, slots: 0, store: { quota: 0 } })
  const bootstrap = [submitter.multiaddrs[0]?.toString() ?? '']
  const workers = [
    await createMeshNode({ ...base, bootstrap, slots: 1 }),
    await createMeshNode({ ...base, bootstrap, slots: 1 })
  ]
  const nodes = [submitter, ...workers]
  const deadline = Date.now() + 20_000

  while (
    !nodes.every(
      (node) =>
        node.view.size === 3 &&
        node.store.placement.ring.size === 2 &&
        node.view
          .entries()
          .every((e) => e.advert.slots?.total === 0 || e.advert.kinds.includes('sha256'))
    )
  ) {
    if (Date.now() > deadline) throw new Error('the mesh never formed')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }

  return nodes
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`wrong result: ${what}`)
}

async function throughput(
  submitter: MeshNode,
  n: number
): Promise<{ tasks: number; perSecond: number }> {
  const start = performance.now()
  const results = await submitter
    .map(
      'echo',
      Array.from({ length: n }, (_, i) => ({ args: i }))
    )
    .results()
  const seconds = (performance.now() - start) / 1000
  for (const [i, result] of results.entries()) {
    check(result === i, `echo ${i} gave ${JSON.stringify(result)}`)
  }

  return { tasks: n, perSecond: Math.round(n / seconds) }
}

async function latency(
  submitter: MeshNode,
  n: number
): Promise<{ tasks: number; p50: number; p99: number }> {
  const times: number[] = []

  for (let i = 0; i < n; i++) {
    const start = performance.now()
    const result = await submitter.submit({ kind: 'echo', args: i }).result()
    times.push(performance.now() - start)
    check(result === i, `echo ${i}`)
  }

  times.sort((a, b) => a - b)

  return {
    tasks: n,
    p50: round(median(times)),
    p99: round(times[Math.min(times.length - 1, Math.floor(times.length * 0.99))] ?? Number.NaN)
  }
}

async function cpu(
  submitter: MeshNode,
  n: number
): Promise<{ tasks: number; makespan: number; ideal: number; efficiency: number }> {
  const start = performance.now()
  const results = await submitter
    .map(
      'spin',
      Array.from({ length: n }, () => ({ args: 10 }))
    )
    .results()
  const makespan = (performance.now() - start) / 1000
  for (const result of results) {
    check((result as { spun: number }).spun === 10, 'spin')
  }
  const ideal = (n * 10) / 1000 / 2

  return { tasks: n, makespan: round(makespan), ideal, efficiency: round(ideal / makespan) }
}

async function data(
  nodes: MeshNode[],
  n: number
): Promise<{ tasks: number; mibPerSecond: number; local: number }> {
  const [submitter] = nodes as [MeshNode]
  const inputs = Array.from({ length: n }, () => randomBytes(1024 * 1024))
  const start = performance.now()
  const cids: CID[] = []

  for (const bytes of inputs) {
    cids.push(await submitter.put(bytes, { replicas: 1 }))
  }

  const batch = submitter.map('sha256', cids)
  const results = await batch.results()
  const seconds = (performance.now() - start) / 1000
  let local = 0

  results.forEach((result, i) => {
    const bytes = inputs[i] as Buffer
    check(
      (result as { sha256: string }).sha256 === createHash('sha256').update(bytes).digest('hex'),
      `sha256 ${i}`
    )
    const holder = nodes.find((node) => node.store.local.has(cids[i] as CID))
    if (batch.tasks[i]?.info().node === holder?.peerId.toString()) local++
  })

  return { tasks: n, mibPerSecond: round(n / seconds), local: round(local / n) }
}

function round(n: number): number {
  return Math.round(n * 100) / 100
}

const nodes = await startNodes()
const [submitter] = nodes as [MeshNode]

try {
  const figures = {
    noop: await throughput(submitter, count(5_000)),
    serial: await latency(submitter, count(500)),
    cpu: await cpu(submitter, count(400)),
    data: await data(nodes, count(200))
  }

  if (!values.json) {
    console.table({
      'no-op throughput': {
        figure: `${figures.noop.perSecond} tasks/s`,
        tasks: figures.noop.tasks
      },
      'serial latency': {
        figure: `p50 ${figures.serial.p50} ms, p99 ${figures.serial.p99} ms`,
        tasks: figures.serial.tasks
      },
      '10 ms CPU tasks': {
        figure: `${figures.cpu.makespan} s (ideal ${figures.cpu.ideal} s, efficiency ${figures.cpu.efficiency})`,
        tasks: figures.cpu.tasks
      },
      '1 MiB inputs': {
        figure: `${figures.data.mibPerSecond} MiB/s with the puts, ${figures.data.local * 100}% local`,
        tasks: figures.data.tasks
      }
    })
  }

  console.log(JSON.stringify(figures))
} finally {
  await Promise.allSettled(nodes.map((node) => node.stop()))
}
