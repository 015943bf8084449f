/**
 * The block store's figures: the ring's balance and movement (see
 * scripts/ring.ts), and put/get throughput on 3 local nodes, each with its
 * own data directory on disk, at 1 and 3 copies.
 *
 *   npm run bench:store -- --mib 64 --runs 3
 *
 * Put is timed on node 0 until `put()` returns (the write quorum holds every
 * block); get is timed on node 1 and node 2 reading the whole object, with
 * every block checked against its CID. Prints a table and, with --json, one
 * JSON object.
 */
import '../src/polyfill.js'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { createMeshNode, generateSwarmKey, type MeshNode } from '../src/index.js'
import { median } from './figures.js'
import { balanceOdds, ringFigures } from './ring.js'

const { values } = parseArgs({
  options: {
    mib: { type: 'string', default: '64' },
    runs: { type: 'string', default: '3' },
    sets: { type: 'string', default: '50' },
    json: { type: 'boolean', default: false }
  }
})
const mib = Number(values.mib)
const runs = Number(values.runs)

interface Throughput {
  replicas: number
  putMiBs: number
  /** A reader that holds every block (r = 3) or a third of them (r = 1). */
  getMiBs: number
  /** Another reader, its cache cold. */
  getOtherMiBs: number
}

async function startNodes(count: number, dirs: string[]): Promise<MeshNode[]> {
  const swarmKey = generateSwarmKey()
  const nodes: MeshNode[] = []

  for (let i = 0; i < count; i++) {
    const dataDir = await mkdtemp(join(tmpdir(), 'mycel-bench-'))
    dirs.push(dataDir)
    const bootstrap =
      nodes.length === 0 ? [] : [(nodes[0] as MeshNode).multiaddrs[0]?.toString() ?? '']
    nodes.push(
      await createMeshNode({
        dataDir,
        mesh: 'bench',
        swarmKey,
        bootstrap,
        listen: ['/ip4/127.0.0.1/tcp/0'],
        mdns: false
      })
    )
  }

  const deadline = Date.now() + 20_000

  while (!nodes.every((node) => node.store.placement.ring.size === count)) {
    if (Date.now() > deadline) throw new Error('the ring never held every node')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }

  return nodes
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await work()

  return (performance.now() - start) / 1000
}

async function throughput(replicas: number): Promise<Throughput> {
  const dirs: string[] = []
  const nodes = await startNodes(3, dirs)
  const [putter, reader, other] = nodes as [MeshNode, MeshNode, MeshNode]
  const results: Throughput[] = []

  try {
    for (let run = 0; run < runs; run++) {
      const data = randomBytes(mib * 1024 * 1024)
      let cid = await putter.put(new Uint8Array(0))
      const put = await timed(async () => {
        cid = await putter.put(data, { replicas })
      })
      const get = await timed(() => reader.getBytes(cid))
      const getOther = await timed(() => other.getBytes(cid))
      results.push({
        replicas,
        putMiBs: mib / put,
        getMiBs: mib / get,
        getOtherMiBs: mib / getOther
      })
    }
  } finally {
    await Promise.allSettled(nodes.map((node) => node.stop()))
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })))
  }

  return {
    replicas,
    putMiBs: median(results.map((r) => r.putMiBs)),
    getMiBs: median(results.map((r) => r.getMiBs)),
    getOtherMiBs: median(results.map((r) => r.getOtherMiBs))
  }
}

const ring = ringFigures()
const odds = balanceOdds(Number(values.sets), 200_000)
const store = [await throughput(1), await throughput(3)]

if (values.json) {
  console.log(JSON.stringify({ ring, odds, store, mib, runs }, null, 2))
} else {
  const pct = (n: number): string => `${((100 * n) / odds.sets).toFixed(0)} %`
  console.log(`ring (see scripts/ring.ts)`)
  console.log(
    `  lookups       ${Math.round(ring.lookups.perSecond).toLocaleString('en')} owners()/s, 100 peers × 256 vnodes, r = 3`
  )
  console.log(
    `  balance       max/avg ${ring.balance.exact.toFixed(3)} for one set of 16 peers; over ${odds.sets} random sets, ${pct(odds.overBalanceExact)} above 1.15, worst ${odds.worst.toFixed(3)}`
  )
  console.log(
    `  join (17th)   ${ring.join.moved.toLocaleString('en')} copies moved of 1M keys × 3, bound ${Math.round(ring.join.bound).toLocaleString('en')}; ${pct(odds.overJoin)} of sets over it`
  )
  console.log(
    `  leave         ${ring.leave.moved.toLocaleString('en')} copies moved, ideal ${Math.round(ring.leave.ideal).toLocaleString('en')} (only the leaver's)`
  )
  console.log(
    `  add one peer  ${ring.add.incrementalMs.toFixed(1)} ms, from scratch ${ring.add.scratchMs.toFixed(1)} ms`
  )
  console.log('')
  console.log(`store, 3 nodes in one process, ${mib} MiB object, median of ${runs} runs`)
  console.log('  copies  put MiB/s  get MiB/s  get MiB/s (other node)')

  for (const row of store) {
    console.log(
      `  ${String(row.replicas).padEnd(6)}  ${row.putMiBs.toFixed(1).padStart(9)}  ${row.getMiBs.toFixed(1).padStart(9)}  ${row.getOtherMiBs.toFixed(1).padStart(9)}`
    )
  }
}
