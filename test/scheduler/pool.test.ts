import { createHash } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defaultLogger } from '@libp2p/logger'
import { afterEach, describe, expect, it } from 'vitest'
import {
  BUILTIN_THREAD_MODULE,
  type JobResult,
  type PoolJob,
  WorkerPool,
  type WorkerPoolInit
} from '../../src/scheduler/pool.js'

const log = defaultLogger().forComponent('test:scheduler:pool')
const fixture = (name: string): string => new URL(`./fixtures/${name}`, import.meta.url).href
const HANDLERS = fixture('handlers.mjs')
/** All four built-ins, loaded from source as a handler module. */
const BUILTINS = new URL('../../src/scheduler/builtins.ts', import.meta.url).href

const pools: WorkerPool[] = []

afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.stop()))
})

function makePool(init: Partial<WorkerPoolInit> = {}): WorkerPool {
  const pool = new WorkerPool({ size: 1, modules: [HANDLERS], log, ...init })
  pools.push(pool)
  return pool
}

async function loadedPool(init: Partial<WorkerPoolInit> = {}): Promise<WorkerPool> {
  const pool = makePool(init)
  await pool.load()
  return pool
}

let jobs = 0

function job(kind: string, fields: Partial<PoolJob> = {}): PoolJob {
  return { id: `job-${++jobs}`, kind, args: null, cids: [], inputs: [], timeout: 10_000, ...fields }
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (err) {
    return err as Error
  }

  throw new Error('expected a rejection, got a result')
}

function json(result: JobResult): unknown {
  if (!('json' in result)) {
    throw new Error('expected a JSON result, got bytes')
  }

  return JSON.parse(result.json)
}

function bytes(result: JobResult): Uint8Array {
  if (!('bytes' in result)) {
    throw new Error(`expected bytes, got JSON ${result.json}`)
  }

  return result.bytes
}

describe('WorkerPool', () => {
  describe('load', () => {
    it('lists the function exports of every module as kinds, sorted', async () => {
      const pool = makePool({ modules: [HANDLERS, fixture('other.mjs'), BUILTIN_THREAD_MODULE] })
      const kinds = [
        ...['burst', 'double', 'exit', 'fail', 'greet', 'hog', 'inputs', 'loop', 'nothing'],
        'report',
        ...['reverse', 'sha256', 'spin', 'throwLater', 'triple', 'unserialisable']
      ]

      expect(await pool.load()).toEqual(kinds)
      expect(pool.kinds).toEqual(kinds)
      expect(pool.stats().threads).toBe(1)
    })

    it('takes absolute paths as well as file: URLs', async () => {
      const pool = makePool({ modules: [fileURLToPath(fixture('other.mjs'))] })

      expect(await pool.load()).toEqual(['triple'])
    })

    it('names a module that does not exist', async () => {
      const missing = fileURLToPath(fixture('missing.mjs'))
      const err = await rejection(makePool({ modules: [HANDLERS, missing] }).load())

      expect(err.name).toBe('HandlerModuleError')
      expect(err.message).toContain(missing)
    })

    it('names a module with a syntax error, and the error', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'mycel-pool-'))
      const broken = join(dir, 'broken.mjs')
      await writeFile(broken, 'export function broken( {\n')

      try {
        const err = await rejection(makePool({ modules: [broken] }).load())

        expect(err.name).toBe('HandlerModuleError')
        expect(err.message).toContain(broken)
        expect(err.message).toContain('SyntaxError')
      } finally {
        await rm(dir, { recursive: true, force: true })
      }
    })

    it('names a module that exports no functions', async () => {
      const err = await rejection(makePool({ modules: [fixture('no-functions.mjs')] }).load())

      expect(err.name).toBe('HandlerModuleError')
      expect(err.message).toBe(
        `handler module ${fileURLToPath(fixture('no-functions.mjs'))} exports no functions`
      )
    })

    it('gives up on a module whose import does not end', async () => {
      const pool = makePool({ modules: [fixture('hangs.mjs')], loadTimeout: 300 })
      const err = await rejection(pool.load())

      expect(err.name).toBe('HandlerModuleError')
      expect(err.message).toMatch(/took over 300 ms/)
      expect(pool.stats().threads).toBe(0)
    })

    it('names both modules when two export the same kind', async () => {
      const err = await rejection(makePool({ modules: [HANDLERS, fixture('clash.mjs')] }).load())

      expect(err.name).toBe('HandlerModuleError')
      expect(err.message).toContain(fileURLToPath(HANDLERS))
      expect(err.message).toContain(fileURLToPath(fixture('clash.mjs')))
      expect(err.message).toContain('"double"')
    })
  })

  describe('results', () => {
    it('returns a JSON result as text', async () => {
      const pool = await loadedPool()

      expect(await pool.run(job('double', { args: 21 }))).toEqual({ json: '{"doubled":42}' })
      expect(pool.stats()).toMatchObject({ completed: 1, failed: 0, busy: 0, queued: 0 })
    })

    it('gives null for a handler that returns nothing', async () => {
      const pool = await loadedPool()

      expect(await pool.run(job('nothing'))).toEqual({ json: 'null' })
    })

    it('returns bytes, moving a whole input buffer and copying part of one', async () => {
      const pool = await loadedPool()
      const whole = Uint8Array.from([1, 2, 3])
      const larger = Uint8Array.from([9, 1, 2, 3, 9])

      expect(bytes(await pool.run(job('reverse', { inputs: [whole] })))).toEqual(
        Uint8Array.from([3, 2, 1])
      )
      expect(whole.byteLength).toBe(0)

      expect(bytes(await pool.run(job('reverse', { inputs: [larger.subarray(1, 4)] })))).toEqual(
        Uint8Array.from([3, 2, 1])
      )
      expect(larger).toEqual(Uint8Array.from([9, 1, 2, 3, 9]))
    })

    it('returns a Buffer from the shared pool as its bytes alone', async () => {
      const pool = await loadedPool()
      const result = bytes(await pool.run(job('greet')))

      expect(new TextDecoder().decode(result)).toBe('hello')
    })

    it("shows the handler the job's id, cids and inputs", async () => {
      const pool = await loadedPool()
      const cids = ['bafy-a', 'bafy-b']
      const result = await pool.run(
        job('inputs', { id: 'the-id', cids, inputs: [new Uint8Array(1), new Uint8Array(2)] })
      )

      expect(json(result)).toEqual({ length: 2, cids, id: 'the-id' })
    })

    it('passes progress reports to onProgress, the last one included', async () => {
      const pool = await loadedPool()
      const reports: Array<[number, string | undefined]> = []
      const result = await pool.run(
        job('report', { onProgress: (fraction, message) => reports.push([fraction, message]) })
      )

      expect(json(result)).toBe('reported')
      expect(reports.at(-1)).toEqual([1, 'done'])
      expect(reports.map(([fraction]) => fraction)).toEqual(
        [...reports.map(([fraction]) => fraction)].sort()
      )
      expect(reports.length).toBeGreaterThanOrEqual(2)
    })

    it('sends a burst of progress reports as the first and the last', async () => {
      const pool = await loadedPool()
      const fractions: number[] = []

      await pool.run(job('burst', { onProgress: (fraction) => fractions.push(fraction) }))

      expect(fractions).toEqual([0.001, 1])
    })
  })

  describe('built-in handlers', () => {
    it('echo returns its arguments and sleep waits', async () => {
      const pool = await loadedPool({ modules: [BUILTINS] })
      const started = Date.now()

      expect(pool.kinds).toEqual(['echo', 'sha256', 'sleep', 'spin'])
      expect(json(await pool.run(job('echo', { args: { a: [1, 'b'] } })))).toEqual({ a: [1, 'b'] })
      expect(json(await pool.run(job('sleep', { args: { ms: 100 } })))).toEqual({ slept: 100 })
      expect(Date.now() - started).toBeGreaterThanOrEqual(95)
    })

    it('sleep refuses arguments that are not a duration', async () => {
      const pool = await loadedPool({ modules: [BUILTINS] })
      const err = await rejection(pool.run(job('sleep', { args: 'x' })))

      expect(err.name).toBe('TaskFailedError')
      expect(err.message).toBe('TypeError: sleep expects a number of ms or { ms }, got "x"')
    })

    it('spin and sha256 run from BUILTIN_THREAD_MODULE', async () => {
      const pool = await loadedPool({ modules: [BUILTIN_THREAD_MODULE] })
      const first = new TextEncoder().encode('hello ')
      const second = new TextEncoder().encode('mesh')
      const expected = createHash('sha256').update(first).update(second).digest('hex')

      expect(json(await pool.run(job('spin', { args: 50 })))).toEqual({ spun: 50 })
      expect(json(await pool.run(job('sha256', { inputs: [first, second] })))).toEqual({
        sha256: expected,
        bytes: 10
      })
    })

    it('sha256 needs an input', async () => {
      const pool = await loadedPool({ modules: [BUILTIN_THREAD_MODULE] })
      const err = await rejection(pool.run(job('sha256')))

      expect(err.name).toBe('TaskFailedError')
      expect(err.message).toBe('sha256 needs at least one input block')
    })
  })

  describe('failures', () => {
    it("fails with the handler's message on one line", async () => {
      const pool = await loadedPool()
      const err = await rejection(pool.run(job('fail', { args: 'why' })))

      expect(err.name).toBe('TaskFailedError')
      expect(err.message).toBe('failed on purpose: why')
    })

    it("puts the error's name first unless it is plain Error, and cuts long messages", async () => {
      const pool = await loadedPool()
      const typed = await rejection(pool.run(job('fail', { args: 'type' })))
      const long = await rejection(pool.run(job('fail', { args: 'x'.repeat(5000) })))

      expect(typed.message).toMatch(/^TypeError: Cannot read properties of undefined/)
      expect(long.message.length).toBeLessThanOrEqual(1000)
      expect(pool.stats().failed).toBe(2)
    })

    it('fails a result that is not JSON', async () => {
      const pool = await loadedPool()

      for (const args of ['bigint', 'cycle', 'function']) {
        const err = await rejection(pool.run(job('unserialisable', { args })))

        expect(err.name).toBe('TaskFailedError')
        expect(err.message).toMatch(/^the result cannot be serialised as JSON: /)
      }
    })

    it('fails a kind no module exports', async () => {
      const pool = await loadedPool()
      const err = await rejection(pool.run(job('nope')))

      expect(err.name).toBe('TaskFailedError')
      expect(err.message).toBe('no handler for kind "nope" in the loaded modules')
    })

    it('refuses jobs before load', async () => {
      const err = await rejection(makePool().run(job('double')))

      expect(err.name).toBe('NotStartedError')
    })
  })

  describe('threads', () => {
    it('terminates a job past its timeout and runs the next one', async () => {
      const pool = await loadedPool()
      const started = Date.now()
      const err = await rejection(pool.run(job('loop', { timeout: 200 })))

      expect(err.name).toBe('TaskTimeoutError')
      expect(Date.now() - started).toBeLessThan(2000)
      expect(json(await pool.run(job('double', { args: 1 })))).toEqual({ doubled: 2 })
      expect(pool.stats()).toMatchObject({ timedOut: 1, completed: 1, threads: 1 })
    })

    it('fails a job whose handler exits the thread, and replaces the thread', async () => {
      const pool = await loadedPool()
      const err = await rejection(pool.run(job('exit')))

      expect(err.name).toBe('WorkerCrashedError')
      expect(err.message).toContain('code 3')
      expect(json(await pool.run(job('double', { args: 2 })))).toEqual({ doubled: 4 })
      expect(pool.stats()).toMatchObject({ crashed: 1, completed: 1 })
    })

    it('fails a job when the thread dies of an error thrown outside the handler', async () => {
      const pool = await loadedPool()
      const err = await rejection(pool.run(job('throwLater')))

      expect(err.name).toBe('WorkerCrashedError')
      expect(err.message).toContain('thrown outside the handler')
      expect(json(await pool.run(job('double', { args: 3 })))).toEqual({ doubled: 6 })
    })

    it('fails a job that runs its thread out of memory', async () => {
      const pool = await loadedPool({ resourceLimits: { maxOldGenerationSizeMb: 32 } })
      const err = await rejection(pool.run(job('hog', { timeout: 30_000 })))

      expect(err.name).toBe('WorkerCrashedError')
      expect(err.message).toMatch(/memory/i)
      expect(json(await pool.run(job('double', { args: 4 })))).toEqual({ doubled: 8 })
    })

    it('cancels a running job and a queued one on abort', async () => {
      const pool = await loadedPool()
      const controller = new AbortController()
      const running = rejection(pool.run(job('loop', { signal: controller.signal })))
      const queued = rejection(pool.run(job('double', { signal: controller.signal })))

      expect(pool.stats()).toMatchObject({ busy: 1, queued: 1 })
      setTimeout(() => controller.abort(), 100)

      expect((await running).name).toBe('TaskCancelledError')
      expect((await queued).name).toBe('TaskCancelledError')
      expect(json(await pool.run(job('double', { args: 5 })))).toEqual({ doubled: 10 })
      expect((await rejection(pool.run(job('double', { signal: controller.signal })))).name).toBe(
        'TaskCancelledError'
      )
    })

    it('runs jobs FIFO on one thread', async () => {
      const pool = await loadedPool()
      const order: number[] = []
      const runs = [1, 2, 3].map((n) =>
        pool.run(job('double', { args: n })).then(() => order.push(n))
      )

      expect(pool.stats()).toMatchObject({ busy: 1, queued: 2 })
      await Promise.all(runs)
      expect(order).toEqual([1, 2, 3])
    })

    it('spins on two threads at once while the event loop keeps ticking', async () => {
      const pool = await loadedPool({ size: 2, modules: [BUILTIN_THREAD_MODULE] })
      // start both threads first, so their start-up is not timed
      await Promise.all([pool.run(job('spin', { args: 1 })), pool.run(job('spin', { args: 1 }))])
      expect(pool.stats().threads).toBe(2)

      let last = performance.now()
      let longestGap = 0
      const ticker = setInterval(() => {
        const now = performance.now()
        longestGap = Math.max(longestGap, now - last)
        last = now
      }, 10)
      const started = performance.now()

      try {
        await Promise.all([
          pool.run(job('spin', { args: 300 })),
          pool.run(job('spin', { args: 300 }))
        ])
      } finally {
        clearInterval(ticker)
      }

      expect(performance.now() - started).toBeLessThan(550)
      expect(longestGap).toBeLessThan(100)
    })

    it('stop rejects running and queued jobs, and later ones', async () => {
      const pool = await loadedPool()
      const running = rejection(pool.run(job('loop')))
      const queued = rejection(pool.run(job('double')))

      await pool.stop()

      for (const err of [await running, await queued, await rejection(pool.run(job('double')))]) {
        expect(err.name).toBe('TaskCancelledError')
        expect(err.message).toBe('the node is stopping')
      }

      expect(pool.stats()).toMatchObject({ threads: 0, busy: 0, queued: 0 })
    })
  })
})
