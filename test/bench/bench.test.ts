import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')

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

  it('runs every workload on mycel and on BullMQ, checks their results and reports both', async () => {
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
        { cwd: ROOT, timeout: 150_000 },
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
