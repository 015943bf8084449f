/**
 * mycel against BullMQ on Redis, side by side, on this machine:
 *
 *   npm run bench                       3 runs of the full workloads
 *   npm run bench -- --runs 5 --out f   more runs; the JSON written to f
 *   npm run bench -- --smoke            small counts, one run (what CI runs)
 *
 * Both systems are started once, each part its own OS process: mycel as a
 * submitter node with no slots and two `mycel join` daemons with one slot
 * each; BullMQ as a redis-server (persistence off), a submitter and two
 * workers of concurrency 1. The four workloads of `workloads.ts` then run on
 * both, alternating which goes first, so that machine noise hits both alike.
 * An untimed pass of every workload at half the counts warms both first (a
 * fresh process runs its hot paths cold). CPU time is read from /proc around each workload and summed over a
 * system's processes, redis-server included. The floor, a raw round trip
 * over one reused libp2p stream between two processes, runs alongside.
 *
 * Prints Markdown tables (the comparison, the targets, memory) and writes
 * all figures as JSON. Exits 1 when any result is wrong or a part fails;
 * a target missed is reported, not an error. Whatever ends it (the end, a
 * failure, SIGINT or SIGTERM), every process it started is stopped and every
 * temp dir removed first; after a signal it exits 130 (SIGINT) or 143
 * (SIGTERM).
 */
import '../../src/polyfill.js'
import { writeFile } from 'node:fs/promises'
import { cpus, totalmem } from 'node:os'
import { parseArgs } from 'node:util'
import { toString as text } from 'uint8arrays/to-string'
import { generateSwarmKey } from '../../src/index.js'
import { startBullmq } from './bullmq.js'
import { startMycel } from './mycel.js'
import {
  type BenchSystem,
  procFigures,
  profileInto,
  ScriptProcess,
  stopEverything
} from './procs.js'
import { compare, markdown, medians, type Runs, table, targetsOf, targetTable } from './report.js'
import { counts, round, WORKLOADS, type Workload } from './workloads.js'

const { values } = parseArgs({
  options: {
    runs: { type: 'string' },
    scale: { type: 'string' },
    smoke: { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench-results.json' },
    only: { type: 'string' },
    profile: { type: 'string' }
  }
})
const workloads = values.only === undefined ? WORKLOADS : (values.only.split(',') as Workload[])
const unknown = workloads.filter((w) => !WORKLOADS.includes(w))
if (unknown.length > 0) {
  console.error(`unknown workload ${unknown.join(', ')}: the workloads are ${WORKLOADS.join(', ')}`)
  process.exit(2)
}
if (values.profile !== undefined) profileInto(values.profile)
const runs = Number(values.runs ?? (values.smoke ? 1 : 3))
const scale = Number(values.scale ?? (values.smoke ? 0.02 : 1))
const count = counts(scale)

/** CPU seconds each of a system's processes has used so far. */
function cpuSeconds(system: BenchSystem): number[] {
  return system.processes.map((p) => procFigures(p.pid).cpu)
}

/**
 * Runs one workload on one system, with its CPU ms per task summed over the
 * system's processes (`cpuMs`), and per process (`cpuMs <name>`).
 */
async function measure(system: BenchSystem, workload: Workload): Promise<Record<string, number>> {
  const n = count[workload]
  const before = cpuSeconds(system)
  const figures = await system.run(workload, n)
  const used = cpuSeconds(system).map((after, i) => ((after - (before[i] ?? 0)) * 1000) / n)
  const byProcess = Object.fromEntries(
    system.processes.map((p, i) => [`cpuMs ${p.name}`, round(used[i] ?? Number.NaN)])
  )

  return { ...figures, cpuMs: round(used.reduce((a, b) => a + b, 0)), ...byProcess }
}

const systems: BenchSystem[] = []
let stopping: Promise<void> | undefined

/**
 * Stops the systems, each in its order, then anything else still running,
 * removes the temp dirs and exits with `code`. The first call decides the code.
 */
function shutdown(code: number): Promise<void> {
  stopping ??= Promise.allSettled(systems.map((system) => system.stop()))
    .then(() => stopEverything())
    .finally(() => process.exit(code))

  return stopping
}

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143]
] as const) {
  process.on(signal, () => {
    // tsx passes on a signal its process group got too: the second is no news
    if (stopping === undefined) log(`${signal}: stopping every process of the bench`)
    void shutdown(code)
  })
}
process.on('uncaughtException', (err) => {
  console.error(`bench failed: ${err.message}`)
  void shutdown(1)
})
process.on('unhandledRejection', (reason) => {
  console.error(`bench failed: ${(reason as Error)?.message ?? reason}`)
  void shutdown(1)
})

let failed = false

try {
  const swarmKey = text(generateSwarmKey())
  const floorServer = new ScriptProcess('floor server', './floor-peer.ts', ['serve', swarmKey])
  const floorClient = new ScriptProcess('floor client', './floor-peer.ts', ['ask', swarmKey])
  const mycel = await startMycel()
  systems.push(mycel)
  const bullmq = await startBullmq()
  systems.push(bullmq)

  // an idle daemon: up, in the mesh, nothing run yet
  await new Promise((resolve) => setTimeout(resolve, 2_000))
  const idleRss = mycel.processes
    .filter((p) => p.name.startsWith('daemon'))
    .map((p) => procFigures(p.pid).rss)
  const floorAddr = await floorServer.request<string>('addr')
  const results: Record<Workload, { mycel: Runs; bullmq: Runs }> = {
    noop: { mycel: [], bullmq: [] },
    serial: { mycel: [], bullmq: [] },
    cpu: { mycel: [], bullmq: [] },
    data: { mycel: [], bullmq: [] }
  }
  const floor: Runs = []

  // a fresh process runs its hot paths cold, and V8 optimises them only after many
  // calls: an untimed pass at half the counts warms both systems alike
  const warm = counts(scale / 2)
  for (const workload of workloads) {
    for (const system of [mycel, bullmq]) await system.run(workload, warm[workload])
  }

  for (let run = 0; run < runs; run++) {
    for (const [i, workload] of workloads.entries()) {
      const order = (run + i) % 2 === 0 ? [mycel, bullmq] : [bullmq, mycel]
      for (const system of order) {
        const figures = await measure(system, workload)
        results[workload][system === mycel ? 'mycel' : 'bullmq'].push(figures)
        log(`run ${run + 1}/${runs} ${workload} ${system.name}: ${JSON.stringify(figures)}`)
      }
    }
    floor.push(await floorClient.request('ask', { addr: floorAddr, n: count.serial }))
  }

  const compared = workloads.map((w) => compare(w, results[w].mycel, results[w].bullmq))
  const floorFigures = medians(floor)
  const memory = systems.flatMap((system) =>
    system.processes.map((p) => ({
      system: system.name,
      process: p.name,
      peakRss: procFigures(p.pid).peakRss
    }))
  )
  const targets = targetsOf(compared, idleRss)
  const machine = {
    cpus: cpus().length,
    model: cpus()[0]?.model.trim(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version
  }

  console.log(
    `\n${machine.cpus} × ${machine.model}, ${machine.memoryGiB} GiB, Node ${machine.node}; medians of ${runs} run(s)\n`
  )
  console.log(table(compared))
  console.log(
    `\nfloor, a raw round trip over one reused libp2p stream: p50 ${floorFigures.p50} ms, p99 ${floorFigures.p99} ms; ${floorFigures.perSecond} messages/s streamed; a 1 MiB put ${floorFigures.mibPutMs} ms\n`
  )
  console.log(targetTable(targets))
  console.log(
    `\n${markdown(
      ['system', 'process', 'peak RSS, MB'],
      memory.map((m) => [m.system, m.process, String(m.peakRss)])
    )}`
  )
  console.log(`\nidle daemon RSS: ${idleRss.join(' MB, ')} MB`)

  await writeFile(
    values.out,
    `${JSON.stringify({ machine, runs, counts: count, compared, floor: floorFigures, targets, memory, idleRss, raw: results }, null, 2)}\n`
  )
  console.log(`\nfigures written to ${values.out}`)
} catch (err) {
  failed = true
  // after a signal, parts fail because they are being stopped: no news
  if (stopping === undefined) console.error(`bench failed: ${(err as Error).message}`)
} finally {
  await shutdown(failed ? 1 : 0)
}

function log(line: string): void {
  process.stderr.write(`${line}\n`)
}
