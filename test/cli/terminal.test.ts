/**
 * Progress at a real terminal: the commands run under a pseudo-terminal made
 * by util-linux's `script`, and the same commands in a pipe.
 */
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DaemonFleet, type DaemonProcess, MYCEL_BIN, runCli } from '../helpers/cli.js'

/** Runs `mycel ...args` with a terminal for its output; answers all it wrote there. */
function atTerminal(args: string[]): Promise<{ code: number; output: string }> {
  const quote = (arg: string): string => `'${arg.replaceAll("'", "'\\''")}'`
  const command = [process.execPath, MYCEL_BIN, ...args].map(quote).join(' ')

  return new Promise((done) => {
    execFile(
      'script',
      ['--quiet', '--return', '--flush', '--command', command, '/dev/null'],
      { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1
        done({ code, output: stdout.toString() })
      }
    )
  })
}

describe('progress at a terminal and in a pipe', () => {
  const fleet = new DaemonFleet()
  let daemon: DaemonProcess
  let file: string

  beforeAll(async () => {
    daemon = await fleet.start(await fleet.tempDir())
    file = join(await fleet.tempDir(), 'big.bin')
    await writeFile(file, randomBytes(96 * 1024 * 1024))
  }, 60_000)

  afterAll(async () => {
    await fleet.cleanup()
  })

  it('redraws one bar with rate and ETA at a terminal, and writes plain lines in a pipe', async () => {
    const shown = await atTerminal(['put', file, '--data-dir', daemon.dataDir])
    expect(shown.code, shown.output).toBe(0)
    const draws = shown.output.split('\r').map((line) => line.replace('\u001b[K', ''))
    expect(
      draws.some((line) =>
        /^put \[[#.]+\] \d+%\s+[\d.]+ \w?i?B \/ 96\.0 MiB\s+[\d.]+ \w?i?B\/s\s+ETA /.test(line)
      )
    ).toBe(true)
    expect(shown.output).toMatch(/put 96\.0 MiB in [\d.]+ ?m?s/)

    const piped = await runCli(['put', file, '--data-dir', daemon.dataDir], { timeout: 60_000 })
    expect(piped.code).toBe(0)
    expect(piped.stderr).not.toContain('\r')
    expect(piped.stderr).not.toContain('\u001b')
    expect(piped.stderr.trim().split('\n').at(-1)).toMatch(/^put 96\.0 MiB in /)
  }, 120_000)

  it('counts tasks of `run --each` at a terminal', async () => {
    const inputs: string[] = []

    for (let i = 0; i < 8; i++) {
      const put = await runCli(['put', '-', '--data-dir', daemon.dataDir], {
        input: randomBytes(1024)
      })
      inputs.push(put.stdout.trim())
    }

    const shown = await atTerminal([
      'run',
      'sha256',
      '--each',
      ...inputs.flatMap((cid) => ['--input', cid]),
      '--data-dir',
      daemon.dataDir
    ])
    expect(shown.code, shown.output).toBe(0)
    expect(shown.output).toMatch(/run sha256 \[[#.]+\] \d+%\s+\d+\/8 tasks/)
    expect(shown.output).toMatch(/run sha256 8 tasks in /)
  }, 60_000)
})
