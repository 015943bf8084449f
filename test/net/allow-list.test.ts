import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { describe, expect, it } from 'vitest'
import { createLogger } from '../../src/cli/logger.js'
import { createMeshNode, generateSwarmKey } from '../../src/index.js'
import { localInit, trackNodes } from '../helpers/mesh.js'
import { waitFor } from '../helpers/wait.js'

describe('the membership allow-list', () => {
  const nodes = trackNodes()

  it('keeps out a peer that holds the swarm key but is not on the list, and names it', async () => {
    const keys = await Promise.all([generateKeyPair('Ed25519'), generateKeyPair('Ed25519')])
    const members = keys.map((key) => peerIdFromPrivateKey(key).toString())
    const lines: string[] = []
    const logger = createLogger({ level: 'error', stream: { write: (line) => lines.push(line) } })
    const shared = { mesh: 'members', swarmKey: generateSwarmKey(), allowPeers: members }
    const first = await createMeshNode(localInit({ ...shared, privateKey: keys[0], logger }))
    nodes.push(first)
    const bootstrap = first.multiaddrs.map(String)
    const second = await createMeshNode(localInit({ ...shared, privateKey: keys[1], bootstrap }))
    nodes.push(second)
    // the outsider lets everyone in; the members do not let it
    const outsider = await createMeshNode(
      localInit({ mesh: 'members', swarmKey: shared.swarmKey, bootstrap })
    )
    nodes.push(outsider)

    await waitFor(() => first.view.size === 2 && second.view.size === 2, {
      message: 'the members did not find each other'
    })
    await waitFor(() => lines.some((line) => line.includes(outsider.peerId.toString())), {
      message: 'no log line named the outsider'
    })
    expect(lines.find((line) => line.includes(outsider.peerId.toString()))).toMatch(
      /not on the allow-list/
    )
    expect(first.libp2p.getConnections(outsider.peerId)).toHaveLength(0)
    expect(second.libp2p.getConnections(outsider.peerId)).toHaveLength(0)
    expect(first.view.has(outsider.peerId.toString())).toBe(false)
    expect(outsider.view.size).toBe(1)
  })
})
