import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { protocolId } from '../../src/index.js'
import { blockCid } from '../../src/store/block.js'
import { GetRequest, GetResponse, PutRequest } from '../../src/store/pb/blocks.js'
import type { WireFrame } from './attacker/raw.js'
import {
  expectIntact,
  expectMetric,
  honestTraffic,
  hostileSetup,
  memoryAfterGc,
  memoryChange,
  type Stored
} from './fixtures.js'

const BLOCKS = protocolId('hostile', 'blocks')

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64')

describe('blocks whose bytes do not match their CID', () => {
  // the attacker offers storage, so that it is on the ring and owns blocks
  const setup = hostileSetup({ attacker: { quota: '64MiB' } })

  it('are refused when put to a node, and counted', async () => {
    const { mesh, attacker } = await setup()
    const { victim } = mesh
    const memory = memoryAfterGc()
    const before = victim.store.stats().protocol.refused.CorruptBlockError ?? 0
    const fresh = await blockCid(randomBytes(1_000))
    const put = (multihash: Uint8Array, data: Uint8Array) =>
      attacker.run<WireFrame>('ask', {
        peer: victim.peerId.toString(),
        protocol: BLOCKS,
        method: 'put',
        body: base64(
          PutRequest.encode({
            multihash: multihash as Uint8Array<ArrayBuffer>,
            data: data as Uint8Array<ArrayBuffer>,
            replicas: 1,
            session: new Uint8Array(0)
          })
        )
      })

    // other bytes under the CID of a block the victim holds, and under a CID new to it
    const answers = await Promise.all([
      put(mesh.probe.cid.multihash.bytes, randomBytes(2_000)),
      put(fresh.multihash.bytes, randomBytes(1_000)),
      honestTraffic(mesh)
    ])

    for (const answer of answers.slice(0, 2) as WireFrame[]) {
      expect(answer).toMatchObject({ kind: 'error', code: 'CorruptBlockError' })
      expect(answer.message).toMatch(/expected bytes that hash to/)
    }

    const refused = victim.store.stats().protocol.refused.CorruptBlockError ?? 0
    expect(refused - before).toBe(2)
    await expectMetric(
      victim,
      'mycel_store_rpc_refused_total',
      { error: 'CorruptBlockError' },
      refused
    )
    expect(victim.store.local.has(fresh)).toBe(false)
    expect(
      Buffer.compare((await victim.store.local.get(mesh.probe.cid)) as Uint8Array, mesh.probe.bytes)
    ).toBe(0)
    const growth = memoryAfterGc() - memory
    console.log(`corrupt puts: ${refused - before} refused; memory ${memoryChange(memory, growth)}`)
    // (with the attacker on the ring, the victim may hand it copies it no longer owns)
    await expectIntact(mesh)
  })

  it('are skipped when a peer serves them, counted, and the good copy read', async () => {
    const { mesh, attacker } = await setup()
    const { victim, storer, client } = mesh
    const memory = memoryAfterGc()
    // a block the attacker and the storer own, with the attacker first: a reader asks it first
    let block: Stored | undefined

    while (block === undefined) {
      const bytes = randomBytes(3_000)
      const cid = await blockCid(bytes)
      const [first, second] = victim.store.placement.sequence(cid)

      if (first === attacker.peerId && second === storer.peerId.toString()) {
        block = { cid, bytes }
      }
    }

    expect(await client.put(block.bytes, { replicas: 2 })).toEqual(block.cid)
    await attacker.run('serveCorrupt')
    const before = victim.store.stats().reads

    // the attacker answers the victim's get with bytes of its own; honest traffic meanwhile
    const [read] = await Promise.all([victim.getBytes(block.cid), honestTraffic(mesh)])

    expect(Buffer.compare(read, block.bytes)).toBe(0)
    expect(await attacker.run<number>('corruptServed')).toBeGreaterThanOrEqual(1)
    const after = victim.store.stats().reads
    expect(after.corruptRemote - before.corruptRemote).toBe(1)
    expect(after.remote - before.remote).toBe(1)
    await expectMetric(
      victim,
      'mycel_store_corrupt_blocks_total',
      { where: 'remote' },
      after.corruptRemote
    )
    // the lie was not kept: what the victim cached is the block itself
    expect(Buffer.compare(await victim.getBytes(block.cid), block.bytes)).toBe(0)

    // and a raw get of the victim answers the true bytes, whatever the attacker served it
    const answer = await attacker.run<WireFrame>('ask', {
      peer: victim.peerId.toString(),
      protocol: BLOCKS,
      method: 'get',
      body: base64(
        GetRequest.encode({ multihash: mesh.probe.cid.multihash.bytes as Uint8Array<ArrayBuffer> })
      )
    })
    const got = GetResponse.decode(Buffer.from(answer.body, 'base64'))
    expect(Buffer.compare(got.data, mesh.probe.bytes)).toBe(0)

    console.log(
      `corrupt gets: victim skipped ${after.corruptRemote - before.corruptRemote}, ` +
        `memory ${memoryChange(memory, memoryAfterGc() - memory)}`
    )
    // every object put before reads back whole, though the attacker now owns some of them
    await expectIntact(mesh)
  })
})
