/**
 * The processes of a benchmark: each system's parts run as separate OS
 * processes, read from /proc for CPU time and memory, and driven over Node's
 * IPC channel by request and answer. Every process started here and every
 * temp dir made here is tracked until gone, so that `stopEverything` can end
 * them all when the bench fails or is stopped; and the kernel stops each
 * child (SIGTERM) if the bench dies without a word.
 */
import { type ChildProcess, execFileSync, type StdioOptions, spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Figures, Workload } from './workloads.js'

/** How long a script may take to serve requests once started, in ms. */
export const STARTUP_TIMEOUT = 60_000
/** How long a request waits for its answer, unless told otherwise, in ms. */
export const DEFAULT_REQUEST_TIMEOUT = 60_000
/** How long a process may take to stop after SIGTERM before it is killed, in ms. */
const STOP_TIMEOUT = 5_000
/** util-linux's setpriv: sets a parent death signal, then becomes the program it runs. */
const SETPRIV = '/usr/bin/setpriv'

/** Every process started here and not gone yet. */
const children = new Set<Child>()
/** Every temp dir made here and not removed yet. */
const dirs = new Set<string>()
/** Set by `stopEverything`: nothing more is started. */
let stopped = false

let profileDir: string | undefined

/** Makes every Node process started from now on write a CPU profile into `dir` as it exits. */
export function profileInto(dir: string): void {
  profileDir = dir
}

/** Node's flags for CPU profiles of the process called `name`, when profiles are asked for. */
export function profileFlags(name: string): string[] {
  if (profileDir === undefined) return []

  // a folder per process: each of its threads writes a profile of its own
  return ['--cpu-prof', `--cpu-prof-dir=${profileDir}/${name.replace(/\W+/g, '-')}`]
}

/** Clock ticks per second, the unit of CPU times in /proc. */
const TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100

export interface ProcFigures {
  /** CPU seconds used so far, user and system, all threads. */
  cpu: number
  /** Resident memory now, in MB. */
  rss: number
  /** The most resident memory the process has had, in MB. */
  peakRss: number
}

/** What /proc says of a running process. */
export function procFigures(pid: number): ProcFigures {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // the command name may hold spaces: the fields that follow it start after its ')'
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (name: string): number => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1])

  return {
    cpu: (Number(fields[11]) + Number(fields[12])) / TICKS,
    rss: round1(kb('VmRSS') / 1024),
    peakRss: round1(kb('VmHWM') / 1024)
  }
}

/** A process of a system under test, by the name it is reported under. */
export interface BenchProcess {
  name: string
  pid: number
  stop(): Promise<void>
}

/** A system under test: its processes, and the workloads run on it. */
export interface BenchSystem {
  name: string
  processes: BenchProcess[]
  run(workload: Workload, n: number): Promise<Figures>
  stop(): Promise<void>
}

/** A process of the bench: its output kept for error messages, stopped by SIGTERM then SIGKILL. */
abstract class Child implements BenchProcess {
  readonly pid: number
  protected readonly child: ChildProcess
  /** Resolves, once the process is gone, with why: how it exited and what it printed last. */
  protected readonly ended: Promise<string>
  private done = false
  private log = ''

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    stdio: StdioOptions
  ) {
    if (stopped) throw new Error(`the bench is stopping: ${name} not started`)

    // the kernel sends the child SIGTERM when the bench dies, even by SIGKILL
    const [file, argv] = existsSync(SETPRIV)
      ? [SETPRIV, ['--pdeathsig', 'TERM', '--', command, ...args]]
      : [command, args]
    this.child = spawn(file, argv, { stdio })
    this.pid = this.child.pid ?? -1
    this.child.stdout?.on('data', (chunk: Buffer) => this.keep(chunk.toString()))
    this.child.stderr?.on('data', (chunk: Buffer) => this.keep(chunk.toString()))
    children.add(this)

    this.ended = new Promise((resolve) => {
      const end = (why: string): void => {
        if (this.done) return
        this.done = true
        children.delete(this)
        resolve(`${this.name} ${why}:\n${this.log}`)
      }

      this.child.once('exit', (code, signal) => end(`exited (${code ?? signal})`))
      this.child.on('error', (err) => {
        this.keep(`${err.message}\n`)
        // a program that could not be started has no exit to wait for
        if (this.child.pid === undefined) end('failed to start')
      })
    })
  }

  /** What it printed last. */
  output(): string {
    return this.log
  }

  get running(): boolean {
    return !this.done && this.child.exitCode === null && this.child.signalCode === null
  }

  async stop(): Promise<void> {
    if (!this.running) return

    this.child.kill('SIGTERM')
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT)
    await this.ended
    clearTimeout(timer)
  }

  private keep(text: string): void {
    this.log = (this.log + text).slice(-4_000)
  }
}

/** A child that did not answer a request in time. */
export class RequestTimeoutError extends Error {
  override readonly name = 'RequestTimeoutError'

  constructor(process: string, method: string, timeout: number) {
    super(`${process} did not answer ${method} within ${timeout / 1000} s`)
  }
}

/** A script of this folder run as a child process under tsx, answering requests over IPC. */
export class ScriptProcess extends Child {
  /** Settles once the child serves requests; fails if it exits or takes over STARTUP_TIMEOUT. */
  readonly ready: Promise<void>
  private readonly waiting = new Map<number, Waiter>()
  private nextId = 0

  constructor(name: string, script: string, args: string[] = []) {
    const profile = profileFlags(`${script.replace(/^\.\/|\.ts$/g, '')}-${name}`)
    const path = new URL(script, import.meta.url).pathname
    super(
      name,
      process.execPath,
      ['--import', 'tsx', ...profile, path, ...args],
      ['ignore', 'pipe', 'pipe', 'ipc']
    )

    this.ready = new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`${name} did not start within ${STARTUP_TIMEOUT / 1000} s`))
      }, STARTUP_TIMEOUT)
      this.child.on('message', (message: Answer) => {
        if (message.id !== READY) return
        clearTimeout(timer)
        resolve()
      })
      this.ended.then((why) => {
        clearTimeout(timer)
        reject(new Error(why))
      })
    })
    // a child that ends after it was ready rejects nothing anyone waits for
    this.ready.catch(() => {})

    this.child.on('message', (message: Answer) => {
      const waiter = this.waiting.get(message.id)
      if (message.error !== undefined) waiter?.reject(new Error(`${name}: ${message.error}`))
      else waiter?.resolve(message.result)
    })
    this.ended.then((why) => {
      for (const waiter of this.waiting.values()) waiter.reject(new Error(why))
    })
  }

  /**
   * Asks the child to do `method`, and resolves with its answer; fails with a
   * `RequestTimeoutError` if none comes within `timeout` ms.
   */
  async request<T>(
    method: string,
    params?: unknown,
    timeout = DEFAULT_REQUEST_TIMEOUT
  ): Promise<T> {
    await this.ready
    if (!this.running) throw new Error(`${this.name} exited:\n${this.output()}`)

    const id = this.nextId++

    return new Promise<T>((resolve, reject) => {
      const settle = (): void => {
        clearTimeout(timer)
        this.waiting.delete(id)
      }
      const timer = setTimeout(() => {
        settle()
        reject(new RequestTimeoutError(this.name, method, timeout))
      }, timeout)

      this.waiting.set(id, {
        resolve: (value) => {
          settle()
          resolve(value as T)
        },
        reject: (err) => {
          settle()
          reject(err)
        }
      })
      this.child.send({ id, method, params } satisfies Request, (err) => {
        if (err !== null) this.waiting.get(id)?.reject(err)
      })
    })
  }
}

/** A program that is not a script of ours (a daemon, redis-server), stopped by a signal. */
export class ProgramProcess extends Child {
  constructor(name: string, command: string, args: string[]) {
    super(name, command, args, ['ignore', 'pipe', 'pipe'])
  }
}

/**
 * Stops every process started here that still runs, our scripts first while
 * the programs they talk to are there, then removes every temp dir made by
 * `tempDir`. Nothing can be started after.
 */
export async function stopEverything(): Promise<void> {
  stopped = true
  const all = [...children]

  await Promise.allSettled(all.filter((p) => p instanceof ScriptProcess).map((p) => p.stop()))
  await Promise.allSettled(all.map((p) => p.stop()))
  await Promise.allSettled([...dirs].map((dir) => removeDir(dir)))
}

/** A new temp dir, removed by `stopEverything` unless `removeDir` did it first. */
export async function tempDir(): Promise<string> {
  if (stopped) throw new Error('the bench is stopping: no temp dir made')

  const dir = await mkdtemp(join(tmpdir(), 'mycel-bench-'))
  dirs.add(dir)
  // the bench began to stop while the dir was made: it is not removed yet
  if (stopped) {
    await removeDir(dir)
    throw new Error('the bench is stopping: no temp dir made')
  }

  return dir
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true })
  dirs.delete(dir)
}

/** The id of the message a child sends once it serves requests. */
const READY = -1

interface Request {
  id: number
  method: string
  params?: unknown
}

interface Answer {
  id: number
  result?: unknown
  error?: string
}

interface Waiter {
  resolve(value: unknown): void
  reject(err: Error): void
}

/**
 * Serves the parent's requests in a child process: each method's result (or
 * error message) goes back under the request's id. SIGTERM, or the parent
 * gone, runs `onStop` and exits: at once when it is done, or after
 * STOP_TIMEOUT if it hangs.
 */
export function serveParent(
  methods: Record<string, (params: never) => unknown>,
  onStop: () => Promise<void>
): void {
  process.on('message', (request: Request) => {
    const method = methods[request.method]
    Promise.resolve()
      .then(() => {
        if (method === undefined) throw new Error(`no method ${request.method}`)
        return method(request.params as never)
      })
      .then(
        (result) => process.send?.({ id: request.id, result } satisfies Answer),
        (err: Error) => process.send?.({ id: request.id, error: err.message } satisfies Answer)
      )
  })

  let stopping = false
  const stop = (): void => {
    if (stopping) return
    stopping = true
    // a stop that hangs (on a server already gone, say) must not keep the process alive
    setTimeout(() => process.exit(1), STOP_TIMEOUT).unref()
    onStop().finally(() => process.exit(0))
  }

  process.once('SIGTERM', stop)
  // the parent gone: nobody is left to stop this process
  process.once('disconnect', stop)
  if (process.connected) process.send?.({ id: READY } satisfies Answer)
  else stop()
}

/** A TCP port free on 127.0.0.1 a moment ago, for a program that cannot take port 0. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        resolve(typeof address === 'object' && address !== null ? address.port : 0)
      )
    })
  })
}

/** Polls `ready` every 50 ms until it holds, or fails with `what` after `timeout` ms. */
export async function until(
  ready: () => Promise<boolean> | boolean,
  what: string,
  timeout = 30_000
): Promise<void> {
  const deadline = Date.now() + timeout

  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

function round1(n: number): number {
  return Math.round(n * 10) / 10
}
