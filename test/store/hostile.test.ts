import { randomBytes } from 'node:crypto'
import type { Stream } from '@libp2p/interface'
import * as varint from 'uint8-varint'
import { describe, expect, it } from 'vitest'
import { type MeshNode, protocolId } from '../../src/index.js'
import { Frame } from '../../src/rpc/pb/rpc.js'
import { GetRequest, PutRequest } from '../../src/store/pb/blocks.js'
import { MAX_BLOCK_MESSAGE } from '../../src/store/store.js'
import { startMesh, trackNodes } from '../helpers/mesh.js'
import { waitFor } from '../helpers/wait.js'
import { askRaw } from '../rpc/fixtures.js'

const PROTOCOL = protocolId('test', 'blocks')

/** Sends one request frame on a raw stream and reads the answer frame. */
function ask(stream: Stream, method: string, body: Uint8Array): Promise<Frame> {
  return askRaw(stream, method, body, MAX_BLOCK_MESSAGE)
}

async function open(from: MeshNode, to: MeshNode): Promise<Stream> {
  return from.libp2p.dialProtocol(to.peerId, PROTOCOL)
}

/** Resolves once the stream has been closed or reset by the other side. */
function ended(stream: Stream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.status !== 'open') resolve()
    stream.addEventListener('close', () => resolve())
  })
}

describe('block protocol under bad input', () => {
  const nodes = trackNodes()

  it('refuses and counts each bad request, and keeps serving honest peers', async () => {
    nodes.push(...(await startMesh(3, { store: { streamIdleTimeout: 500, chunkSize: 64 * 1024 } })))
    const [victim, honest, attacker] = nodes as [MeshNode, MeshNode, MeshNode]
    await waitFor(() => nodes.every((node) => node.store.placement.ring.size === 3))

    // a malformed multihash
    const badCid = await ask(
      await open(attacker, victim),
      'get',
      GetRequest.encode({ multihash: randomBytes(20) })
    )
    expect(badCid.kind).toBe(Frame.Kind.ERROR)
    expect(badCid.code).toBe('InvalidCidError')

    // bytes that do not match their hash
    const claimed = (await victim.put(randomBytes(1_000), { replicas: 1 })).multihash.bytes
    const forged = await ask(
      await open(attacker, victim),
      'put',
      PutRequest.encode({
        multihash: claimed,
        data: randomBytes(1_000),
        replicas: 1,
        session: new Uint8Array(0)
      })
    )
    expect(forged.code).toBe('CorruptBlockError')

    // a method the protocol does not have
    const unknown = await ask(await open(attacker, victim), 'delete-everything', new Uint8Array(0))
    expect(unknown.code).toBe('UnknownMethod')

    // a frame larger than the protocol allows: the stream is closed
    const big = await open(attacker, victim)
    big.send(varint.encode(MAX_BLOCK_MESSAGE + 1))
    big.send(randomBytes(1_000))
    await ended(big)

    // a frame that is not a frame
    const garbage = await open(attacker, victim)
    garbage.send(Uint8Array.of(3, 0xff, 0xff, 0xff))
    await ended(garbage)

    // a stream opened and never written to is closed after the idle timeout
    const silent = await open(attacker, victim)
    await ended(silent)

    const { protocol } = victim.store.stats()
    expect(protocol.refused).toMatchObject({
      InvalidCidError: 1,
      CorruptBlockError: 1,
      UnknownMethod: 1
    })
    expect(protocol.closed['too-large']).toBe(1)
    expect(protocol.closed.malformed).toBe(1)
    expect(protocol.closed.idle).toBeGreaterThanOrEqual(1)

    // the honest peers still store and read through the victim
    const data = randomBytes(500_000)
    const cid = await honest.put(data)
    expect(Buffer.compare(Buffer.from(await victim.getBytes(cid)), data)).toBe(0)
  })
})
