/**
 * Writes frames to a stream one after another, each with its length
 * prefix, holding back while the stream's buffer is full: at most two
 * messages' worth wait there, however the peer opens its window. A peer
 * that takes nothing for `sendTimeout` is reported as stalled.
 */
import type { Stream } from '@libp2p/interface'
import * as varint from 'uint8-varint'
import { Uint8ArrayList } from 'uint8arraylist'
import { MessageTooLargeError, RemoteError } from '../errors.js'
import { STREAM_CLOSED, waitForRoom } from './frames.js'
import { Frame } from './pb/rpc.js'

export interface FrameWriterInit {
  stream: Stream
  /** Largest frame, in bytes. */
  maxMessageBytes: number
  /** How long the peer may take nothing before it counts as stalled, in ms. */
  sendTimeout: number
  /** Whether the channel still carries frames. */
  open(): boolean
  /** Called when the peer took nothing for `sendTimeout`. */
  stalled(): void
}

export class FrameWriter {
  private readonly init: FrameWriterInit
  /** Bytes that may wait in the stream's buffer: room for one whole message besides. */
  private readonly maxQueued: number
  /** The write under way: writes go out one after another. */
  private writing: Promise<void> = Promise.resolve()

  constructor(init: FrameWriterInit) {
    this.init = init
    this.maxQueued = 2 * init.maxMessageBytes
  }

  /**
   * Writes a frame once the stream has room; `wanted` is asked just before,
   * so a request that gave up while it waited is not sent at all.
   *
   * @throws {MessageTooLargeError} when the frame is over `maxMessageBytes`
   * @throws {RemoteError} with code `StreamClosed` when the stream closed or stalled first
   */
  send(frame: Frame, wanted: () => boolean = () => true): Promise<void> {
    const data = Frame.encode(frame)

    if (data.byteLength > this.init.maxMessageBytes) {
      return Promise.reject(
        new MessageTooLargeError(
          `a ${frame.method || 'response'} message of ${data.byteLength} bytes ` +
            `is over the limit of ${this.init.maxMessageBytes}`
        )
      )
    }

    // one write at a time: each sees the buffer the ones before it left, so the limit holds
    const sent = this.writing.then(() => this.write(data, wanted))
    this.writing = sent.catch(() => {})

    return sent
  }

  private async write(data: Uint8Array, wanted: () => boolean): Promise<void> {
    const { stream, sendTimeout } = this.init
    const room = await waitForRoom(stream, data.byteLength, this.maxQueued, sendTimeout)

    if (room === 'stalled') {
      this.init.stalled()
    }

    if (room !== 'room' || !this.init.open()) {
      throw new RemoteError(STREAM_CLOSED, 'the stream closed before the message was sent')
    }

    if (wanted()) {
      stream.send(new Uint8ArrayList(varint.encode(data.byteLength), data))
    }
  }
}
