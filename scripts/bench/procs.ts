/**
 * The processes of a benchmark: each system's parts run as separate OS
 * processes, read from /proc for CPU time and memory, and driven over Node's
 * IPC channel by request and answer.
 */
import { type ChildProcess, execFileSync, fork, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import type { Figures, Workload } from './workloads.js'

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

/** A script of this folder run as a child process under tsx, answering requests over IPC. */
export class ScriptProcess implements BenchProcess {
  readonly pid: number
  /** Settles once the child serves requests. */
  readonly ready: Promise<void>
  private readonly child: ChildProcess
  private readonly waiting = new Map<
    number,
    { resolve(v: unknown): void; reject(e: Error): void }
  >()
  private readonly exited: Promise<void>
  private nextId = 0
  private gone = false
  private log = ''

  constructor(
    readonly name: string,
    script: string,
    args: string[] = []
  ) {
    this.child = fork(new URL(script, import.meta.url).pathname, args, {
      execArgv: [
        '--import',
        'tsx',
        ...profileFlags(`${script.replace(/^\.\/|\.ts$/g, '')}-${name}`)
      ],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc']
    })
    this.pid = this.child.pid ?? -1
    this.child.stdout?.on('data', (chunk: Buffer) => this.keep(chunk))
    this.child.stderr?.on('data', (chunk: Buffer) => this.keep(chunk))
    this.ready = new Promise((resolve, reject) => {
      this.child.on('message', (message: Answer) => {
        if (message.id === READY) resolve()
      })
      this.child.once('exit', (code, signal) => {
        reject(new Error(`${this.name} exited (${code ?? signal}):\n${this.log}`))
      })
    })
    // a child that ends after it was ready rejects nothing anyone waits for
    this.ready.catch(() => {})
    this.child.on('message', (message: Answer) => {
      const waiter = this.waiting.get(message.id)
      this.waiting.delete(message.id)
      if (message.error !== undefined) waiter?.reject(new Error(`${this.name}: ${message.error}`))
      else waiter?.resolve(message.result)
    })
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.gone = true
        for (const waiter of this.waiting.values()) {
          waiter.reject(new Error(`${this.name} exited (${code ?? signal}):\n${this.log}`))
        }
        this.waiting.clear()
        resolve()
      })
    })
  }

  /** Asks the child to do `method`, and resolves with its answer. */
  async request<T>(method: string, params?: unknown): Promise<T> {
    await this.ready
    if (this.gone) throw new Error(`${this.name} exited:\n${this.log}`)
    const id = this.nextId++

    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject })
      this.child.send({ id, method, params } satisfies Request)
    })
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM')
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000)
      await this.exited
      clearTimeout(timer)
    }
  }

  private keep(chunk: Buffer): void {
    this.log = (this.log + chunk.toString()).slice(-4_000)
  }
}

/** A program that is not a script of ours (a daemon, redis-server), stopped by a signal. */
export class ProgramProcess implements BenchProcess {
  readonly pid: number
  private readonly child: ChildProcess
  private readonly exited: Promise<void>
  private log = ''

  constructor(
    readonly name: string,
    command: string,
    args: string[]
  ) {
    this.child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    this.pid = this.child.pid ?? -1
    const keep = (chunk: Buffer): void => {
      this.log = (this.log + chunk.toString()).slice(-4_000)
    }
    this.child.stdout?.on('data', keep)
    this.child.stderr?.on('data', keep)
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()))
  }

  /** What it printed last. */
  output(): string {
    return this.log
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null
  }

  async stop(): Promise<void> {
    if (this.running) {
      this.child.kill('SIGTERM')
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000)
      await this.exited
      clearTimeout(timer)
    }
  }
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

/**
 * Serves the parent's requests in a child process: each method's result (or
 * error message) goes back under the request's id. SIGTERM runs `onStop`,
 * then exits.
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
  process.send?.({ id: READY } satisfies Answer)
  process.once('SIGTERM', () => {
    onStop().finally(() => process.exit(0))
  })
  // the parent gone: nobody is left to stop this process
  process.once('disconnect', () => {
    onStop().finally(() => process.exit(0))
  })
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
