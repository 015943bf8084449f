/**
 * The pieces of a request/response stream that need no stream state: how
 * incoming bytes are fed to the frame decoder, how a send waits for room,
 * and how errors cross the wire in both directions.
 */
import type { Stream } from '@libp2p/interface'
import * as varint from 'uint8-varint'
import type { Uint8ArrayList } from 'uint8arraylist'
import { MycelError, RemoteError } from '../errors.js'
import type { Frame } from './pb/rpc.js'

/** Why a channel closed, as counted in the protocol's stats. */
export type CloseReason =
  | 'closed'
  | 'idle'
  | 'too-large'
  | 'malformed'
  | 'stopped'
  | 'reset'
  | 'protocol-error'
  | 'stalled'

/** Serves one request; the returned bytes are the response body. */
export type Serve = (method: string, body: Uint8Array, signal: AbortSignal) => Promise<Uint8Array>

/** What the length-prefix decoder throws for a frame over the limit. */
export const TOO_LARGE = new Set(['InvalidMessageLengthError', 'InvalidParametersError'])

/**
 * Bytes fed to the frame decoder at once. A stream may deliver several
 * frames in one event; fed whole, they would trip the decoder's buffer limit,
 * which is there to stop one frame from being too large.
 */
export const PIECE_BYTES = 64 * 1024

/** The bytes of one stream event, in pieces of at most `PIECE_BYTES`. */
export function* pieces(data: Uint8Array | Uint8ArrayList): Generator<Uint8Array> {
  for (const buf of data instanceof Uint8Array ? [data] : data) {
    for (let offset = 0; offset < buf.byteLength; offset += PIECE_BYTES) {
      yield buf.subarray(offset, offset + PIECE_BYTES)
    }
  }
}

/** The code of the error a request fails with when its stream closes under it. */
export const STREAM_CLOSED = 'StreamClosed'
/** Longest error message taken from a peer, in characters. */
const MAX_REMOTE_MESSAGE = 200
/** What an error name from a peer may look like. */
const ERROR_CODE = /^[A-Za-z]{1,40}$/

/** The error a peer answered with, its name checked and its message made short and printable. */
export function remoteError(frame: Frame): RemoteError {
  // StreamClosed is this side's own word for a stream lost under a request: a peer cannot say it
  const code = ERROR_CODE.test(frame.code) && frame.code !== STREAM_CLOSED ? frame.code : 'Error'
  const message = [...frame.message]
    .slice(0, MAX_REMOTE_MESSAGE)
    .join('')
    .replace(/[\p{Cc}\p{Cf}]/gu, '\uFFFD')

  return new RemoteError(code, message === '' ? undefined : message)
}

/**
 * Waits until `bytes` more fit in a stream's write buffer: at most
 * `maxQueued` bytes wait there, however the peer opens its window (yamux
 * reports a drain on every window update, however small). Gives up when the
 * peer takes nothing for `timeout` ms, or the stream closes.
 */
export async function waitForRoom(
  stream: Stream,
  bytes: number,
  maxQueued: number,
  timeout: number
): Promise<'room' | 'stalled' | 'closed'> {
  const deadline = Date.now() + timeout

  while (stream.writeBufferLength > 0 && stream.writeBufferLength + bytes > maxQueued) {
    if (stream.status !== 'open') {
      return 'closed'
    }

    if (Date.now() >= deadline) {
      return 'stalled'
    }

    await progressOrTimeout(stream, deadline - Date.now())
  }

  return stream.status === 'open' ? 'room' : 'closed'
}

/** Resolves when the stream reports progress on its writes, closes, or `ms` pass. */
function progressOrTimeout(stream: Stream, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer)
      stream.removeEventListener('drain', done)
      stream.removeEventListener('close', done)
      resolve()
    }
    const timer = setTimeout(done, ms)

    stream.addEventListener('drain', done)
    stream.addEventListener('close', done)
  })
}

/** The error name a peer sees: mycel's own errors by name, anything else as internal. */
export function errorCode(err: Error): string {
  // a stream closed under a nested request is this node's failure, not a reason to retry here
  if (err instanceof RemoteError) {
    return err.code === STREAM_CLOSED ? 'InternalError' : err.code
  }

  return err instanceof MycelError || err.name === 'AbortError' ? err.name : 'InternalError'
}

export function errorMessage(err: Error): string {
  return err instanceof MycelError ? err.message : 'the peer failed to serve the request'
}

/**
 * Bytes of one unfinished frame that count as use of a stream: a 4 MiB block
 * coming slowly keeps its stream open, a byte now and then does not.
 */
export const IDLE_PROGRESS = 64 * 1024

/**
 * The length prefix of a frame, as the decoder reads it. An empty frame
 * (which no node sends) or a length written with more bytes than it needs
 * would put the frame boundaries where the counts of this side do not: both
 * are malformed. Too few bytes to read it yet is a `RangeError`, as the
 * decoder expects.
 */
export function frameLength(data: Uint8Array | Uint8ArrayList): number {
  const length = varint.decode(data)
  const used = varint.encodingLength(length)
  const last = data instanceof Uint8Array ? data[used - 1] : data.get(used - 1)

  if (length === 0 || ((last ?? 0) & 0x80) !== 0) {
    throw new Error(length === 0 ? 'an empty frame' : 'a frame length with needless bytes')
  }

  return length
}

/** Bytes a frame of `length` takes on the wire: its length prefix, then itself. */
export function onWire(length: number): number {
  return varint.encodingLength(length) + length
}
