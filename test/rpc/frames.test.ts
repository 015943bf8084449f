import { Uint8ArrayList } from 'uint8arraylist'
import { describe, expect, it } from 'vitest'
import { RemoteError, StoreFullError } from '../../src/errors.js'
import {
  errorCode,
  errorMessage,
  PIECE_BYTES,
  pieces,
  remoteError,
  waitForRoom
} from '../../src/rpc/frames.js'
import { Frame } from '../../src/rpc/pb/rpc.js'
import { within } from '../helpers/wait.js'
import { rig } from './fixtures.js'

function errorFrame(code: string, message: string): Frame {
  return { id: 1, kind: Frame.Kind.ERROR, method: '', body: new Uint8Array(0), code, message }
}

describe('error frames', () => {
  it("keeps a peer's error name and gives an empty message the default one", () => {
    const err = remoteError(errorFrame('QuorumNotReachedError', ''))

    expect(err).toBeInstanceOf(RemoteError)
    expect(err.code).toBe('QuorumNotReachedError')
    expect(err.message).toBe('the peer refused the request')
  })

  it('cuts a message from a peer by characters, never inside one', () => {
    const err = remoteError(errorFrame('Error', `${'a'.repeat(199)}😀b`))

    expect(err.message).toBe(`${'a'.repeat(199)}😀`)
  })

  it('names a mycel error by its name and message, anything else as InternalError', () => {
    const full = new StoreFullError()
    const abort = new DOMException('the request was aborted', 'AbortError')
    const plain = new TypeError('cannot read properties of undefined')

    expect([errorCode(full), errorMessage(full)]).toEqual([
      'StoreFullError',
      'no room left in the block store'
    ])
    expect(errorCode(abort)).toBe('AbortError')
    expect([errorCode(plain), errorMessage(plain)]).toEqual([
      'InternalError',
      'the peer failed to serve the request'
    ])
  })

  it("passes on a nested request's error name, but not a stream lost under it", () => {
    expect(errorCode(new RemoteError('BusyError'))).toBe('BusyError')
    expect(errorCode(new RemoteError('StreamClosed'))).toBe('InternalError')
  })
})

describe('pieces', () => {
  it('feeds the bytes of one stream event in pieces of at most PIECE_BYTES, in order', () => {
    const large = Uint8Array.from({ length: 2 * PIECE_BYTES + 100 }, (_, n) => n % 251)
    const small = Uint8Array.of(1, 2, 3)

    const fed = [...pieces(new Uint8ArrayList(large, small))]

    expect(fed.map((piece) => piece.byteLength)).toEqual([PIECE_BYTES, PIECE_BYTES, 100, 3])
    expect(Buffer.concat(fed).equals(Buffer.concat([large, small]))).toBe(true)
    expect([...pieces(small)]).toEqual([small])
  })
})

describe('waitForRoom', { timeout: 2_000 }, () => {
  const { streams, stallable } = rig()

  it('finds room at once in a stream with nothing waiting to be sent', async () => {
    const [outbound] = await streams()

    expect(await waitForRoom(outbound, 10_000, 100, 50)).toBe('room')
  })

  it('says a stream that has closed is closed', async () => {
    const [outbound] = await streams()
    outbound.abort(new Error('gone'))

    expect(await waitForRoom(outbound, 10, 100, 50)).toBe('closed')
  })

  it('gives up after its timeout when the peer takes none of what waits', async () => {
    const { outbound, stall } = await stallable()
    await stall()
    // what the connection will take, and then some, which waits in the stream
    for (let n = 0; n < 8; n++) {
      outbound.send(new Uint8Array(1_000))
    }
    const started = Date.now()

    expect(outbound.writeBufferLength).toBeGreaterThan(0)
    expect(await waitForRoom(outbound, 1_000, 2_000, 100)).toBe('stalled')
    expect(Date.now() - started).toBeGreaterThanOrEqual(95)
  })

  it('stops waiting as soon as the stream closes under it', async () => {
    const { outbound, stall } = await stallable()
    await stall()
    for (let n = 0; n < 8; n++) {
      outbound.send(new Uint8Array(1_000))
    }

    const waiting = waitForRoom(outbound, 1_000, 2_000, 1_500)
    outbound.abort(new Error('gone'))

    expect(await within(waiting, 500, 'it waited for its timeout')).toBe('closed')
  })
})
