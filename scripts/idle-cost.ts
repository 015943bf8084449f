/**
 * What an idle mesh costs: starts N nodes in this process, waits for the
 * mesh to settle (the connection keeper's DHT walks back off), then reports
 * CPU time per node per second and heap per node, adverts and all.
 *
 *   npm run bench:idle -- --nodes 8 --settle 30 --measure 10
 */
import '../src/polyfill.js'
import { parseArgs } from 'node:util'
import { createMeshNode, generateSwarmKey, type MeshNode } from '../src/index.js'

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '8' },
    settle: { type: 'string', default: '30' },
    measure: { type: 'string', default: '10' }
  }
})
const count = Number(values.nodes)
const sleep = (s: number) => new Promise((resolve) => setTimeout(resolve, s * 1000))
const shared = {
  listen: ['/ip4/127.0.0.1/tcp/0'],
  mdns: false,
  mesh: 'idle',
  swarmKey: generateSwarmKey()
}
const nodes: MeshNode[] = [await createMeshNode(shared)]
const bootstrap = nodes[0]?.multiaddrs.map(String) ?? []

for (let i = 1; i < count; i++) {
  nodes.push(await createMeshNode({ ...shared, bootstrap }))
}

await sleep(Number(values.settle))
const cpuBefore = process.cpuUsage()
const started = performance.now()
await sleep(Number(values.measure))
const cpu = process.cpuUsage(cpuBefore)
const seconds = (performance.now() - started) / 1000
const cpuMs = (cpu.user + cpu.system) / 1000 / count / seconds
const heapMb = process.memoryUsage().heapUsed / 1e6 / count

console.log(`idle mesh of ${count} nodes in one process, after ${values.settle} s to settle`)
console.log(`  CPU per node       ${cpuMs.toFixed(1)} ms per second`)
console.log(`  heap per node      ${heapMb.toFixed(1)} MB`)
console.log(`  view sizes         ${nodes.map((n) => n.view.size).join(' ')}`)

await Promise.allSettled(nodes.map((node) => node.stop()))
