/**
 * BullMQ's submitter for the benchmark, in a process of its own: a Queue to
 * add jobs and one QueueEvents to hear them finish. Job ids are chosen here,
 * and a job's waiter is in place before the job is added, so no completion
 * can come first and be missed. An input is put in Redis as a key of its own.
 */
import { Queue, QueueEvents } from 'bullmq'
import { Redis } from 'ioredis'
import { serveParent } from './procs.js'
import { type BenchTarget, runWorkload, type Workload } from './workloads.js'

const [host = '127.0.0.1', port = '6379', name = 'bench'] = process.argv.slice(2)
const connection = { host, port: Number(port) }
const queue = new Queue(name, { connection })
const events = new QueueEvents(name, { connection })
const inputs = new Redis(connection)
const waiting = new Map<string, { resolve(value: unknown): void; reject(err: Error): void }>()
let nextJob = 0
let nextInput = 0

events.on('completed', ({ jobId, returnvalue }) => {
  waiting.get(jobId)?.resolve(returnvalue)
  waiting.delete(jobId)
})
events.on('failed', ({ jobId, failedReason }) => {
  waiting.get(jobId)?.reject(new Error(failedReason))
  waiting.delete(jobId)
})

/** Adds one job per entry of `data` in one call, and resolves with their results in order. */
async function addAll(kind: string, data: unknown[]): Promise<unknown[]> {
  const jobs = data.map((d) => ({ name: kind, data: d, opts: { jobId: `j${nextJob++}` } }))
  const results = jobs.map(
    (job) => new Promise((resolve, reject) => waiting.set(job.opts.jobId, { resolve, reject }))
  )
  await (jobs.length === 1 ? queue.add(kind, data[0], jobs[0]?.opts) : queue.addBulk(jobs))

  return Promise.all(results)
}

const target: BenchTarget = {
  many: (kind, args) => addAll(kind, args),
  one: async (args) => (await addAll('echo', [args]))[0],
  put: async (bytes) => {
    const key = `input:${nextInput++}`
    await inputs.set(key, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
    return key
  },
  hash: async (refs) =>
    ((await addAll('sha256', refs)) as { sha256: string }[]).map((result) => result.sha256)
}

await Promise.all([queue.waitUntilReady(), events.waitUntilReady()])

serveParent(
  {
    run: async ({ workload, n }: { workload: Workload; n: number }) => {
      try {
        return await runWorkload(target, workload, n)
      } finally {
        // untimed: finished jobs and inputs go, so no run pays for the last one's
        await queue.clean(0, 0, 'completed')
        await inputs.del(...Array.from({ length: nextInput }, (_, i) => `input:${i}`), 'none')
      }
    }
  },
  async () => {
    await Promise.all([queue.close(), events.close()])
    inputs.disconnect()
  }
)
