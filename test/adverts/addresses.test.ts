import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import { advertAddrs } from '../../src/adverts/addresses.js'
import { Advert } from '../../src/adverts/pb/advert.js'
import { MAX_ADVERT_ADDRS, validateAdvert } from '../../src/adverts/validate.js'
import { startMesh, trackNodes } from '../helpers/mesh.js'
import { waitFor, within } from '../helpers/wait.js'
import { advert } from './fixtures.js'

const PEER = '12D3KooWGfV2kQpqGh7Vh2dGPSfLTSfMJrkxXvDPMqN8yPQb4f6Y'

describe('listen addresses in adverts', () => {
  it('carries its own addresses without /p2p, once each, and at most a few', () => {
    const addrs = [
      multiaddr(`/ip4/127.0.0.1/tcp/4300/p2p/${PEER}`),
      multiaddr('/ip4/127.0.0.1/tcp/4300'),
      ...Array.from({ length: 12 }, (_, i) => multiaddr(`/ip4/10.0.0.${i}/tcp/4300/p2p/${PEER}`))
    ]
    const carried = advertAddrs(addrs).map((bytes) => multiaddr(bytes).toString())

    expect(carried).toHaveLength(MAX_ADVERT_ADDRS)
    expect(carried[0]).toBe('/ip4/127.0.0.1/tcp/4300')
    expect(carried[1]).toBe('/ip4/10.0.0.0/tcp/4300')
    expect(carried.some((addr) => addr.includes('/p2p'))).toBe(false)
  })

  it('refuses an advert whose addresses are not multiaddrs', () => {
    const bytes = Advert.encode(advert({ addrs: [Uint8Array.of(0xff, 0xff, 0xff)] }))
    const verdict = validateAdvert(bytes, { now: 1_000 })

    expect(verdict).toMatchObject({
      ok: false,
      reason: 'impossible-values',
      detail: 'a listen address'
    })
  })

  const nodes = trackNodes()

  it('lets a node dial any peer of its view at once, without a DHT lookup', async () => {
    nodes.push(...(await startMesh(3)))
    const [, one, two] = nodes as [unknown, (typeof nodes)[number], (typeof nodes)[number]]
    await waitFor(() => nodes.every((node) => node.view.size === 3))
    // at once, not after a DHT lookup (which takes a second or more on a young mesh)
    await waitFor(
      async () => {
        const known = await one.libp2p.peerStore.get(two.peerId).catch(() => undefined)
        return (known?.addresses.length ?? 0) > 0
      },
      { timeout: 300, interval: 10, message: "the view's adverts gave the peer store no address" }
    )

    await within(one.dial(two.peerId), 1_000, 'dialling a peer of the view took a lookup')
    expect(one.libp2p.getConnections(two.peerId).length).toBeGreaterThan(0)
  })
})
