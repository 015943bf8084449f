import { mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/repo/config.js'
import { keepSecret } from '../../src/repo/files.js'
import { assertPeerIds, DEFAULT_LIMITS, resolveLimits } from '../../src/repo/limits.js'

describe('limits and allow-lists in the config', () => {
  it('fills in the limits left out, and refuses unknown or impossible ones', () => {
    expect(resolveLimits(undefined)).toEqual(DEFAULT_LIMITS)
    expect(resolveLimits({ cfpPerSecond: 9 })).toEqual({ ...DEFAULT_LIMITS, cfpPerSecond: 9 })
    expect(() => resolveLimits({ cfpPerSecond: 0 })).toThrow(/limits\.cfpPerSecond/)
    expect(() => resolveLimits({ cfpPerSecond: 1.5 })).toThrow(/limits\.cfpPerSecond/)
    expect(() => resolveLimits({ loud: 1 })).toThrow(/unknown limit "loud"/)
    expect(() => resolveLimits([])).toThrow(/expected limits to be an object/)
  })

  it('keeps only the limits set in config.json, so later defaults reach the node', () => {
    expect(parseConfig({}).limits).toEqual({})
    expect(parseConfig({ limits: { handlerMemory: 512 } }).limits).toEqual({ handlerMemory: 512 })
  })

  it('takes a peer id written as a CID, and compares it in its usual form', async () => {
    const peerId = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))

    expect(assertPeerIds('allowPeers', [peerId.toCID().toString()])).toEqual([peerId.toString()])
    expect(() => assertPeerIds('allowSubmit', ['nobody'])).toThrow(/allowSubmit/)
    expect(() => assertPeerIds('allowSubmit', [42])).toThrow(/allowSubmit/)
  })
})

describe('secrets on disk', () => {
  it('leaves a linked secret (as Docker and Kubernetes mount them) as it is', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mycel-secret-'))

    try {
      const target = join(dir, 'mounted')
      await writeFile(target, 'key', { mode: 0o644 })
      await symlink(target, join(dir, 'swarm.key'))

      await keepSecret(join(dir, 'swarm.key'))
      await keepSecret(join(dir, 'missing.key'))

      expect((await stat(target)).mode & 0o777).toBe(0o644)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
