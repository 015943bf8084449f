/**
 * How a put keeps a bounded number of blocks in flight, and learns the size
 * of its input when it can.
 */
import { readableFileSize } from '../repo/files.js'
import type { ChunkSource } from './chunker.js'

/** Keeps up to `size` promises in flight; the first failure is thrown by `add` or `drain`. */
export class Window {
  private readonly size: number
  private readonly running = new Set<Promise<void>>()
  private failure?: Error

  constructor(size: number) {
    this.size = size
  }

  async add(task: Promise<void>): Promise<void> {
    const tracked: Promise<void> = task
      .catch((err: Error) => {
        this.failure ??= err
      })
      .finally(() => this.running.delete(tracked))
    this.running.add(tracked)

    if (this.running.size >= this.size) {
      await Promise.race(this.running)
    }

    this.throwIfFailed()
  }

  async drain(): Promise<void> {
    await Promise.all(this.running)
    this.throwIfFailed()
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) {
      throw this.failure
    }
  }
}

export async function sizeOf(input: ChunkSource | string): Promise<number | undefined> {
  if (input instanceof Uint8Array) {
    return input.byteLength
  }

  if (typeof input === 'string') {
    return readableFileSize(input)
  }

  return undefined
}
