import type { Stream } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromString } from '@libp2p/peer-id'
import {
  LengthPrefixedDecoder,
  lpStream,
  mockMuxer,
  multiaddrConnectionPair,
  type StreamPairOptions,
  streamPair
} from '@libp2p/utils'
import { afterEach } from 'vitest'
import { Channel, type ChannelInit, type CloseReason, type Serve } from '../../src/rpc/channel.js'
import { pieces } from '../../src/rpc/frames.js'
import { Frame } from '../../src/rpc/pb/rpc.js'

export { rawFrame } from '../helpers/frames.js'

export const log = defaultLogger().forComponent('test:rpc')
export const PEER = peerIdFromString('12D3KooWGfV2kQpqGh7Vh2dGPSfLTSfMJrkxXvDPMqN8yPQb4f6Y')

/** Limits small enough that every timer in these tests runs out well within a second. */
export const LIMITS = {
  maxMessageBytes: 4096,
  maxInFlight: 8,
  idleTimeout: 1_000,
  sendTimeout: 300
} satisfies Partial<ChannelInit>

export type Settings = Partial<
  Pick<
    ChannelInit,
    'maxMessageBytes' | 'maxInFlight' | 'idleTimeout' | 'sendTimeout' | 'serve' | 'onRefused'
  >
>

/** One end of a stream with a channel on it, and every reason its `onClose` gave. */
export interface Side {
  channel: Channel
  stream: Stream
  reasons: CloseReason[]
  closed: Promise<CloseReason>
}

export interface Rig {
  /** Two connected in-memory streams, both ended after the test. */
  streams(options?: StreamPairOptions): Promise<[Stream, Stream]>
  /** A channel on one end of a stream, closed after the test. */
  channel(stream: Stream, settings?: Settings): Side
  /** A requesting channel and a serving channel on the two ends of one stream. */
  connect(init?: {
    serve?: Serve
    requester?: Settings
    server?: Settings
  }): Promise<{ requester: Side; server: Side }>
  /**
   * Two streams over a mock muxer whose `stall()` makes the inbound end's connection stop
   * taking bytes, so what the outbound end sends piles up in its write buffer.
   */
  stallable(): Promise<{ outbound: Stream; inbound: Stream; stall(): Promise<void> }>
}

/** Opens streams and channels for one test at a time and ends them all after it, passed or not. */
export function rig(): Rig {
  const cleanups: Array<() => void> = []

  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) {
      cleanup()
    }
  })

  const streams = async (options?: StreamPairOptions): Promise<[Stream, Stream]> => {
    const pair = await streamPair(options)
    cleanups.push(() => {
      for (const stream of pair) {
        stream.abort(new Error('the test is over'))
      }
    })

    return pair
  }

  const channel = (stream: Stream, settings: Settings = {}): Side => {
    const reasons: CloseReason[] = []
    let heard: (reason: CloseReason) => void = () => {}
    const closed = new Promise<CloseReason>((resolve) => {
      heard = resolve
    })
    const opened = new Channel({
      ...LIMITS,
      ...settings,
      stream,
      peer: PEER,
      log,
      onClose: (_, reason) => {
        reasons.push(reason)
        heard(reason)
      }
    })
    cleanups.push(() => opened.close('stopped'))

    return { channel: opened, stream, reasons, closed }
  }

  return {
    streams,
    channel,

    async connect(init = {}) {
      const [outbound, inbound] = await streams()
      const requester = channel(outbound, init.requester)
      const server = channel(inbound, { serve: init.serve ?? echo, ...init.server })

      return { requester, server }
    },

    async stallable() {
      const [outboundConnection, inboundConnection] = multiaddrConnectionPair()
      cleanups.push(() => {
        for (const connection of [outboundConnection, inboundConnection]) {
          connection.abort(new Error('the test is over'))
        }
      })
      const outboundMuxer = mockMuxer().createStreamMuxer(outboundConnection)
      const inboundMuxer = mockMuxer().createStreamMuxer(inboundConnection)
      const open = () =>
        Promise.all([
          outboundMuxer.createStream(),
          new Promise<Stream>((resolve) => {
            inboundMuxer.addEventListener('stream', (evt) => resolve(evt.detail), { once: true })
          })
        ])
      const [outbound, inbound] = await open()
      const [probeOut, probeIn] = await open()

      return {
        outbound,
        inbound,
        async stall() {
          // a paused connection tells the other end to hold its bytes; that word and the
          // probe's byte cross in order, so once the byte is in, the other end holds
          const probed = new Promise((resolve) => {
            probeOut.addEventListener('message', resolve, { once: true })
          })
          inboundConnection.pause()
          probeIn.send(Uint8Array.of(1))
          await probed
          // the mock's send queue says 'idle' 1 ms after its last message, even paused, and
          // the stream would take that for room to write: let a pending one pass first
          await sleep(2)
        }
      }
    }
  }
}

/** Serves every method by sending the body back. */
export const echo: Serve = async (_, body) => body

export function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text)
}

export function text(data: Uint8Array): string {
  return new TextDecoder().decode(data)
}

/** A handler that never answers, and what it saw: it gives up only when its request is aborted. */
export function stuck(): {
  serve: Serve
  seen: { requests: number; aborted: number; reached: Promise<void> }
} {
  let reached: () => void = () => {}
  const seen = {
    requests: 0,
    aborted: 0,
    reached: new Promise<void>((resolve) => {
      reached = resolve
    })
  }
  const serve: Serve = (_, __, signal) =>
    new Promise((_, reject) => {
      seen.requests++
      reached()
      signal.addEventListener('abort', () => {
        seen.aborted++
        reject(signal.reason)
      })
    })

  return { serve, seen }
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms)

    signal?.addEventListener('abort', () => {
      clearTimeout(timer)
      reject(signal.reason)
    })
  })
}

/** Hands every frame that arrives on a raw stream to `onFrame`. */
export function readFrames(stream: Stream, onFrame: (frame: Frame) => void): void {
  const decoder = new LengthPrefixedDecoder()

  stream.addEventListener('message', (evt) => {
    for (const piece of pieces(evt.data)) {
      for (const buf of decoder.decode(piece)) {
        onFrame(Frame.decode(buf))
      }
    }
  })
}

/** The error a promise rejects with; fails when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (err) {
    return err as Error
  }

  throw new Error('expected a rejection, got an answer')
}

/**
 * Sends one request frame on a raw stream, as a peer that does not use
 * `Channel` would, and reads the answer frame.
 */
export async function askRaw(
  stream: Stream,
  method: string,
  body: Uint8Array,
  maxDataLength: number
): Promise<Frame> {
  const lp = lpStream(stream, { maxDataLength })
  await lp.write(
    Frame.encode({
      id: 7,
      kind: Frame.Kind.REQUEST,
      method,
      body: body as Uint8Array<ArrayBuffer>,
      code: '',
      message: ''
    })
  )

  return Frame.decode(await lp.read({ signal: AbortSignal.timeout(5_000) }))
}
