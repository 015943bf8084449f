import { toString as bytesToString } from 'uint8arrays'
import { describe, expect, it } from 'vitest'
import {
  assertSwarmKey,
  generateSwarmKey,
  swarmKeyFromSecret,
  swarmKeySecret
} from '../../src/net/swarm-key.js'

describe('swarm keys', () => {
  it('are new each time, in the pnet file format', () => {
    const a = generateSwarmKey()
    const b = generateSwarmKey()

    expect(bytesToString(a)).toMatch(/^\/key\/swarm\/psk\/1\.0\.0\/\n\/base16\/\n[0-9a-f]{64}$/)
    expect(bytesToString(a)).not.toBe(bytesToString(b))
  })

  it('turn into their 32 secret bytes and back', () => {
    const key = generateSwarmKey()

    expect(swarmKeySecret(key)).toHaveLength(32)
    expect(swarmKeyFromSecret(swarmKeySecret(key))).toEqual(key)
  })

  it('refuses bytes that are not a swarm key', () => {
    expect(() => assertSwarmKey(new TextEncoder().encode('hello'))).toThrow(/64 hex digits/)
    expect(() => swarmKeyFromSecret(new Uint8Array(31))).toThrow(/32 bytes/)
  })
})
