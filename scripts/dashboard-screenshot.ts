/**
 * Takes the README's picture of the dashboard: a daemon and four embedded
 * nodes in this process, some data, a few hundred tasks of mixed kinds (a
 * few of which fail), one node stopped, then a screenshot in headless
 * Chromium.
 *
 *   npm run build && npx tsx scripts/dashboard-screenshot.ts [--out docs/dashboard.png]
 *
 * Chromium is `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`.
 */
import '../src/polyfill.js'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { Daemon } from '../src/daemon/daemon.js'
import { createMeshNode, type MeshNode } from '../src/index.js'
import { launchChromium } from '../test/helpers/browser.js'

const { values } = parseArgs({
  options: { out: { type: 'string', default: 'docs/dashboard.png' } }
})
const out = resolve(values.out)
/** Kinds the embedded nodes run: a name, how long it takes, and how often it fails. */
const KINDS: Array<[string, number, number]> = [
  ['resize', 40, 0],
  ['transcode', 250, 0.05],
  ['embed', 120, 0]
]

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms))

async function until(condition: () => boolean, what: string, timeout = 20_000): Promise<void> {
  const deadline = Date.now() + timeout

  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}

const dir = await mkdtemp(join(tmpdir(), 'mycel-shot-'))
const nodes: MeshNode[] = []
const daemon = await Daemon.start({
  dataDir: dir,
  listen: ['/ip4/127.0.0.1/tcp/0'],
  mdns: false,
  slots: 2,
  labels: { zone: 'eu-west' }
})
const browser = await launchChromium()

try {
  const zones = ['eu-west', 'eu-central', 'us-east', 'us-east']

  for (const [i, zone] of zones.entries()) {
    const node = await createMeshNode({
      join: daemon.node.invite(),
      listen: ['/ip4/127.0.0.1/tcp/0'],
      mdns: false,
      slots: 2 + (i % 2) * 2,
      labels: { zone, ...(i === 2 ? { gpu: 'a100' } : {}) }
    })

    for (const [kind, ms, failing] of KINDS) {
      node.tasks.register(kind, async () => {
        await sleep(ms * (0.5 + Math.random()))
        if (Math.random() < failing) throw new Error('codec not supported: av2')
        return { ok: true }
      })
    }

    nodes.push(node)
  }

  await until(() => daemon.node.view.size === 5, 'a mesh of 5')

  for (let i = 0; i < 12; i++) {
    await daemon.node.put(new Uint8Array(512 * 1024 + i * 65_536).fill(i))
  }

  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } })
  await page.goto(daemon.api.dashboardLink())

  // a steady stream of work for a while, so the chart has bars
  for (let round = 0; round < 12; round++) {
    for (const [kind] of KINDS) {
      daemon.node.tasks.map(
        kind,
        Array.from({ length: 10 }, (_, i) => ({ args: i })),
        { retries: 0 }
      )
    }
    await sleep(1_500)
  }

  await (nodes.pop() as MeshNode).stop()
  await until(() => daemon.node.view.size === 4, 'the stopped node to leave')
  await sleep(2_000)
  await mkdir(dirname(out), { recursive: true })
  await page.screenshot({ path: out })
  process.stdout.write(`${out}\n`)
} finally {
  await browser.close()
  await Promise.allSettled(nodes.map((node) => node.stop()))
  await daemon.stop()
  await rm(dir, { recursive: true, force: true })
}
