import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterEach, describe, expect, it } from 'vitest'
import {
  createMeshNode,
  generateSwarmKey,
  type MeshNode,
  PeerNotFoundError
} from '../../src/index.js'
import { localInit, stopAll } from '../helpers/mesh.js'
import { waitFor } from '../helpers/wait.js'

describe('finding peers through the DHT', () => {
  let nodes: MeshNode[] = []

  afterEach(async () => {
    await stopAll(nodes)
    nodes = []
  })

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

    // the hub serves the DHT once it has both leaves in its routing table
    await waitFor(
      async () => (await hub.libp2p.services.dht.routingTable.size) >= 2 && seeker.peers.length > 0,
      { message: 'the hub never held both leaves' }
    )
    expect(seeker.peers.map(String)).not.toContain(sought.peerId.toString())

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
