import { describe, expect, it } from 'vitest'
import { InvalidConfigError } from '../../src/errors.js'
import { allowedInbound, networkKind } from '../../src/net/network.js'
import { assertMeshName, mdnsServiceTag, protocolId } from '../../src/net/wire-names.js'

describe('the kind of network a node listens on', () => {
  it('is loopback only when every address is', () => {
    expect(networkKind(['/ip4/127.0.0.1/tcp/0', '/ip6/::1/tcp/0/ws'])).toBe('loopback')
    expect(networkKind(['/ip4/127.0.0.1/tcp/0', '/ip4/192.168.1.4/tcp/0'])).toBe('lan')
  })

  it('is a LAN for private and unspecified addresses', () => {
    expect(networkKind(['/ip4/0.0.0.0/tcp/4300', '/ip4/10.1.2.3/tcp/0'])).toBe('lan')
  })

  it('is public as soon as one address is', () => {
    expect(networkKind(['/ip4/0.0.0.0/tcp/0', '/ip4/8.8.8.8/tcp/4300'])).toBe('public')
    expect(allowedInbound('public')).toEqual([])
    expect(allowedInbound('loopback')).toContain('/ip4/127.0.0.0/ipcidr/8')
  })

  it('refuses an address that does not parse', () => {
    expect(() => networkKind(['tcp:4300'])).toThrow(InvalidConfigError)
  })
})

describe('wire names', () => {
  it('carry the mesh name', () => {
    expect(protocolId('lab', 'kad')).toBe('/mycel/lab/kad/1.0.0')
    expect(protocolId('lab', 'rpc', '2.1.0')).toBe('/mycel/lab/rpc/2.1.0')
    expect(mdnsServiceTag('lab')).toBe('_mycel-lab._udp.local')
  })

  it('accept only names that fit a protocol id and a DNS label', () => {
    for (const good of ['a', 'lab', 'eu-west-2', 'x'.repeat(32)]) {
      expect(assertMeshName(good)).toBe(good)
    }

    for (const bad of ['', 'Lab', 'a/b', '-a', 'a-', 'x'.repeat(33), 'ü', 42]) {
      expect(() => assertMeshName(bad), String(bad)).toThrow(/expected a mesh name/)
    }
  })
})
