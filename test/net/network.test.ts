import { describe, expect, it } from 'vitest'
import { InvalidConfigError } from '../../src/errors.js'
import { allowedInbound, networkKind } from '../../src/net/network.js'
import { generateSwarmKey } from '../../src/net/swarm-key.js'
import { assertMeshName, mdnsServiceTag, protocolId } from '../../src/net/wire-names.js'

describe('the kind of network a node listens on', () => {
  it('is loopback only when every address is', () => {
    expect(networkKind(['/ip4/127.0.0.1/tcp/0', '/ip6/::1/tcp/0/ws'])).toBe('loopback')
    expect(networkKind(['/ip4/127.0.0.1/tcp/0', '/ip4/192.168.1.4/tcp/0'])).toBe('lan')
  })

  it('is a LAN for private addresses, and unspecified ones on a machine without a public one', () => {
    expect(networkKind(['/ip4/10.1.2.3/tcp/0', '/ip4/192.168.1.4/tcp/0'])).toBe('lan')
    expect(networkKind(['/ip4/0.0.0.0/tcp/4300'], ['127.0.0.1', '10.0.0.5', 'fe80::1'])).toBe('lan')
  })

  it('is public for unspecified addresses on a machine with a public address', () => {
    expect(networkKind(['/ip4/0.0.0.0/tcp/4300'], ['127.0.0.1', '203.0.114.7'])).toBe('public')
    expect(networkKind(['/ip6/::/tcp/4300'], ['::1', '2a01:4f8::1'])).toBe('public')
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
    const key = generateSwarmKey()
    expect(mdnsServiceTag('lab', key)).toMatch(/^_mycel-lab-[0-9a-f]{8}\._udp\.local$/)
    expect(mdnsServiceTag('lab', key)).toBe(mdnsServiceTag('lab', key))
    expect(mdnsServiceTag('lab', generateSwarmKey())).not.toBe(mdnsServiceTag('lab', key))
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
