import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { concat } from 'uint8arrays/concat'
import { describe, expect, it } from 'vitest'
import { type ChunkSource, chunk, MAX_CHUNK_SIZE } from '../../src/store/chunker.js'
import { fileSource } from '../../src/store/file-source.js'

/** Bytes 0, 1, 2, … wrapping at 251, so a misplaced byte shows. */
function pattern(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => i % 251)
}

/** `bytes` cut into pieces of the given lengths, repeated until the bytes run out. */
function split(bytes: Uint8Array, lengths: number[]): Uint8Array[] {
  const pieces: Uint8Array[] = []

  for (let offset = 0, i = 0; offset < bytes.byteLength; i++) {
    const length = lengths[i % lengths.length] ?? 1
    pieces.push(bytes.subarray(offset, offset + length))
    offset += length
  }

  return pieces
}

async function collect(source: ChunkSource, chunkSize: number): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = []

  for await (const piece of chunk(source, chunkSize)) {
    chunks.push(piece)
  }

  return chunks
}

async function* slowly(pieces: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const piece of pieces) {
    await Promise.resolve()
    yield piece
  }
}

describe('chunker', () => {
  it('cuts pieces split at awkward boundaries into exact chunks that reassemble', async () => {
    const data = pattern(5_000)
    const splits = [[1], [7, 0, 3], [99, 101], [100], [250], [333, 1, 1], [5_000]]

    for (const lengths of splits) {
      const pieces = split(data, lengths)

      for (const source of [pieces, slowly(pieces)]) {
        const chunks = await collect(source, 100)

        expect(chunks.map((c) => c.byteLength)).toEqual(Array(50).fill(100))
        expect(Buffer.compare(concat(chunks), data)).toBe(0)
      }
    }
  })

  it('makes the last chunk shorter, and yields nothing for empty input', async () => {
    const data = pattern(1_050)

    expect((await collect(data, 100)).map((c) => c.byteLength)).toEqual([
      ...Array(10).fill(100),
      50
    ])
    expect(await collect(split(data, [64, 3]), 1_024)).toEqual([
      data.subarray(0, 1_024),
      data.subarray(1_024)
    ])
    expect(await collect(new Uint8Array(0), 100)).toEqual([])
    expect(await collect([], 100)).toEqual([])
    expect(await collect([new Uint8Array(0), new Uint8Array(0)], 100)).toEqual([])
  })

  it('hands on views into pieces that hold whole chunks, and copies only across boundaries', async () => {
    const data = pattern(1_000)
    const chunks = await collect(data, 300)

    expect(chunks.every((c) => c.buffer === data.buffer)).toBe(true)

    const pieces = split(data, [450])
    const mixed = await collect(pieces, 300)

    // [0, 300) inside the first piece; [300, 600) spans two; [600, 900) and the tail inside the second
    expect(mixed.map((c) => c.buffer === data.buffer)).toEqual([true, false, true, true])
    expect(Buffer.compare(concat(mixed), data)).toBe(0)
  })

  it('refuses a chunk size that is not an integer from 1 to 4 MiB, before reading', () => {
    for (const size of [0, -1, 1.5, Number.NaN, MAX_CHUNK_SIZE + 1]) {
      expect(() => chunk(new Uint8Array(1), size)).toThrow(
        expect.objectContaining({ name: 'InvalidConfigError' })
      )
    }

    expect(() => chunk(new Uint8Array(1), MAX_CHUNK_SIZE)).not.toThrow()
  })

  it('reads a file in pieces and chunks it back to the same bytes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mycel-chunker-'))
    const path = join(dir, 'data.bin')
    const data = pattern(70_000)

    try {
      await writeFile(path, data)
      const chunks = await collect(fileSource(path, 16_384), 10_000)

      expect(chunks.map((c) => c.byteLength)).toEqual(Array(7).fill(10_000))
      expect(Buffer.compare(concat(chunks), data)).toBe(0)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
