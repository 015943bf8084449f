/**
 * The machine's memory, as bids weigh it.
 */
import os from 'node:os'

/** How long a reading of the machine's memory is used for. */
const MEMORY_TTL = 250 // ms

/**
 * The machine's memory in MiB, read at most every `MEMORY_TTL`: reading
 * free memory is a read of /proc/meminfo, which cost about a tenth of a
 * millisecond on every call for proposals and direct award.
 */
export class MemoryGauge {
  private figures = { memory: 0, memoryFree: 0 }
  private readAt = Number.NEGATIVE_INFINITY

  now(): { memory: number; memoryFree: number } {
    const now = Date.now()

    if (now - this.readAt >= MEMORY_TTL) {
      this.figures = { memory: os.totalmem() / 2 ** 20, memoryFree: os.freemem() / 2 ** 20 }
      this.readAt = now
    }

    return this.figures
  }
}
