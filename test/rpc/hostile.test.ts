import type { Stream } from '@libp2p/interface'
import * as varint from 'uint8-varint'
import { Uint8ArrayList } from 'uint8arraylist'
import { describe, expect, it } from 'vitest'
import { Frame } from '../../src/rpc/pb/rpc.js'
import { within } from '../helpers/wait.js'
import { bytes, rawFrame, readFrames, rejection, rig, sleep, stuck } from './fixtures.js'

/** Resolves once the stream has closed, by either side. */
function ended(stream: Stream): Promise<string> {
  return new Promise((resolve) => {
    if (stream.status !== 'open') {
      resolve(stream.status)
    }
    stream.addEventListener('close', () => resolve(stream.status))
  })
}

/** Answers every request on a raw stream with the error frame `answer` makes for it. */
function answerErrors(stream: Stream, answer: (request: Frame) => Partial<Frame>): void {
  readFrames(stream, (request) => {
    stream.send(rawFrame({ id: request.id, kind: Frame.Kind.ERROR, ...answer(request) }))
  })
}

/** Room for 2 x 2048 bytes to wait in the stream, and slots for requests enough to fill it. */
const STALLING = { maxMessageBytes: 2048, maxInFlight: 32, sendTimeout: 200 }

describe('Channel facing a hostile peer', { timeout: 2_000 }, () => {
  const { streams, channel, stallable } = rig()

  it("closes with reason 'too-large' on a frame whose length is over maxMessageBytes", async () => {
    const [outbound, inbound] = await streams()
    const server = channel(inbound, { maxMessageBytes: 256, serve: async (_, body) => body })

    // the length prefix alone gives it away: the body need not arrive
    outbound.send(new Uint8ArrayList(varint.encode(1_000), new Uint8Array(16)))

    expect(await server.closed).toBe('too-large')
    expect(await within(ended(outbound), 500, 'the stream stayed open')).toBe('reset')
  })

  it("closes with reason 'malformed' on bytes that are not a frame", async () => {
    const [outbound, inbound] = await streams()
    const server = channel(inbound, { serve: async (_, body) => body })

    outbound.send(Uint8Array.of(3, 0xff, 0xff, 0xff))

    expect(await server.closed).toBe('malformed')
    expect(await within(ended(outbound), 500, 'the stream stayed open')).toBe('reset')
  })

  it("closes with reason 'protocol-error' on a request sent to the requesting side", async () => {
    const [outbound, inbound] = await streams()
    const requester = channel(outbound)

    inbound.send(rawFrame({ id: 1, kind: Frame.Kind.REQUEST, method: 'get' }))

    expect(await requester.closed).toBe('protocol-error')
  })

  it("closes with reason 'protocol-error' on a request id already being served", async () => {
    const [outbound, inbound] = await streams()
    const { serve, seen } = stuck()
    const server = channel(inbound, { serve })

    outbound.send(rawFrame({ id: 7, kind: Frame.Kind.REQUEST, method: 'get' }))
    outbound.send(rawFrame({ id: 7, kind: Frame.Kind.REQUEST, method: 'get' }))

    expect(await server.closed).toBe('protocol-error')
    expect(seen).toMatchObject({ requests: 1, aborted: 1 })
  })

  it("cuts a peer's error message to 200 characters and masks control characters", async () => {
    const [outbound, inbound] = await streams()
    const requester = channel(outbound)
    // an escape that would clear a terminal, a NUL and a right-to-left override
    const hostile = '\u001b[2J\u0000wipe\u202e'
    answerErrors(inbound, () => ({ code: 'StoreFullError', message: hostile + 'x'.repeat(300) }))

    const err = await rejection(requester.channel.request('put', bytes('block'), 1_000))

    expect(err).toMatchObject({ name: 'RemoteError', code: 'StoreFullError' })
    expect(err.message).toBe(`\uFFFD[2J\uFFFDwipe\uFFFD${'x'.repeat(190)}`)
    expect(requester.channel.open).toBe(true)
  })

  it("turns a peer's code 'StreamClosed' into 'Error': a peer cannot provoke a retry", async () => {
    const [outbound, inbound] = await streams()
    const requester = channel(outbound)
    answerErrors(inbound, () => ({ code: 'StreamClosed', message: 'try again elsewhere' }))

    const err = await rejection(requester.channel.request('get', bytes('cid'), 1_000))

    expect(err).toMatchObject({
      name: 'RemoteError',
      code: 'Error',
      message: 'try again elsewhere'
    })
  })

  it("turns an error code from a peer that is not a plain name into 'Error'", async () => {
    const [outbound, inbound] = await streams()
    const requester = channel(outbound)
    // the peer answers with whatever code the request names as its method
    answerErrors(inbound, (request) => ({ code: request.method }))

    for (const code of ['Store Full', 'Busy\nError', 'A'.repeat(41), 'ÉrreurDeStockage']) {
      const err = await rejection(requester.channel.request(code, bytes('x'), 1_000))

      expect(err).toMatchObject({ name: 'RemoteError', code: 'Error' })
    }

    const named = await rejection(requester.channel.request('A'.repeat(40), bytes('x'), 1_000))
    expect(named).toMatchObject({ code: 'A'.repeat(40), message: 'the peer refused the request' })
  })

  it("gives up with reason 'stalled' after sendTimeout on a peer that reads nothing", async () => {
    const { outbound, stall } = await stallable()
    const requester = channel(outbound, STALLING)
    const body = new Uint8Array(1_000)
    await stall()
    const started = Date.now()

    // the first requests fill what the connection will take, the rest pile up in the stream,
    // and a request begun after them finds no room
    const answers = Array.from({ length: 12 }, () =>
      rejection(requester.channel.request('put', body, 1_500))
    )
    await sleep(0)
    expect(outbound.writeBufferLength).toBeGreaterThan(0)
    answers.push(rejection(requester.channel.request('put', body, 1_500)))

    expect(await requester.closed).toBe('stalled')
    expect(Date.now() - started).toBeGreaterThanOrEqual(195)
    for (const err of await Promise.all(answers)) {
      expect(err).toMatchObject({ name: 'RemoteError', code: 'StreamClosed' })
    }
    expect(Date.now() - started).toBeLessThan(1_000)
    expect(outbound.status).toBe('aborted')
  })

  it('holds back sends begun together once 2 x maxMessageBytes wait', async () => {
    const { outbound, stall } = await stallable()
    const requester = channel(outbound, STALLING)
    await stall()

    const answers = Array.from({ length: 12 }, () =>
      rejection(requester.channel.request('put', new Uint8Array(1_000), 1_500))
    )
    // long enough for every send that would go to have gone, short of the send timeout
    await sleep(100)
    const waiting = outbound.writeBufferLength
    requester.channel.close('stopped')
    await Promise.all(answers)

    expect(waiting).toBeLessThanOrEqual(2 * STALLING.maxMessageBytes)
  })
})
