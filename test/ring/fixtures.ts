/**
 * Peers and keys for the ring's tests and its benchmark (scripts/ring.ts):
 * the same on every run for the same seed.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { base58btc } from 'multiformats/bases/base58'
import type { RingMember } from '../../src/ring/index.js'

export const TB = 1e12 // bytes

/** Real-looking peer ids, the same on every run for the same seed. */
export function peerIds(count: number, seed = 'ring'): string[] {
  return Array.from({ length: count }, (_, i) => {
    const digest = sha256(new TextEncoder().encode(`${seed}:${i}`))

    return `12D3KooW${base58btc.baseEncode(digest).slice(0, 44)}`
  })
}

/** Members of one weight each. */
export function equal(ids: readonly string[], weight = TB): RingMember[] {
  return ids.map((id) => ({ id, weight }))
}

/** Uniform uint32s from a seed: a Weyl sequence through murmur3's finaliser. */
export function uniform(seed: number): () => number {
  let state = seed >>> 0

  return () => {
    state = (state + 0x9e3779b9) >>> 0
    let z = state
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)

    return (z ^ (z >>> 16)) >>> 0
  }
}
