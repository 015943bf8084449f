/**
 * Streams as a hostile peer handles them: opened by hand, written byte by
 * byte if need be, and watched for how the victim ends them. No `Channel`
 * here: the attacker writes frames the way it likes.
 */
import type { Stream } from '@libp2p/interface'
import { LengthPrefixedDecoder } from '@libp2p/utils'
import { Uint8ArrayList } from 'uint8arraylist'
import { Frame } from '../../../src/rpc/pb/rpc.js'
import { rawFrame as frameBytes, prefixed } from '../../helpers/frames.js'

export { frameBytes, prefixed }

/** How a stream the attacker opened ended, as seen from the attacker's side. */
export type Ending = 'reset' | 'closed' | 'remote-closed' | 'open'

export interface Watched {
  /** The first sign the victim gave up on the stream, and when (ms after the watch began). */
  ended(): { ending: Ending; ms: number }
  /** Resolves when the victim ended the stream, or with 'open' after `ms`. */
  within(ms: number): Promise<{ ending: Ending; ms: number }>
  /** Resolves when the victim ended the stream, however long that takes. */
  settled: Promise<void>
  /** Bytes the victim sent on it. */
  received(): number
}

/**
 * Watches a stream for the victim ending it: a reset, its side closed, or
 * the whole stream closed. Reads (and drops) whatever the victim sends, so
 * the stream never stalls on the attacker's side.
 */
export function watch(stream: Stream): Watched {
  const start = Date.now()
  let ending: { ending: Ending; ms: number } | undefined
  let bytes = 0
  const waiters: Array<() => void> = []
  let settle: () => void = () => {}
  const settled = new Promise<void>((resolve) => {
    settle = resolve
  })
  const end = (how: Ending): void => {
    if (ending !== undefined) return
    ending = { ending: how, ms: Date.now() - start }
    settle()
    for (const wake of waiters.splice(0)) wake()
  }

  stream.addEventListener('message', (evt) => {
    bytes += evt.data.byteLength
  })
  stream.addEventListener('remoteCloseWrite', () => end('remote-closed'))
  stream.addEventListener('close', (evt) => {
    // an error the attacker raised itself is no sign from the victim
    if (evt.error !== undefined && evt.local === true) return
    end(evt.error === undefined ? 'closed' : 'reset')
  })

  if (stream.status !== 'open') {
    end(stream.status === 'closed' ? 'closed' : 'reset')
  }

  return {
    settled,
    ended: () => ending ?? { ending: 'open', ms: Date.now() - start },
    received: () => bytes,
    within(ms) {
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve({ ending: 'open', ms: Date.now() - start }), ms)
        const done = (): void => {
          clearTimeout(timer)
          resolve(ending as { ending: Ending; ms: number })
        }

        if (ending !== undefined) done()
        else waiters.push(done)
      })
    }
  }
}

/** A frame as the attacker reports it to the test: the body in base64. */
export interface WireFrame {
  id: number
  kind: 'request' | 'response' | 'error'
  code: string
  message: string
  body: string
}

export function toWire(frame: Frame): WireFrame {
  const kinds = { [Frame.Kind.REQUEST]: 'request', [Frame.Kind.RESPONSE]: 'response' } as const

  return {
    id: frame.id,
    kind: kinds[frame.kind as keyof typeof kinds] ?? 'error',
    code: frame.code,
    message: frame.message,
    body: Buffer.from(frame.body).toString('base64')
  }
}

/**
 * Request frames written by hand on one stream, answers matched by id. The
 * attacker decides when and how many to send; nothing here waits for room.
 */
export class RawClient {
  readonly stream: Stream
  readonly watched: Watched
  /** Requests sent and not yet answered. */
  inFlight = 0
  private nextId = 1
  private readonly waiting = new Map<number, (frame: Frame) => void>()
  private readonly onAnswer: (frame: Frame) => void

  constructor(stream: Stream, maxDataLength: number, onAnswer: (frame: Frame) => void = () => {}) {
    this.stream = stream
    this.onAnswer = onAnswer
    this.watched = watch(stream)
    const decoder = new LengthPrefixedDecoder({
      maxDataLength,
      maxBufferSize: maxDataLength * 2
    })

    stream.addEventListener('message', (evt) => {
      for (const buf of decoder.decode(evt.data)) {
        const frame = Frame.decode(buf)
        this.inFlight--
        this.onAnswer(frame)
        this.waiting.get(frame.id)?.(frame)
        this.waiting.delete(frame.id)
      }
    })
  }

  /** Writes request frames at once, without waiting for room; returns their ids. */
  send(method: string, bodies: readonly Uint8Array[]): number[] {
    const out = new Uint8ArrayList()
    const ids: number[] = []

    for (const body of bodies) {
      const id = this.nextId++
      ids.push(id)
      out.append(
        frameBytes({ id, kind: Frame.Kind.REQUEST, method, body: body as Uint8Array<ArrayBuffer> })
      )
    }

    this.inFlight += bodies.length
    this.stream.send(out)

    return ids
  }

  /** Sends one request and waits for its answer. */
  ask(method: string, body: Uint8Array, timeout = 5_000): Promise<Frame> {
    const [id] = this.send(method, [body])

    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to ${method}`)), timeout)
      this.waiting.set(id as number, (frame) => {
        clearTimeout(timer)
        resolve(frame)
      })
    })
  }
}
