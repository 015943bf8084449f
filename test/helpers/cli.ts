/**
 * Runs the real `mycel` command as separate OS processes, and makes sure
 * every daemon a test starts is gone when the test ends.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { waitFor } from './wait.js'

export const MYCEL_BIN = resolve(import.meta.dirname, '../../bin/mycel.js')

export interface CliResult {
  code: number
  stdout: string
  stderr: string
  /** stdout as it came, for commands that write data. */
  bytes: Buffer
}

/** Runs one mycel command to its end; `input` is written to its stdin. */
export function runCli(
  args: string[],
  options: { timeout?: number; input?: Uint8Array } = {}
): Promise<CliResult> {
  return new Promise((done) => {
    const child = execFile(
      process.execPath,
      [MYCEL_BIN, ...args],
      {
        timeout: options.timeout ?? 30_000,
        env: cliEnv(),
        encoding: 'buffer',
        maxBuffer: 256 * 1024 * 1024
      },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1
        done({ code, stdout: stdout.toString(), stderr: stderr.toString(), bytes: stdout })
      }
    )
    child.stdin?.end(options.input)
  })
}

/** Runs a mycel command that prints JSON, and returns the parsed output. */
export async function runCliJson<T>(args: string[]): Promise<T> {
  const result = await runCli([...args, '--json'])

  if (result.code !== 0) {
    throw new Error(`mycel ${args.join(' ')} exited ${result.code}: ${result.stderr}`)
  }

  return JSON.parse(result.stdout) as T
}

function cliEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env }
  delete env.MYCEL_DATA_DIR
  delete env.MYCEL_DEBUG

  return env
}

export interface DaemonProcess {
  dataDir: string
  child: ChildProcess
  /** What the daemon printed so far. */
  output(): string
  /** Resolves with the exit code (or signal name) once the process is gone. */
  exited: Promise<number | string>
}

/**
 * A set of daemon processes, each in its own temp data dir; `cleanup()`
 * kills what still runs and removes the dirs.
 */
export class DaemonFleet {
  private readonly daemons: DaemonProcess[] = []
  private readonly dirs: string[] = []

  /** A fresh temp directory, removed on cleanup. */
  async tempDir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'mycel-test-'))
    this.dirs.push(dir)

    return dir
  }

  /**
   * Starts `mycel <command> ...args --data-dir <dir>` on loopback without
   * mDNS, and waits until its API answers.
   */
  async start(dataDir: string, command: string[] = ['daemon']): Promise<DaemonProcess> {
    const child = spawn(
      process.execPath,
      [
        MYCEL_BIN,
        ...command,
        '--data-dir',
        dataDir,
        '--listen',
        '/ip4/127.0.0.1/tcp/0',
        '--no-mdns'
      ],
      { env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] }
    )
    let output = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    const exited = new Promise<number | string>((resolve) => {
      child.once('exit', (code, signal) => resolve(code ?? signal ?? -1))
    })
    const daemon: DaemonProcess = { dataDir, child, output: () => output, exited }
    this.daemons.push(daemon)
    let gone = false
    void exited.then(() => {
      gone = true
    })

    await waitFor(
      async () => {
        if (gone) {
          throw new Error(`daemon exited before its API came up:\n${output}`)
        }

        return (await apiPid(dataDir)) === child.pid
      },
      { timeout: 20_000, message: `daemon in ${dataDir} did not come up:\n${output}` }
    )

    return daemon
  }

  /** Kills every daemon still running and removes the temp dirs. */
  async cleanup(): Promise<void> {
    for (const daemon of this.daemons) {
      if (daemon.child.exitCode === null && daemon.child.signalCode === null) {
        daemon.child.kill('SIGKILL')
        await daemon.exited
      }
    }

    this.daemons.length = 0
    await Promise.all(this.dirs.map((dir) => rm(dir, { recursive: true, force: true })))
    this.dirs.length = 0
  }
}

async function apiPid(dataDir: string): Promise<number | undefined> {
  try {
    return (JSON.parse(await readFile(join(dataDir, 'api.json'), 'utf8')) as { pid: number }).pid
  } catch {
    return undefined
  }
}
