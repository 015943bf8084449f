/**
 * BullMQ as the benchmark runs it: a redis-server of its own on 127.0.0.1
 * with persistence off, two worker processes with concurrency 1, and a
 * submitter process. redis-server comes from Debian's package, installed
 * here if it is missing.
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { Redis } from 'ioredis'
import { type BenchSystem, freePort, ProgramProcess, ScriptProcess, until } from './procs.js'
import { type Figures, runTimeout, WORKERS } from './workloads.js'

/** Where Debian's package puts redis-server, and where the bench runs it from. */
export const REDIS_SERVER = '/usr/bin/redis-server'

/** Installs redis-server with apt-get when it is not there. */
export function ensureRedis(): void {
  if (existsSync(REDIS_SERVER)) return

  const install = (): void => {
    execFileSync('apt-get', ['install', '-y', '-q', 'redis-server'], { stdio: 'ignore' })
  }

  try {
    install()
  } catch {
    // the package lists may be missing on a fresh machine
    execFileSync('apt-get', ['update', '-q'], { stdio: 'ignore' })
    install()
  }
}

export async function startBullmq(): Promise<BenchSystem> {
  ensureRedis()
  const port = await freePort()
  const redis = new ProgramProcess('redis-server', REDIS_SERVER, [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no'
  ])
  const args = ['127.0.0.1', String(port), 'bench']
  const processes: (ProgramProcess | ScriptProcess)[] = [redis]
  const stop = async (): Promise<void> => {
    // the clients first, while the server they close their connections to is there
    await Promise.all(processes.slice(1).map((p) => p.stop()))
    await redis.stop()
  }

  try {
    await until(async () => {
      if (!redis.running) throw new Error(`redis-server exited:\n${redis.output()}`)
      return ping(port)
    }, 'redis-server never answered')

    const submitter = new ScriptProcess('submitter', './bullmq-submitter.ts', args)
    processes.push(submitter)

    for (let i = 0; i < WORKERS; i++) {
      processes.push(new ScriptProcess(`worker ${i + 1}`, './bullmq-worker.ts', args))
    }

    // a worker is ready once it answers; the submitter's first request waits for it too
    await Promise.all(processes.slice(1).map((p) => (p as ScriptProcess).ready))

    return {
      name: 'BullMQ',
      processes,
      run: (workload, n) => submitter.request<Figures>('run', { workload, n }, runTimeout(n)),
      stop
    }
  } catch (err) {
    await stop()
    throw err
  }
}

async function ping(port: number): Promise<boolean> {
  const client = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    retryStrategy: () => null
  })
  // not up yet: the refused connection is the answer, not an error to print
  client.on('error', () => {})

  try {
    await client.connect()
    return (await client.ping()) === 'PONG'
  } catch {
    return false
  } finally {
    client.disconnect()
  }
}
