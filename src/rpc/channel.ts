/**
 * One long-lived stream carrying many requests at once. Each frame has a
 * length prefix and a request id, so answers can come back in any order and a
 * request costs one write and one read instead of a new stream (a reused
 * stream costs about a sixth of a new one on loopback).
 *
 * The side that opened the stream sends requests; the other side serves them.
 * A channel never throws into the event loop: a frame that is too large or
 * cannot be decoded ends the stream with a reason, and the caller's `onClose`
 * hears why.
 */
import type { Logger, PeerId, Stream } from '@libp2p/interface'
import { LengthPrefixedDecoder } from '@libp2p/utils'
import type { Uint8ArrayList } from 'uint8arraylist'
import { MessageTooLargeError, RemoteError, RequestTimeoutError } from '../errors.js'
import { FrameWriter } from './frame-writer.js'
import {
  type CloseReason,
  errorCode,
  errorMessage,
  frameLength,
  IDLE_PROGRESS,
  onWire,
  PIECE_BYTES,
  pieces,
  remoteError,
  type Serve,
  STREAM_CLOSED,
  TOO_LARGE
} from './frames.js'
import { Frame } from './pb/rpc.js'

export type { CloseReason, Serve } from './frames.js'

export interface ChannelInit {
  stream: Stream
  peer: PeerId
  /** Largest frame accepted or sent, in bytes. */
  maxMessageBytes: number
  /**
   * Requests served at once on this stream; more are refused with
   * `BusyError`. The requesting side queues past this many, so a peer of the
   * same settings never refuses it.
   */
  maxInFlight: number
  /** Closes the stream after this long without a frame while nothing is pending, in ms. */
  idleTimeout: number
  /** Resets the stream when the peer takes none of what waits for it for this long, in ms. */
  sendTimeout: number
  /** Present on the serving side. */
  serve?: Serve
  log: Logger
  onClose(channel: Channel, reason: CloseReason): void
  /** Told of each request the channel itself refuses (`BusyError`), for the counts. */
  onRefused?(code: string): void
}

interface Pending {
  resolve(body: Uint8Array): void
  reject(err: Error): void
  timer: ReturnType<typeof setTimeout>
}

/** A request or response stream for one peer and protocol. */
export class Channel {
  readonly peer: PeerId
  readonly stream: Stream
  /** Requests sent on this stream so far. */
  sent = 0
  /** Requests sent and not yet answered, or requests being served. */
  private readonly pending = new Map<number, Pending>()
  private readonly serving = new Map<number, AbortController>()
  private readonly writer: FrameWriter
  /** Requests waiting for one of the peer's `maxInFlight` slots. */
  private readonly queued: Array<() => void> = []
  private readonly decoder: LengthPrefixedDecoder
  /** Bytes received that are not yet part of a whole frame. */
  private unframed = 0
  /** Bytes received since the idle timer was last set. */
  private sinceArmed = 0
  private readonly init: ChannelInit
  private nextId = 1
  private idleTimer?: ReturnType<typeof setTimeout>
  private closeReason?: CloseReason
  /** The peer closed its side: close ours once the requests it sent are answered. */
  private remoteDone = false

  constructor(init: ChannelInit) {
    this.init = init
    this.peer = init.peer
    this.stream = init.stream
    this.writer = new FrameWriter({
      stream: init.stream,
      maxMessageBytes: init.maxMessageBytes,
      sendTimeout: init.sendTimeout,
      open: () => this.open,
      stalled: () => {
        this.close('stalled', new Error(`the peer read nothing for ${init.sendTimeout} ms`))
      }
    })
    this.decoder = new LengthPrefixedDecoder({
      lengthDecoder: frameLength,
      maxDataLength: init.maxMessageBytes,
      // one frame being assembled plus one piece fed at a time (see `pieces`)
      maxBufferSize: init.maxMessageBytes + PIECE_BYTES + 16
    })

    this.stream.addEventListener('message', (evt) => this.receive(evt.data))
    this.stream.addEventListener('close', (evt) => {
      this.end(evt.error === undefined ? 'closed' : 'reset', evt.error)
    })
    // the peer will send no more: no answers (when we ask) or no requests (when we serve)
    this.stream.addEventListener('remoteCloseWrite', () => {
      this.remoteDone = true

      // ended in the middle of a frame: it was never going to finish
      if (this.unframed > 0) {
        this.close('malformed', new Error(`the stream ended ${this.unframed} bytes into a frame`))
      } else if (this.init.serve === undefined || this.serving.size === 0) {
        this.close('closed')
      }
    })
    this.armIdle()
  }

  /** Whether the channel can still carry requests. */
  get open(): boolean {
    return this.closeReason === undefined && this.stream.status === 'open'
  }

  /** Requests in flight in either direction. */
  get busy(): number {
    return this.pending.size + this.serving.size
  }

  /**
   * Sends a request and waits for its answer. Past `maxInFlight` requests
   * (what the peer serves at once), requests queue here in order. The
   * timeout runs from the send, and covers it: a peer that stops reading
   * fails the request in time.
   */
  async request(method: string, body: Uint8Array, timeout: number): Promise<Uint8Array> {
    while (this.open && this.pending.size >= this.init.maxInFlight) {
      await new Promise<void>((resolve) => this.queued.push(resolve))
    }

    if (!this.open) {
      throw new RemoteError(STREAM_CLOSED, 'the stream to the peer is closed')
    }

    const id = this.allocateId()
    const answer = new Promise<Uint8Array>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(id, new RequestTimeoutError(`no answer to ${method} within ${timeout} ms`))
      }, timeout)
      this.pending.set(id, { resolve, reject, timer })
    })

    this.sent++
    this.disarmIdle()
    this.send(
      {
        id,
        kind: Frame.Kind.REQUEST,
        method,
        body: body as Uint8Array<ArrayBuffer>,
        code: '',
        message: ''
      },
      () => this.pending.has(id)
    ).catch((err: Error) => this.fail(id, err))

    return answer
  }

  /** Ends the stream: pending requests fail, requests being served are aborted. */
  close(reason: CloseReason, err?: Error): void {
    // a serving side resets idle streams: a peer that never writes would not close its half
    const graceful =
      reason === 'closed' ||
      reason === 'stopped' ||
      (reason === 'idle' && this.init.serve === undefined)
    // counted under this reason before the stream's own close event says "reset"
    this.end(reason, err)

    if (graceful) {
      this.stream.close().catch((closeErr) => this.stream.abort(closeErr))
    } else {
      this.stream.abort(err ?? new Error(reason))
    }
  }

  /** Settles a request that will get no answer. */
  private fail(id: number, err: Error): void {
    const pending = this.pending.get(id)

    if (pending === undefined) {
      return
    }

    this.pending.delete(id)
    clearTimeout(pending.timer)
    pending.reject(err)
    this.queued.shift()?.()

    if (this.busy === 0) {
      this.armIdle()
    }
  }

  private allocateId(): number {
    do {
      this.nextId = this.nextId >= 0xffff_fffe ? 1 : this.nextId + 1
    } while (this.pending.has(this.nextId))

    return this.nextId
  }

  /** Writes a frame (see `FrameWriter`); a request that gave up while waiting is not sent. */
  private send(frame: Frame, wanted: () => boolean = () => true): Promise<void> {
    return this.writer.send(frame, wanted)
  }

  private receive(data: Uint8Array | Uint8ArrayList): void {
    if (this.closeReason !== undefined) {
      return
    }

    // use is a whole frame, or a large frame coming on at `IDLE_PROGRESS` a
    // time: a peer that trickles bytes of a frame it never finishes is idle
    let framed = false

    try {
      for (const piece of pieces(data)) {
        this.unframed += piece.byteLength
        this.sinceArmed += piece.byteLength

        for (const buf of this.decoder.decode(piece)) {
          framed = true
          this.unframed -= onWire(buf.byteLength)
          this.dispatch(Frame.decode(buf))

          if (this.closeReason !== undefined) {
            return
          }
        }
      }
    } catch (err) {
      this.close(TOO_LARGE.has((err as Error).name) ? 'too-large' : 'malformed', err as Error)
      return
    }

    if ((framed || this.sinceArmed >= IDLE_PROGRESS) && this.busy === 0) {
      this.armIdle()
    }
  }

  private dispatch(frame: Frame): void {
    if (
      frame.kind !== Frame.Kind.REQUEST &&
      frame.kind !== Frame.Kind.RESPONSE &&
      frame.kind !== Frame.Kind.ERROR
    ) {
      this.close('protocol-error', new Error(`unknown frame kind ${frame.kind}`))
      return
    }

    if (frame.kind === Frame.Kind.REQUEST) {
      this.serveOne(frame)
      return
    }

    const pending = this.pending.get(frame.id)

    if (pending === undefined) {
      // the serving side asks nothing on its stream, so an answer there was never asked for
      if (this.init.serve !== undefined) {
        this.close('protocol-error', new Error(`an answer (${frame.id}) to no request`))
        return
      }

      // an answer to a request that timed out: harmless, dropped
      this.init.log.trace('answer %d from %p matches no request', frame.id, this.peer)
      return
    }

    this.pending.delete(frame.id)
    clearTimeout(pending.timer)
    this.queued.shift()?.()

    if (frame.kind === Frame.Kind.RESPONSE) {
      pending.resolve(frame.body)
    } else {
      pending.reject(remoteError(frame))
    }
  }

  private serveOne(frame: Frame): void {
    const serve = this.init.serve

    if (serve === undefined) {
      this.close('protocol-error', new Error('requests are not served on this stream'))
      return
    }

    if (this.serving.has(frame.id)) {
      this.close('protocol-error', new Error(`request id ${frame.id} is already in use`))
      return
    }

    if (this.serving.size >= this.init.maxInFlight) {
      this.init.onRefused?.('BusyError')
      this.answerError(frame.id, 'BusyError', `more than ${this.init.maxInFlight} requests at once`)
      return
    }

    const controller = new AbortController()
    this.serving.set(frame.id, controller)

    serve(frame.method, frame.body, controller.signal)
      .then(
        (body) =>
          this.send({
            id: frame.id,
            kind: Frame.Kind.RESPONSE,
            method: '',
            body: body as Uint8Array<ArrayBuffer>,
            code: '',
            message: ''
          }).catch((err: Error) => {
            // an answer too large to send is still an answer: the asker hears why
            if (err instanceof MessageTooLargeError) {
              return this.answerError(frame.id, err.name, err.message)
            }

            throw err
          }),
        (err: Error) => this.answerError(frame.id, errorCode(err), errorMessage(err))
      )
      .catch((err) => this.init.log.trace('could not answer %p - %e', this.peer, err))
      .finally(() => {
        this.serving.delete(frame.id)

        if (this.remoteDone && this.serving.size === 0) {
          this.close('closed')
        } else if (this.busy === 0) {
          this.armIdle()
        }
      })
  }

  private async answerError(id: number, code: string, message: string): Promise<void> {
    if (!this.open) {
      return
    }

    await this.send({
      id,
      kind: Frame.Kind.ERROR,
      method: '',
      body: new Uint8Array(0),
      code,
      message
    }).catch((err) => this.init.log.trace('could not send an error to %p - %e', this.peer, err))
  }

  private end(reason: CloseReason, err?: Error): void {
    if (this.closeReason !== undefined) {
      return
    }

    this.closeReason = reason
    this.disarmIdle()

    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer)
      pending.reject(
        new RemoteError(STREAM_CLOSED, `the stream closed before an answer (${reason})`, {
          cause: err
        })
      )
    }

    for (const controller of this.serving.values()) {
      controller.abort()
    }

    for (const wake of this.queued.splice(0)) {
      wake()
    }

    this.pending.clear()
    this.init.onClose(this, reason)
  }

  private armIdle(): void {
    this.disarmIdle()
    this.sinceArmed = 0
    this.idleTimer = setTimeout(() => {
      if (this.busy === 0) {
        this.init.log.trace('closing idle stream with %p', this.peer)
        this.close('idle')
      }
    }, this.init.idleTimeout)
    this.idleTimer.unref?.()
  }

  private disarmIdle(): void {
    clearTimeout(this.idleTimer)
    this.idleTimer = undefined
  }
}
