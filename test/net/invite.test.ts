import { sha256 } from '@noble/hashes/sha2.js'
import { toString as bytesToString } from 'uint8arrays'
import { describe, expect, it } from 'vitest'
import { InvalidInviteError } from '../../src/errors.js'
import { decodeInvite, encodeInvite, INVITE_PREFIX } from '../../src/net/invite.js'
import { generateSwarmKey } from '../../src/net/swarm-key.js'

const addr = '/ip4/10.0.0.2/tcp/4300/p2p/12D3KooWB6MiaPmKd9cUNdoypYMZFS1fMGLBmu1yfaGvkUs35hCy'

describe('invite tokens', () => {
  it('carry the mesh, the swarm key and the addresses there and back', () => {
    const swarmKey = generateSwarmKey()
    const token = encodeInvite({ mesh: 'lab-1', swarmKey, addrs: [addr] })

    expect(token.startsWith(INVITE_PREFIX)).toBe(true)
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(decodeInvite(token)).toEqual({ mesh: 'lab-1', swarmKey, addrs: [addr] })
    expect(decodeInvite(`  ${token}\n`).mesh).toBe('lab-1')
  })

  it('refuses every truncation of a token', () => {
    const token = encodeInvite({ mesh: 'lab', swarmKey: generateSwarmKey(), addrs: [addr] })

    for (let length = 0; length < token.length; length++) {
      expect(() => decodeInvite(token.slice(0, length)), `length ${length}`).toThrow(
        InvalidInviteError
      )
    }
  })

  it('refuses a token with one character changed', () => {
    const token = encodeInvite({ mesh: 'lab', swarmKey: generateSwarmKey(), addrs: [addr] })
    const at = INVITE_PREFIX.length + 20
    const changed = token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1)

    expect(() => decodeInvite(changed)).toThrow(/truncated or altered/)
  })

  it('says what is wrong with garbage', () => {
    expect(() => decodeInvite('')).toThrow(/empty/)
    expect(() => decodeInvite('hello')).toThrow(/not a mycel invite token/)
    expect(() => decodeInvite(`${INVITE_PREFIX}***`)).toThrow(/characters/)
    expect(() => decodeInvite(`${INVITE_PREFIX}AAAA`)).toThrow(/truncated or altered/)
  })

  it('refuses a token whose checksum holds but whose body is not an invite', () => {
    for (const body of ['null', '[]', '{"v":1,"mesh":"lab","key":"AAAA","addrs":[]}', '{"v":1}']) {
      const json = new TextEncoder().encode(body)
      const bytes = new Uint8Array([...json, ...sha256(json).subarray(0, 4)])
      const token = INVITE_PREFIX + bytesToString(bytes, 'base64url')

      expect(() => decodeInvite(token), body).toThrow(InvalidInviteError)
    }
  })

  it('refuses a mesh name that could not stand in a protocol id', () => {
    expect(() =>
      encodeInvite({ mesh: 'Bad/Name', swarmKey: generateSwarmKey(), addrs: [] })
    ).toThrow(/mesh name/)
  })
})
