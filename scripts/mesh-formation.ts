/**
 * How fast a mesh forms: starts N nodes in this process, each knowing only
 * node 0, and measures how long until every node holds connections to
 * min(N - 1, target) peers, and how long a DHT lookup of a peer takes.
 *
 *   npm run bench:mesh -- --nodes 10 --runs 3
 *
 * Prints a table and, with --json, one JSON object.
 */
import '../src/polyfill.js'
import { parseArgs } from 'node:util'
import { createMeshNode, generateSwarmKey, type MeshNode } from '../src/index.js'
import { median } from './figures.js'

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '10' },
    runs: { type: 'string', default: '3' },
    target: { type: 'string', default: '8' },
    json: { type: 'boolean', default: false }
  }
})
const nodeCount = Number(values.nodes)
const runs = Number(values.runs)
const target = Number(values.target)

interface Run {
  formedMs: number
  lookupMs: number
}

async function once(): Promise<Run> {
  const shared = {
    mesh: 'bench',
    swarmKey: generateSwarmKey(),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    mdns: false,
    targetConnections: target
  }
  const nodes: MeshNode[] = []
  const started = performance.now()

  try {
    nodes.push(await createMeshNode(shared))
    const bootstrap = nodes[0]?.multiaddrs.map(String) ?? []

    for (let i = 1; i < nodeCount; i++) {
      nodes.push(await createMeshNode({ ...shared, bootstrap }))
    }

    const want = Math.min(nodeCount - 1, target)
    await until(() => nodes.every((node) => node.peers.length >= want), 60_000)
    const formedMs = performance.now() - started

    const [first, last] = [nodes[1] as MeshNode, nodes[nodes.length - 1] as MeshNode]
    const lookupStart = performance.now()
    await first.findPeer(last.peerId)
    const lookupMs = performance.now() - lookupStart

    return { formedMs, lookupMs }
  } finally {
    await Promise.allSettled(nodes.map((node) => node.stop()))
  }
}

async function until(condition: () => boolean, timeout: number): Promise<void> {
  const deadline = Date.now() + timeout

  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`the mesh did not form within ${timeout} ms`)
    }

    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

const results: Run[] = []

for (let i = 0; i < runs; i++) {
  results.push(await once())
}

const summary = {
  nodes: nodeCount,
  target,
  runs,
  formedMs: { median: median(results.map((r) => r.formedMs)), all: results.map((r) => r.formedMs) },
  lookupMs: { median: median(results.map((r) => r.lookupMs)), all: results.map((r) => r.lookupMs) }
}

if (values.json === true) {
  console.log(JSON.stringify(summary))
} else {
  const fmt = (ms: number) => `${ms.toFixed(0)} ms`
  console.log(`mesh formation, ${nodeCount} nodes in one process, target ${target}, ${runs} runs`)
  console.log(
    `  every node connected   median ${fmt(summary.formedMs.median)}  (${summary.formedMs.all.map(fmt).join(', ')})`
  )
  console.log(
    `  DHT lookup of a peer   median ${fmt(summary.lookupMs.median)}  (${summary.lookupMs.all.map(fmt).join(', ')})`
  )
}
