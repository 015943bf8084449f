import { sha256 } from '@noble/hashes/sha2.js'
import { describe, expect, it } from 'vitest'
import { hashKey, keyPosition, MAX_POSITION, vnodePosition } from '../../src/ring/index.js'
import { vnodePositions } from '../../src/ring/keys.js'

describe('ring keys', () => {
  it('places a key by its first four bytes, big-endian', () => {
    expect(keyPosition(Uint8Array.of(0x12, 0x34, 0x56, 0x78, 0x9a))).toBe(0x12345678)
    expect(keyPosition(Uint8Array.of(0xff, 0xff, 0xff, 0xff))).toBe(MAX_POSITION)
    expect(keyPosition(Uint8Array.of(0, 0, 0, 0))).toBe(0)
  })

  it('reads a key that is a view into a larger buffer from its own first byte', () => {
    const buffer = Uint8Array.of(9, 9, 0x00, 0x00, 0x01, 0x00, 9)

    expect(keyPosition(buffer.subarray(2))).toBe(0x100)
  })

  it('refuses a key shorter than four bytes, saying what it got', () => {
    expect(() => keyPosition(Uint8Array.of(1, 2, 3))).toThrow(
      'expected a key of at least 4 bytes, got 3 bytes'
    )
    expect(() => keyPosition(new Uint8Array(0))).toThrow('got 0 bytes')
    expect(() => keyPosition('abcd' as unknown as Uint8Array)).toThrow('got string')
  })

  it('hashes a string as its UTF-8 bytes, and bytes as they are', () => {
    const utf8 = new TextEncoder().encode('blöck')

    expect(hashKey('blöck')).toEqual(sha256(utf8))
    expect(hashKey(utf8)).toEqual(sha256(utf8))
  })

  it('places point i of a peer at the first 4 bytes of sha256(utf8(id) || uint32be(i))', () => {
    const id = '12D3KooWexample'
    const input = new Uint8Array([...new TextEncoder().encode(id), 0, 0, 0x01, 0x02])
    const digest = sha256(input)
    const expected = new DataView(digest.buffer, digest.byteOffset).getUint32(0)

    expect(vnodePosition(id, 0x0102)).toBe(expected)
  })

  it('keeps a peer’s first points where they are when it gets more', () => {
    const few = vnodePositions('12D3KooWexample', 0, 8)
    const more = vnodePositions('12D3KooWexample', 0, 32)

    expect(more.subarray(0, 8)).toEqual(few)
    expect(vnodePositions('12D3KooWexample', 8, 32)).toEqual(more.subarray(8))
  })
})
