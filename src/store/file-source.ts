/**
 * Reads a file as a stream of large pieces for the chunker. The only I/O in the chunking path.
 */
import { createReadStream } from 'node:fs'

/**
 * Bytes read from a file at a time. A multiple of the chunk size lets every chunk be a view into
 * a read, never a copy.
 */
export const DEFAULT_READ_SIZE = 4_194_304 // bytes, 4 MiB

/**
 * The bytes of the file at `path`, in pieces of `readSize` bytes (the last one shorter). Errors
 * such as a missing file surface on the first read.
 *
 * @param readSize - bytes per read, by default `DEFAULT_READ_SIZE` (4 MiB); the chunk size or
 * a multiple of it avoids copies
 */
export function fileSource(
  path: string,
  readSize: number = DEFAULT_READ_SIZE
): AsyncIterable<Uint8Array> {
  return createReadStream(path, { highWaterMark: readSize })
}
