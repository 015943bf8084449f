/**
 * Where a CPU profile's time went: the functions with the most self time,
 * and the share of each package (or of mycel's own parts).
 *
 *   npm run bench -- --only data --runs 1 --profile prof
 *   npx tsx scripts/bench/hot.ts prof/mycel-daemon-1/CPU.*.cpuprofile [--top 25]
 *
 * `--profile DIR` gives each process a folder, DIR/<name>/ (mycel-daemon-1,
 * mycel-submitter-submitter, bullmq-worker-worker-1, floor-peer-floor-server
 * and so on), where each of its threads writes a profile as the process
 * exits, named by Node: CPU.<date>.<time>.<pid>.<thread>.<n>.cpuprofile.
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { markdown } from './report.js'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}

interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' } }
})

/** The package a script belongs to, or mycel's part of it, or what V8 calls it. */
function owner(url: string, name: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1]
  if (pkg !== undefined) return pkg
  const part = /\/(?:src|dist)\/([^/]+)\//.exec(url)?.[1]
  if (part !== undefined) return `mycel ${part}`
  if (url.startsWith('node:')) return 'node'
  return url === '' ? `(${name || 'program'})` : url.replace(/^.*\//, '')
}

for (const file of positionals) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const self = new Map<number, number>()

  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0))
  })

  const total = [...self.values()].reduce((a, b) => a + b, 0)
  const functions = new Map<string, number>()
  const owners = new Map<string, number>()

  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)?.callFrame ?? {
      functionName: '?',
      url: '',
      lineNumber: 0
    }
    const where = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^.*\/(src|dist)\//, '$1/')}:${lineNumber + 1}`
    functions.set(where, (functions.get(where) ?? 0) + us)
    const by = owner(url, functionName)
    owners.set(by, (owners.get(by) ?? 0) + us)
  }

  const share = (us: number): string => `${((us / total) * 100).toFixed(1)} %`
  const top = (m: Map<string, number>): string[][] =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, Number(values.top))
      .map(([name, us]) => [name, share(us)])

  console.log(`\n${file}: ${(total / 1e6).toFixed(2)} s sampled\n`)
  console.log(markdown(['by package', 'self'], top(owners)))
  console.log()
  console.log(markdown(['function', 'self'], top(functions)))
}
