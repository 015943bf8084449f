import { type ChildProcess, spawn } from 'node:child_process'
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DaemonFleet, MYCEL_BIN, runCli } from '../helpers/cli.js'
import { waitFor, within } from '../helpers/wait.js'

interface Entry {
  time: string
  level: string
  component: string
  msg: string
}

/** How long a daemon may take to come up and log that it runs. */
const START_TIMEOUT = 20_000 // ms
/** How long a daemon may take to stop after SIGTERM. */
const STOP_TIMEOUT = 15_000 // ms

/** A daemon process whose stderr is kept apart from its stdout, line by line. */
interface LoggingDaemon {
  child: ChildProcess
  exited: Promise<number | string>
  /** The complete lines written to stderr so far. */
  stderrLines(): string[]
}

/** Starts `mycel daemon` with extra flags on loopback without mDNS, keeping stderr apart. */
function startDaemon(dataDir: string, flags: string[]): LoggingDaemon {
  const env = { ...process.env }
  delete env.MYCEL_DATA_DIR
  delete env.MYCEL_DEBUG
  delete env.DEBUG

  const child = spawn(
    process.execPath,
    [
      MYCEL_BIN,
      'daemon',
      '--data-dir',
      dataDir,
      '--listen',
      '/ip4/127.0.0.1/tcp/0',
      '--no-mdns',
      ...flags
    ],
    { env, stdio: ['ignore', 'ignore', 'pipe'] }
  )
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1))
  })

  return { child, exited, stderrLines: () => stderr.split('\n').slice(0, -1) }
}

describe('the daemon log', () => {
  const fleet = new DaemonFleet()
  let daemon: LoggingDaemon | undefined

  afterEach(async () => {
    if (
      daemon !== undefined &&
      daemon.child.exitCode === null &&
      daemon.child.signalCode === null
    ) {
      daemon.child.kill('SIGKILL')
      await daemon.exited
    }

    daemon = undefined
    await fleet.cleanup()
  })

  it('writes JSON lines of mycel components at info to stderr', async () => {
    const running = startDaemon(await fleet.tempDir(), [
      '--log-level',
      'info',
      '--log-format',
      'json'
    ])
    daemon = running
    // the CLI's own notes ("stopping…") share stderr with the log
    const entries = (): Entry[] =>
      running
        .stderrLines()
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Entry)
    const logged = (component: string, pattern: RegExp): boolean =>
      entries().some((entry) => entry.component === component && pattern.test(entry.msg))

    await waitFor(() => logged('mycel:daemon', /^daemon of 12D3KooW\w+ running, API on http/), {
      timeout: START_TIMEOUT,
      interval: 100,
      message: `the daemon never logged that it runs:\n${running.stderrLines().join('\n')}`
    })
    expect(logged('mycel:node', /^node 12D3KooW\w+ started in mesh default$/)).toBe(true)
    expect(logged('mycel:api', /^API listening on http:\/\/127\.0\.0\.1:\d+$/)).toBe(true)
    expect(running.stderrLines().every((line) => line.startsWith('{'))).toBe(true)

    running.child.kill('SIGTERM')
    expect(await within(running.exited, STOP_TIMEOUT, 'the daemon did not stop')).toBe(0)
    expect(logged('mycel:daemon', /^stopped$/)).toBe(true)
    expect(running.stderrLines().filter((line) => !line.startsWith('{'))).toEqual(['stopping…'])

    // at info, only mycel's own log() calls and every component's errors are written
    for (const entry of entries()) {
      expect(new Date(entry.time).toISOString()).toBe(entry.time)
      expect(
        entry.level === 'error' || (entry.level === 'info' && entry.component.startsWith('mycel:')),
        JSON.stringify(entry)
      ).toBe(true)
    }
  })

  it('refuses an unknown level, naming the levels, before writing anything', async () => {
    const dir = join(await fleet.tempDir(), 'node')
    const result = await runCli(['daemon', '--log-level', 'loud', '--data-dir', dir, '--no-mdns'])

    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/--log-level/)
    expect(result.stderr).toMatch(/expected one of silent, error, info, debug, trace, got "loud"/)
    expect(result.stderr).not.toMatch(/^\s+at /m)
    await expect(stat(dir)).rejects.toThrow(/ENOENT/)
  })
})
