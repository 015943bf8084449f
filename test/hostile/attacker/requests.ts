/**
 * Attacks made of requests and answers of mycel's request/response
 * protocols: floods, bursts, one request of the test's making, and answers
 * nobody asked for.
 */
import { Uint8ArrayList } from 'uint8arraylist'
import { Frame } from '../../../src/rpc/pb/rpc.js'
import { CallForProposals } from '../../../src/scheduler/pb/tasks.js'
import {
  bytes,
  type Command,
  MAX_ANSWER,
  num,
  open,
  quietly,
  SERVED_AT_ONCE,
  sleep,
  str
} from './context.js'
import { frameBytes, RawClient, toWire, watch } from './raw.js'

export const requestAttacks: Record<string, Command> = {
  /**
   * Calls for proposals at `rate` a second for `seconds`, on `streams`
   * streams, each a valid CallForProposals of one task of its own. Never more
   * than the victim serves at once are in flight on a stream (past that the
   * victim answers BusyError, which is not what this measures).
   */
  async flood(context, args) {
    const rate = num(args, 'rate', 10_000)
    const streams = num(args, 'streams', 4)
    const counts: Record<string, number> = {}
    const count = (frame: Frame): void => {
      const key = frame.kind === Frame.Kind.RESPONSE ? 'ok' : frame.code
      counts[key] = (counts[key] ?? 0) + 1
    }
    const clients = await Promise.all(
      Array.from(
        { length: streams },
        async () =>
          new RawClient(
            await open(context, str(args, 'peer'), str(args, 'protocol')),
            MAX_ANSWER,
            count
          )
      )
    )
    const start = Date.now()
    const stop = start + num(args, 'seconds', 3) * 1_000
    let sent = 0
    let heldBack = 0

    while (Date.now() < stop) {
      let due = Math.floor((rate * (Date.now() - start)) / 1_000) - sent

      for (const client of clients) {
        const share = Math.min(Math.ceil(due / clients.length), SERVED_AT_ONCE - client.inFlight)

        if (share <= 0 || client.watched.ended().ending !== 'open') continue
        client.send(
          'cfp',
          Array.from({ length: share }, () => cfp(`f${sent++}`))
        )
        due -= share
      }

      heldBack += Math.max(0, due)
      await sleep(2)
    }

    const elapsed = Date.now() - start
    const drained = Date.now() + 3_000

    while (clients.some((c) => c.inFlight > 0) && Date.now() < drained) {
      await sleep(20)
    }

    for (const client of clients) client.stream.abort(new Error('the attack is over'))

    return {
      sent,
      elapsed,
      counts,
      heldBack,
      unanswered: clients.reduce((n, c) => n + c.inFlight, 0)
    }
  },

  /** Sends `count` copies of one request in a single write, and counts the answers by code. */
  async burst(context, args) {
    const counts: Record<string, number> = {}
    const client = new RawClient(
      await open(context, str(args, 'peer'), str(args, 'protocol')),
      MAX_ANSWER,
      (frame) => {
        const key = frame.kind === Frame.Kind.RESPONSE ? 'ok' : frame.code
        counts[key] = (counts[key] ?? 0) + 1
      }
    )
    const body = bytes(args, 'body')
    client.send(
      str(args, 'method'),
      Array.from({ length: num(args, 'count', 100) }, () => body)
    )
    const deadline = Date.now() + 5_000

    while (client.inFlight > 0 && Date.now() < deadline) {
      await sleep(10)
    }

    client.stream.abort(new Error('the attack is over'))

    return counts
  },

  /** Sends one request on a new stream and returns the answer frame. */
  async ask(context, args) {
    const client = new RawClient(
      await open(context, str(args, 'peer'), str(args, 'protocol')),
      MAX_ANSWER
    )

    try {
      return toWire(await client.ask(str(args, 'method'), bytes(args, 'body')))
    } finally {
      quietly(client.stream.close())
    }
  },

  /**
   * Sends answers nobody asked for (`kind` RESPONSE or ERROR) on a stream
   * the victim serves, and reports how the victim ended it.
   */
  async answer(context, args) {
    const stream = await open(context, str(args, 'peer'), str(args, 'protocol'))
    const watched = watch(stream)
    const out = new Uint8ArrayList()

    for (let id = 1; id <= num(args, 'count', 1); id++) {
      out.append(
        frameBytes({
          id,
          kind: (args.kind as Frame.Kind | undefined) ?? Frame.Kind.RESPONSE,
          body: bytes(args, 'body') as Uint8Array<ArrayBuffer>,
          code: String(args.code ?? '')
        })
      )
    }

    stream.send(out)
    const ended = await watched.within(num(args, 'wait', 1_000))
    stream.abort(new Error('the attack is over'))

    return ended
  }
}

/** A call for proposals of one `echo` task, valid in every field. */
function cfp(id: string): Uint8Array {
  return CallForProposals.encode({
    offers: [
      {
        id,
        kind: 'echo',
        needs: { slots: 1, memory: 0, gpu: 0, labels: [] },
        priority: 0,
        inputs: []
      }
    ]
  })
}
