/**
 * A BullMQ worker for the benchmark, in a process of its own with
 * concurrency 1: the same three kinds mycel's built-ins offer, with the
 * same results. An input is read from Redis, where the submitter put it.
 */
import { createHash } from 'node:crypto'
import { type Job, Worker } from 'bullmq'
import { Redis } from 'ioredis'
import { serveParent } from './procs.js'

const [host = '127.0.0.1', port = '6379', queue = 'bench'] = process.argv.slice(2)
const connection = { host, port: Number(port) }
const inputs = new Redis({ ...connection, lazyConnect: true })

async function processor(job: Job): Promise<unknown> {
  switch (job.name) {
    case 'echo':
      return job.data
    case 'spin': {
      const end = performance.now() + (job.data as number)
      while (performance.now() < end) {
        // keep the core busy, as mycel's spin does
      }
      return { spun: job.data }
    }
    case 'sha256': {
      const bytes = await inputs.getBuffer(job.data as string)
      if (bytes === null) throw new Error(`no input ${job.data}`)
      return { sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.byteLength }
    }
    default:
      throw new Error(`unknown kind ${job.name}`)
  }
}

const worker = new Worker(queue, processor, { connection, concurrency: 1 })
await Promise.all([worker.waitUntilReady(), inputs.connect()])

serveParent({}, async () => {
  await worker.close()
  inputs.disconnect()
})
