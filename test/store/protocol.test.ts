import { defaultLogger } from '@libp2p/logger'
import { peerIdFromString } from '@libp2p/peer-id'
import { describe, expect, it } from 'vitest'
import { blockCid } from '../../src/store/block.js'
import { blockId } from '../../src/store/local.js'
import { HaveRequest } from '../../src/store/pb/blocks.js'
import { blockHandlers, dropPut, readHave } from '../../src/store/protocol.js'
import { PutSessions } from '../../src/store/sessions.js'
import { memoryStore } from './fixtures.js'

const log = defaultLogger().forComponent('test:store:protocol')
const PUTTER = '12D3KooWGfV2kQpqGh7Vh2dGPSfLTSfMJrkxXvDPMqN8yPQb4f6Y'

async function setup(owns = true) {
  const { local } = await memoryStore()
  const sessions = new PutSessions()
  const handlers = blockHandlers({
    local,
    sessions,
    cached: () => undefined,
    corrupt: () => {},
    owns: () => owns,
    committed: () => {},
    log
  })
  const bytes = new TextEncoder().encode('a block')
  const cid = await blockCid(bytes)

  return { local, sessions, handlers, bytes, cid }
}

describe('block protocol, serving side', () => {
  it('says a block of a put under way is held but not kept, and kept once committed', async () => {
    const { local, sessions, handlers, bytes, cid } = await setup()
    await local.put(cid, bytes)
    sessions.created(PUTTER, 's1', blockId(cid), Date.now())
    const ask = async () => {
      const body = HaveRequest.encode({
        multihashes: [cid.multihash.bytes as Uint8Array<ArrayBuffer>]
      })
      const answer = await handlers.have!(body, {
        peer: peerIdFromString(PUTTER),
        signal: new AbortController().signal
      })
      return readHave(answer, 1)[0]
    }

    expect(await ask()).toEqual({ held: true, kept: false })

    sessions.commit(PUTTER, 's1')
    expect(await ask()).toEqual({ held: true, kept: true })
  })

  it('says a block it does not own in its own view is held but not kept', async () => {
    const { local, handlers, bytes, cid } = await setup(false)
    await local.put(cid, bytes)
    const body = HaveRequest.encode({
      multihashes: [cid.multihash.bytes as Uint8Array<ArrayBuffer>]
    })
    const answer = await handlers.have!(body, {
      peer: peerIdFromString(PUTTER),
      signal: new AbortController().signal
    })

    expect(readHave(answer, 1)).toEqual([{ held: true, kept: false }])
  })

  it('lets a put that arrives during an abort write the block anew, not count on the copy going', async () => {
    const { local, sessions, bytes, cid } = await setup()
    await local.put(cid, bytes)
    sessions.created(PUTTER, 's1', blockId(cid), Date.now())

    const [dropped, written] = await Promise.all([
      dropPut(local, sessions, PUTTER, 's1'),
      local.put(cid, bytes)
    ])

    expect(dropped).toBe(1)
    expect(written).toBe('stored')
    expect(local.has(cid)).toBe(true)
    expect(sessions.isOpen(blockId(cid), Date.now())).toBe(false)
  })
})
