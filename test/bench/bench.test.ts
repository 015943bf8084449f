import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { REDIS_SERVER } from '../../scripts/bench/bullmq.js'

const ROOT = resolve(import.meta.dirname, '../..')
/** The bench's limit, in ms: a smoke run takes 15 to 60 s on two cores. */
const BENCH_TIMEOUT = 120_000
/** The test's, in ms: the bench's, and time for it to stop everything when SIGTERM ends it. */
const TEST_TIMEOUT = BENCH_TIMEOUT + 30_000

interface Results {
  compared: Array<{
    workload: string
    mycel: Record<string, number>
    bullmq: Record<string, number>
    ratio: Record<string, number>
  }>
  floor: Record<string, number>
  targets: Array<{ what: string; value: number; met: boolean }>
  memory: Array<{ system: string; process: string; peakRss: number }>
  idleRss: number[]
}

describe('the side-by-side benchmark', () => {
  const dirs: string[] = []
  afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))))

  it('runs every workload on mycel and on BullMQ, checks their results and reports both', {
    timeout: TEST_TIMEOUT
  }, async () => {
    // the bench would install it with apt-get: a test must not
    if (!existsSync(REDIS_SERVER)) {
      throw new Error(
        `${REDIS_SERVER} is missing: .ci/run installs it (apt-get install redis-server)`
      )
    }

    const dir = await mkdtemp(join(tmpdir(), 'mycel-bench-'))
    dirs.push(dir)
    const out = join(dir, 'results.json')

    const { code, stdout, stderr } = await new Promise<{
      code: number
      stdout: string
      stderr: string
    }>((done) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'scripts/bench/index.ts', '--smoke', '--out', out],
        { cwd: ROOT, timeout: BENCH_TIMEOUT },
        (err, stdout, stderr) =>
          done({
            code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1,
            stdout,
            stderr
          })
      )
    })

    expect(code, stderr).toBe(0)
    expect(stdout).toMatch(/\| no-op throughput \(\d+\) \|/)
    const results = JSON.parse(await readFile(out, 'utf8')) as Results

    expect(results.compared.map((c) => c.workload)).toEqual(['noop', 'serial', 'cpu', 'data'])
    for (const { mycel, bullmq, ratio } of results.compared) {
      for (const figures of [mycel, bullmq]) {
        expect(figures.value).toBeGreaterThan(0)
        expect(figures.cpuMs).toBeGreaterThan(0)
      }
      expect(ratio.value).toBeCloseTo((mycel.value ?? 0) / (bullmq.value ?? 1), 1)
    }
    // mycel knows where each task ran, so it reports locality
    expect(results.compared[3]?.mycel.local).toBeGreaterThanOrEqual(0)
    expect(results.floor.p50).toBeGreaterThan(0)
    expect(results.targets).toHaveLength(7)
    expect(results.memory.map((m) => `${m.system} ${m.process}`)).toEqual([
      'mycel submitter',
      'mycel daemon 1',
      'mycel daemon 2',
      'BullMQ redis-server',
      'BullMQ submitter',
      'BullMQ worker 1',
      'BullMQ worker 2'
    ])
    expect(results.idleRss).toHaveLength(2)
  })
})
