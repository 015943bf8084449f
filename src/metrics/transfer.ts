/**
 * Bytes through a node's connections and streams, by protocol and
 * direction, since the node was made: `libp2p_data_transfer_bytes_total`.
 */
import type { MultiaddrConnection, Stream } from '@libp2p/interface'

export class TransferCounts {
  private readonly counts = new Map<string, number>()

  /** The bytes so far, by `<protocol> sent` and `<protocol> received`. */
  totals(): Record<string, number> {
    return Object.fromEntries(this.counts)
  }

  /**
   * Counts what goes through a connection or stream without reading it:
   * its `message` events are seen as they are dispatched (a listener of our
   * own would start the flow before the protocol's reader is attached).
   */
  track(stream: MultiaddrConnection | Stream, name: string): void {
    const sent = `${name} sent`
    const received = `${name} received`
    const dispatch = stream.dispatchEvent.bind(stream)
    const send = stream.send.bind(stream)

    stream.dispatchEvent = (evt: Event): boolean => {
      if (evt.type === 'message') {
        this.add(received, (evt as Event & { data: { byteLength: number } }).data.byteLength)
      }

      return dispatch(evt)
    }
    stream.send = (data) => {
      const accepted = send(data)
      this.add(sent, data.byteLength)
      return accepted
    }
  }

  private add(key: string, bytes: number): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + bytes)
  }
}
