/**
 * Where keys and virtual nodes sit on the ring. Pure.
 *
 * A position is a uint32: the first four bytes, big-endian, of a uniform
 * hash. Point `i` of peer `p` sits at the position of
 * `sha256(utf8(p) || uint32be(i))`, so a peer's points depend on nothing but
 * its id and their ordinal: growing or shrinking its share adds or removes
 * its last points and leaves the others where they were.
 */
import { sha256 } from '@noble/hashes/sha2.js'

/** How many bytes of a key make its position. */
export const POSITION_BYTES = 4
/** How many positions the ring has: 2^32. */
export const RING_SIZE = 2 ** 32
/** The highest position on the ring. */
export const MAX_POSITION = RING_SIZE - 1

const encoder = new TextEncoder()

/**
 * The position of a key that is already a uniform hash, such as the sha-256
 * digest inside a CID: its first four bytes read big-endian. Hash any other
 * key with `hashKey` first.
 */
export function keyPosition(key: Uint8Array): number {
  if (!(key instanceof Uint8Array) || key.byteLength < POSITION_BYTES) {
    throw new Error(`expected a key of at least ${POSITION_BYTES} bytes, got ${describe(key)}`)
  }

  return readPosition(key)
}

/** The sha-256 digest of a key that is not a uniform hash yet: a string (as UTF-8) or bytes. */
export function hashKey(key: string | Uint8Array): Uint8Array {
  return sha256(typeof key === 'string' ? encoder.encode(key) : key)
}

/** The position of point `ordinal` of a peer. */
export function vnodePosition(id: string, ordinal: number): number {
  return vnodePositions(id, ordinal, ordinal + 1)[0] ?? 0
}

/** The positions of points `from` (inclusive) to `to` (exclusive) of a peer, in ordinal order. */
export function vnodePositions(id: string, from: number, to: number): Uint32Array {
  const idBytes = encoder.encode(id)
  const input = new Uint8Array(idBytes.byteLength + 4)
  const view = new DataView(input.buffer)
  const positions = new Uint32Array(Math.max(to - from, 0))

  input.set(idBytes)

  for (let ordinal = from; ordinal < to; ordinal++) {
    view.setUint32(idBytes.byteLength, ordinal)
    positions[ordinal - from] = readPosition(sha256(input))
  }

  return positions
}

/** The first four bytes as a big-endian uint32; the caller has checked there are four. */
function readPosition(bytes: Uint8Array): number {
  const low = ((bytes[1] ?? 0) << 16) | ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0)

  return (bytes[0] ?? 0) * 2 ** 24 + low
}

function describe(key: unknown): string {
  if (key instanceof Uint8Array) {
    return `${key.byteLength} byte${key.byteLength === 1 ? '' : 's'}`
  }

  return key === null ? 'null' : typeof key
}
