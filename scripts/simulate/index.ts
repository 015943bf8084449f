/**
 * `npm run simulate`: runs mycel's placement and auction code on a simulated
 * mesh of up to thousands of nodes, in virtual time, and prints what it did
 * against an ideal scheduler.
 *
 *   npm run simulate -- --nodes 1000 --tasks 20000
 *   npm run simulate -- --workload steady --load 0.95
 *   npm run simulate -- --sweep 10,100,1000
 *
 * It writes the figures as JSON (and, with --sweep, an SVG chart) to --out.
 */
import '../../src/polyfill.js'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { advertCost } from './advert-cost.js'
import type { Figures } from './figures.js'
import { runsOf, USAGE, UsageError } from './options.js'
import { chart, messageTable, table } from './report.js'
import { simulate } from './run.js'

async function main(): Promise<void> {
  const { runs, out, sweep } = runsOf(process.argv.slice(2))
  const results: Figures[] = []

  for (const run of runs) {
    process.stderr.write(
      `${run.name} at ${run.load} load: ${run.nodes} nodes, ${run.tasks} tasks…\n`
    )
    results.push(await simulate(run))
  }

  const cost = await advertCost()
  await mkdir(out, { recursive: true })
  await writeFile(
    join(out, 'simulate.json'),
    `${JSON.stringify({ runs: results, advertCost: cost }, null, 2)}\n`
  )
  console.log(table(results))
  console.log()
  console.log('messages per task, by kind (a request and its answer each count):')
  console.log(messageTable(results))

  if (sweep) {
    await writeFile(join(out, 'scaling.svg'), chart(results))
    console.log(`\nchart: ${join(out, 'scaling.svg')}`)
  }
  const perAdvert = cost.verify + cost.intake
  const nodes = Math.max(...results.map((f) => f.nodes))
  console.log(
    `\ntaking in one advert here: ${cost.verify} µs to check its signature, ${cost.intake} µs ` +
      `to decode, check and apply it; every node takes in every node's advert once a second, ` +
      `which at ${nodes} nodes is ${((nodes * perAdvert) / 10_000).toFixed(1)} % of a core, ` +
      `and a whole core at about ${Math.round(1_000_000 / perAdvert)} nodes`
  )
  console.log(`figures: ${join(out, 'simulate.json')}`)
}

main().then(
  () => process.exit(0),
  (err: Error & { code?: unknown }) => {
    // parseArgs throws for an unknown or malformed option
    const usage = err instanceof UsageError || String(err.code).startsWith('ERR_PARSE_ARGS')
    console.error(usage ? `${err.message}\n\n${USAGE}` : `simulate failed: ${err.message}`)
    process.exit(2)
  }
)
