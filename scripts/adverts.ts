/**
 * Advert benchmark: how fast a change reaches every view, and how fast the
 * view notices a node that stops cleanly, crashes (SIGKILL) or hangs
 * (SIGSTOP). Crashed and hung nodes are real daemons in their own processes,
 * watched by a node in this one.
 *
 *   npm run bench:adverts -- --nodes 8 --changes 100 --runs 3 [--json]
 */
import '../src/polyfill.js'
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { createMeshNode, generateSwarmKey, type MeshNode } from '../src/index.js'

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '8' },
    changes: { type: 'string', default: '100' },
    runs: { type: 'string', default: '3' },
    json: { type: 'boolean', default: false }
  }
})
const BIN = resolve(import.meta.dirname, '../bin/mycel.js')
const local = { listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false }

async function until(condition: () => boolean, timeout = 30_000): Promise<void> {
  const deadline = Date.now() + timeout

  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 2))
  }
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN
}

async function startMesh(count: number): Promise<MeshNode[]> {
  const shared = { ...local, mesh: 'bench', swarmKey: generateSwarmKey() }
  const nodes = [await createMeshNode(shared)]
  const bootstrap = nodes[0]?.multiaddrs.map(String) ?? []

  for (let i = 1; i < count; i++) nodes.push(await createMeshNode({ ...shared, bootstrap }))
  await until(() => nodes.every((node) => node.view.size === count))

  return nodes
}

/** Latency of `changes` slot changes from one node to every other view. */
async function propagation(count: number, changes: number): Promise<number[]> {
  const nodes = await startMesh(count)
  const [source, ...others] = nodes as [MeshNode, ...MeshNode[]]
  const id = source.peerId.toString()
  const latencies: number[] = []

  try {
    for (let change = 1; change <= changes; change++) {
      const started = performance.now()
      source.adverts.setSlots({ queued: change })
      await until(() => others.every((n) => n.view.get(id)?.advert.slots?.queued === change))
      latencies.push(performance.now() - started)
    }
  } finally {
    await Promise.allSettled(nodes.map((node) => node.stop()))
  }

  return latencies
}

/** Time until every other view drops a node that stops cleanly. */
async function cleanStop(count: number): Promise<number> {
  const nodes = await startMesh(count)
  const [leaver, ...others] = nodes as [MeshNode, ...MeshNode[]]
  const id = leaver.peerId.toString()
  const started = performance.now()
  await leaver.stop()
  await until(() => others.every((node) => !node.view.has(id)))
  const took = performance.now() - started
  await Promise.allSettled(others.map((node) => node.stop()))

  return took
}

/** Waits until the daemon of `dir` (process `pid`) has written its api.json. */
async function daemonUp(dir: string, pid: number): Promise<void> {
  const deadline = Date.now() + 20_000

  while (
    !(await readFile(join(dir, 'api.json'), 'utf8').catch(() => '')).includes(`"pid": ${pid}`)
  ) {
    if (Date.now() > deadline) throw new Error('the daemon did not start')
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** Time until a watching node drops a daemon that is killed, or stopped with SIGSTOP. */
async function processFailure(signal: 'SIGKILL' | 'SIGSTOP'): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'mycel-bench-'))
  const child: ChildProcess = spawn(
    process.execPath,
    [BIN, 'daemon', '--data-dir', dir, '--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns'],
    { stdio: 'ignore' }
  )
  let watcher: MeshNode | undefined

  try {
    await daemonUp(dir, child.pid as number)

    const token = execFileSync(process.execPath, [BIN, 'invite', '--data-dir', dir], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore']
    })
      .trim()
      .split(' ')[2] as string
    watcher = await createMeshNode({ ...local, join: token })
    const w = watcher
    await until(() => w.view.size === 2)
    const id = w.view.entries().find((e) => e.peerId !== w.peerId.toString())?.peerId
    const started = performance.now()
    child.kill(signal)
    await until(() => id !== undefined && !w.view.has(id))

    return performance.now() - started
  } finally {
    child.kill('SIGKILL')
    await watcher?.stop()
    await rm(dir, { recursive: true, force: true })
  }
}

const count = Number(values.nodes)
const runs = Number(values.runs)
const latencies = await propagation(count, Number(values.changes))
const detection = { cleanStop: [] as number[], crash: [] as number[], hang: [] as number[] }

for (let run = 0; run < runs; run++) {
  detection.cleanStop.push(await cleanStop(Math.min(count, 4)))
  detection.crash.push(await processFailure('SIGKILL'))
  detection.hang.push(await processFailure('SIGSTOP'))
}

const summary = {
  nodes: count,
  changes: latencies.length,
  propagationMs: { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) },
  detectionMs: Object.fromEntries(
    Object.entries(detection).map(([kind, times]) => [
      kind,
      { median: quantile(times, 0.5), all: times }
    ])
  )
}

if (values.json === true) {
  console.log(JSON.stringify(summary))
} else {
  const ms = (v: number) => `${v.toFixed(0)} ms`
  console.log(`adverts, ${count} nodes in one process, ${latencies.length} changes, ${runs} runs`)
  console.log(
    `  change in every view      p50 ${ms(summary.propagationMs.p50)}  p99 ${ms(summary.propagationMs.p99)}`
  )
  for (const [kind, times] of Object.entries(detection)) {
    console.log(
      `  ${kind.padEnd(24)}  median ${ms(quantile(times, 0.5))}  (${times.map(ms).join(', ')})`
    )
  }
}
