/**
 * Cuts a stream of bytes into chunks of one size, the last one shorter. Pure: no I/O; a piece
 * that already holds a whole chunk is handed on as a view, and bytes are copied only where a
 * chunk spans two pieces.
 */
import { concat } from 'uint8arrays/concat'
import { InvalidConfigError } from '../errors.js'

/** Size of a data chunk unless the caller picks another. */
export const DEFAULT_CHUNK_SIZE = 1_048_576 // bytes, 1 MiB
/** Largest chunk a node stores or sends. */
export const MAX_CHUNK_SIZE = 4_194_304 // bytes, 4 MiB

/** Bytes to chunk: all at once, or as pieces of any size. */
export type ChunkSource = Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>

/**
 * Yields `source` in chunks of exactly `chunkSize` bytes, the last one shorter; empty input
 * yields nothing. Chunks may be views into the source's pieces, so the source must not reuse a
 * piece once it has handed it over (Node streams do not).
 *
 * @param chunkSize - bytes per chunk, an integer from 1 to `MAX_CHUNK_SIZE`; by default
 * `DEFAULT_CHUNK_SIZE` (1 MiB)
 * @throws {InvalidConfigError} at once, before any chunk, when `chunkSize` is out of range
 * @example
 * ```ts
 * for await (const piece of chunk(fileSource('data.bin'))) {
 *   builder.add(await blockCid(piece), piece.byteLength)
 * }
 * ```
 */
export function chunk(
  source: ChunkSource,
  chunkSize: number = DEFAULT_CHUNK_SIZE
): AsyncGenerator<Uint8Array, void, undefined> {
  checkChunkSize(chunkSize)

  return chunks(source instanceof Uint8Array ? [source] : source, chunkSize)
}

/**
 * Checks a chunk size.
 *
 * @throws {InvalidConfigError} unless it is an integer from 1 to `MAX_CHUNK_SIZE`
 */
export function checkChunkSize(chunkSize: number): void {
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
    throw new InvalidConfigError(
      `expected chunkSize to be an integer from 1 to ${MAX_CHUNK_SIZE}, got ${chunkSize}`
    )
  }
}

async function* chunks(
  pieces: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  chunkSize: number
): AsyncGenerator<Uint8Array, void, undefined> {
  // the start of the next chunk, gathered from pieces too short to hold it whole
  let pending: Uint8Array[] = []
  let pendingLength = 0

  for await (const piece of pieces) {
    if (piece.byteLength === 0) {
      continue
    }

    let offset = 0

    if (pendingLength > 0) {
      offset = Math.min(chunkSize - pendingLength, piece.byteLength)
      pending.push(piece.subarray(0, offset))
      pendingLength += offset

      if (pendingLength < chunkSize) {
        continue
      }

      yield concat(pending, chunkSize)
      pending = []
      pendingLength = 0
    }

    while (piece.byteLength - offset >= chunkSize) {
      yield piece.subarray(offset, offset + chunkSize)
      offset += chunkSize
    }

    if (offset < piece.byteLength) {
      pending.push(piece.subarray(offset))
      pendingLength += piece.byteLength - offset
    }
  }

  if (pendingLength > 0) {
    yield pending.length === 1 && pending[0] !== undefined
      ? pending[0]
      : concat(pending, pendingLength)
  }
}
