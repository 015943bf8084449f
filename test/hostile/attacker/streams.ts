/**
 * Attacks on streams themselves: bad bytes, streams never written to, and
 * streams written to a byte at a time.
 */
import { randomBytes } from 'node:crypto'
import type { Stream } from '@libp2p/interface'
import * as varint from 'uint8-varint'
import { Uint8ArrayList } from 'uint8arraylist'
import { type Command, num, open, openMany, quietly, sleep, str } from './context.js'
import { prefixed, watch } from './raw.js'

/** The bytes of each kind of bad input, and whether the attacker closes its side after them. */
const GARBAGE: Record<string, () => { data: Uint8ArrayList; close: boolean }> = {
  // what a broken or hostile peer writes: noise, then done
  random: () => ({ data: new Uint8ArrayList(randomBytes(4_096)), close: true }),
  // a length prefix that is fine, then bytes that decode as no message
  garbled: () => ({ data: prefixed(new Uint8Array(64).fill(0xff)), close: false }),
  // a frame cut short: 1,000 bytes announced, 10 sent, and the stream ended
  truncated: () => ({
    data: new Uint8ArrayList(varint.encode(1_000), randomBytes(10)),
    close: true
  }),
  // 64 MiB announced, over every limit; 64 KiB of it sent, and the stream kept open
  oversized: () => ({
    data: new Uint8ArrayList(varint.encode(64 * 1024 * 1024), new Uint8Array(64 * 1024)),
    close: false
  })
}

export const streamAttacks: Record<string, Command> = {
  /** Sends one kind of bad input on a new stream and reports how the victim ended it. */
  async garbage(context, args) {
    const make = GARBAGE[str(args, 'kind')]

    if (make === undefined) {
      throw new Error(`no kind of garbage called ${str(args, 'kind')}`)
    }

    const stream = await open(context, str(args, 'peer'), str(args, 'protocol'))
    const watched = watch(stream)
    const { data, close } = make()
    stream.send(data)

    if (close) {
      quietly(stream.close())
    }

    const ended = await watched.within(num(args, 'wait', 3_000))
    stream.abort(new Error('the attack is over'))

    return { ...ended, received: watched.received() }
  },

  /**
   * Opens `count` streams (over `connections` connections) and never writes
   * on them; reports how each ended within `wait` ms, then lets go of them.
   */
  async idle(context, args) {
    const streams = await openMany(context, args)
    const wait = num(args, 'wait', 3_000)
    const ended = await Promise.all(
      streams.map((stream) => ('refused' in stream ? stream : watch(stream).within(wait)))
    )

    for (const stream of streams) {
      if (!('refused' in stream)) stream.abort(new Error('the attack is over'))
    }

    return ended
  },

  /**
   * Opens `count` streams (over `connections` connections) and writes one
   * byte on each every `interval` ms, after an optional length prefix that
   * announces a frame of `announce` bytes, with `fill` bytes of it at once;
   * stops when the victim ends a stream, or after `seconds`. Reports how
   * each stream ended and how many bytes it carried.
   */
  async drip(context, args) {
    const announce = num(args, 'announce', 0)
    const fill = num(args, 'fill', 0)
    const deadline = Date.now() + num(args, 'seconds', 5) * 1_000
    const one = async (stream: Stream | { refused: string }): Promise<unknown> => {
      if ('refused' in stream) {
        return stream
      }

      const watched = watch(stream)
      let sent = announce > 0 ? fill : 0
      const send = (data: Uint8Array | Uint8ArrayList): boolean => {
        try {
          stream.send(data)
          return true
        } catch {
          // the victim ended the stream under us: reported below
          return false
        }
      }
      let writing =
        announce === 0 || send(new Uint8ArrayList(varint.encode(announce), new Uint8Array(fill)))

      while (writing && Date.now() < deadline && watched.ended().ending === 'open') {
        writing = send(Uint8Array.of(0))
        sent++
        await Promise.race([sleep(num(args, 'interval', 1_000)), watched.settled])
      }

      await watched.within(writing ? 0 : 1_000)

      const ended = watched.ended()
      stream.abort(new Error('the attack is over'))

      return { ...ended, sent }
    }

    return Promise.all((await openMany(context, args)).map(one))
  }
}
