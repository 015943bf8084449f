import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { describe, expect, it } from 'vitest'
import { createMeshNode, generateSwarmKey, PeerNotFoundError } from '../../src/index.js'
import { localInit, trackNodes } from '../helpers/mesh.js'
import { waitFor } from '../helpers/wait.js'

describe('finding peers through the DHT', () => {
  const nodes = trackNodes()

  it('finds the addresses of a peer it is not connected to', async () => {
    const swarmKey = generateSwarmKey()
    // a hub, and two leaves that each keep one connection: to the hub
    const hub = await createMeshNode(localInit({ mesh: 'dht', swarmKey }))
    nodes.push(hub)
    const bootstrap = hub.multiaddrs.map((ma) => ma.toString())
    const leaf = () =>
      createMeshNode(localInit({ mesh: 'dht', swarmKey, bootstrap, targetConnections: 1 }))
    const seeker = await leaf()
    nodes.push(seeker)
    const sought = await leaf()
    nodes.push(sought)

    await waitFor(() => hub.peers.length === 2, { message: 'the leaves never reached the hub' })

    // the hub adds each leaf to its routing table once identify has run: wait until it can answer
    await waitFor(async () => (await seeker.findPeer(sought.peerId).catch(() => [])).length > 0, {
      message: 'the DHT never found the peer'
    })

    // now make the seeker a stranger to the sought peer: no connection, nothing in its peer store
    await seeker.libp2p.hangUp(sought.peerId)
    await seeker.libp2p.peerStore.delete(sought.peerId)
    expect(seeker.peers.map(String)).not.toContain(sought.peerId.toString())
    expect(await seeker.libp2p.peerStore.has(sought.peerId)).toBe(false)

    const addrs = await seeker.findPeer(sought.peerId)

    const ports = (mas: { toString(): string }[]) =>
      mas.map((ma) => ma.toString().split('/p2p/')[0])
    expect(ports(addrs)).toEqual(expect.arrayContaining(ports(sought.multiaddrs)))

    // and the addresses found are good to dial
    await seeker.dial(sought.peerId)
    expect(seeker.peers.map(String)).toContain(sought.peerId.toString())
  })

  it('says so when no peer knows the one asked for', async () => {
    const node = await createMeshNode(localInit({ mesh: 'dht-none' }))
    nodes.push(node)
    const stranger = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))

    await expect(node.findPeer(stranger, { signal: AbortSignal.timeout(3_000) })).rejects.toThrow(
      PeerNotFoundError
    )
  })
})
