import { describe, expect, it } from 'vitest'
import { StoreFullError } from '../../src/errors.js'
import { within } from '../helpers/wait.js'
import { bytes, rawFrame, rejection, rig, sleep, stuck, text } from './fixtures.js'

describe('Channel', { timeout: 2_000 }, () => {
  const { connect, streams, channel } = rig()

  it('answers requests in flight on one stream, each with its own answer, in any order', async () => {
    const count = 6
    // each handler waits for its turn: the last request is answered first, and each answer
    // that arrives lets the handler of the request before it go on
    const turns = new Map<number, () => void>()
    const { requester } = await connect({
      serve: async (method, body) => {
        const n = Number(text(body))
        await new Promise<void>((resolve) => {
          turns.set(n, resolve)
          if (turns.size === count) {
            turns.get(count - 1)?.()
          }
        })
        return bytes(`${method} ${n}`)
      }
    })
    const order: number[] = []

    const answers = await Promise.all(
      Array.from({ length: count }, async (_, n) => {
        const answer = await requester.channel.request('square', bytes(String(n)), 1_000)
        order.push(n)
        turns.get(n - 1)?.()
        return text(answer)
      })
    )

    expect(answers).toEqual(Array.from({ length: count }, (_, n) => `square ${n}`))
    expect(order).toEqual([5, 4, 3, 2, 1, 0])
    expect(requester.channel.sent).toBe(count)
    expect(requester.channel.open).toBe(true)
  })

  it('hands a mycel error from the handler to the caller as a RemoteError of that name', async () => {
    const { requester } = await connect({
      serve: async () => {
        throw new StoreFullError('no room for 3 blocks')
      }
    })

    const err = await rejection(requester.channel.request('put', bytes('block'), 1_000))

    expect(err.name).toBe('RemoteError')
    expect(err).toMatchObject({ code: 'StoreFullError', message: 'no room for 3 blocks' })
  })

  it('hides a plain error from the handler behind InternalError and a generic message', async () => {
    const { requester } = await connect({
      serve: async () => {
        throw new Error('ENOENT: /home/secret/.mycel/blocks')
      }
    })

    const err = await rejection(requester.channel.request('get', bytes('cid'), 1_000))

    expect(err.name).toBe('RemoteError')
    expect(err).toMatchObject({
      code: 'InternalError',
      message: 'the peer failed to serve the request'
    })
  })

  it('fails an unanswered request with RequestTimeoutError, and serves the next one', async () => {
    const { requester, server } = await connect({
      // 'slow' answers only after its caller gave up: the late answer is dropped
      serve: async (method, body, signal) => {
        if (method === 'slow') {
          await sleep(150, signal)
        }
        return body
      }
    })

    const err = await rejection(requester.channel.request('slow', bytes('late'), 50))

    expect(err.name).toBe('RequestTimeoutError')
    expect(err.message).toBe('no answer to slow within 50 ms')

    await sleep(150)
    expect(text(await requester.channel.request('fast', bytes('next'), 1_000))).toBe('next')
    expect(requester.channel.open).toBe(true)
    expect(server.channel.open).toBe(true)
    expect([...requester.reasons, ...server.reasons]).toEqual([])
  })

  it('queues requests past maxInFlight, so a peer of the same limit never refuses one', async () => {
    let running = 0
    let mostRunning = 0
    const { requester } = await connect({
      requester: { maxInFlight: 2 },
      server: { maxInFlight: 2 },
      serve: async (_, body, signal) => {
        running++
        mostRunning = Math.max(mostRunning, running)

        try {
          await sleep(30, signal)
          return body
        } finally {
          running--
        }
      }
    })

    const answers = await Promise.all(
      ['a', 'b', 'c', 'd', 'e', 'f'].map(async (name) =>
        text(await requester.channel.request('work', bytes(name), 1_000))
      )
    )

    expect(answers).toEqual(['a', 'b', 'c', 'd', 'e', 'f'])
    expect(mostRunning).toBe(2)
  })

  it("answers BusyError for requests past the serving side's maxInFlight, and counts it", async () => {
    const refused: string[] = []
    let release: () => void = () => {}
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    const { requester } = await connect({
      requester: { maxInFlight: 4 },
      server: { maxInFlight: 1, onRefused: (code) => refused.push(code) },
      serve: async (_, body) => {
        await held
        return body
      }
    })
    const [first, ...rest] = ['a', 'b', 'c'].map((name) =>
      requester.channel.request('work', bytes(name), 1_000)
    )

    for (const err of await Promise.all(rest.map(rejection))) {
      expect(err).toMatchObject({
        name: 'RemoteError',
        code: 'BusyError',
        message: 'more than 1 requests at once'
      })
    }
    expect(refused).toEqual(['BusyError', 'BusyError'])
    release()
    expect(text(await first!)).toBe('a')
  })

  it('fails a request over maxMessageBytes with MessageTooLargeError and stays open', async () => {
    const { requester } = await connect({ requester: { maxMessageBytes: 256 } })

    const err = await rejection(requester.channel.request('put', new Uint8Array(300), 1_000))

    expect(err.name).toBe('MessageTooLargeError')
    expect(requester.channel.open).toBe(true)
    expect(text(await requester.channel.request('put', bytes('small'), 1_000))).toBe('small')
  })

  it("answers MessageTooLargeError when the handler's answer is over maxMessageBytes", async () => {
    const { requester } = await connect({
      server: { maxMessageBytes: 256 },
      serve: async () => new Uint8Array(300)
    })

    const err = await rejection(requester.channel.request('get', bytes('cid'), 600))

    expect(err).toMatchObject({ name: 'RemoteError', code: 'MessageTooLargeError' })
  })

  it("closes an unused stream after idleTimeout as 'idle'; the server hears 'closed'", async () => {
    const started = Date.now()
    const { requester, server } = await connect({
      requester: { idleTimeout: 100 },
      server: { idleTimeout: 1_000 }
    })

    expect(await requester.closed).toBe('idle')
    expect(Date.now() - started).toBeGreaterThanOrEqual(95)
    expect(await within(server.closed, 500, 'the serving side did not close')).toBe('closed')
    expect(requester.channel.open).toBe(false)
  })

  it("resets, on the serving side, a stream unused for idleTimeout, as 'idle'", async () => {
    const { requester, server } = await connect({
      requester: { idleTimeout: 1_000 },
      server: { idleTimeout: 100 }
    })

    expect(await server.closed).toBe('idle')
    expect(await within(requester.closed, 500, 'the requesting side did not close')).toBe('reset')
  })

  it("takes a stream whose peer trickles bytes of a frame it never finishes as 'idle'", async () => {
    const [outbound, inbound] = await streams()
    const server = channel(inbound, { idleTimeout: 300, serve: async (_, body) => body })
    const started = Date.now()
    // a length prefix of 1,000 bytes, then one byte of the frame every 50 ms
    outbound.send(Uint8Array.of(0xe8, 0x07))
    const trickle = setInterval(() => outbound.send(Uint8Array.of(1)), 50)

    try {
      expect(await within(server.closed, 1_500, 'the trickling stream stayed open')).toBe('idle')
      expect(Date.now() - started).toBeLessThan(1_000)
    } finally {
      clearInterval(trickle)
    }
  })

  it('keeps a stream open while a large frame comes slowly, past idleTimeout', async () => {
    const [outbound, inbound] = await streams()
    const served: string[] = []
    const server = channel(inbound, {
      idleTimeout: 600,
      maxMessageBytes: 512 * 1024,
      serve: async (method, body) => {
        served.push(`${method} ${body.byteLength}`)
        return body
      }
    })
    const frame = rawFrame({ id: 1, method: 'put', body: new Uint8Array(400_000) }).subarray()

    // 16 KB every 40 ms: about 1 s for the whole frame, against an idle timeout of 0.6 s
    for (let at = 0; at < frame.byteLength; at += 16_000) {
      outbound.send(frame.subarray(at, at + 16_000))
      await sleep(40)
    }

    await expect.poll(() => served).toEqual(['put 400000'])
    expect(server.reasons).toEqual([])
  })

  it("counts an empty frame, which no node sends, as 'malformed'", async () => {
    const [outbound, inbound] = await streams()
    const server = channel(inbound, { serve: async (_, body) => body })

    outbound.send(Uint8Array.of(0x00))

    expect(await within(server.closed, 1_000, 'the stream stayed open')).toBe('malformed')
  })

  it('keeps a stream open past idleTimeout while a request on it is served', async () => {
    // as Rpc does, the requesting side idles out first and closes the stream gracefully
    const { requester, server } = await connect({
      requester: { idleTimeout: 100 },
      server: { idleTimeout: 200 },
      serve: async (_, body, signal) => {
        await sleep(250, signal)
        return body
      }
    })

    expect(text(await requester.channel.request('slow', bytes('done'), 1_000))).toBe('done')
    expect(requester.channel.open).toBe(true)
    expect(server.channel.open).toBe(true)

    // once nothing is pending, the idle clock starts again
    expect(await requester.closed).toBe('idle')
    expect(await server.closed).toBe('closed')
  })

  it('fails a pending request with StreamClosed once the server closes, and aborts it there', async () => {
    const { serve, seen } = stuck()
    const { requester, server } = await connect({ serve })
    const answer = rejection(requester.channel.request('slow', bytes('x'), 1_500))
    await seen.reached

    server.channel.close('closed')
    const err = await within(answer, 500, 'the request waited for its timeout')

    expect(err).toMatchObject({ name: 'RemoteError', code: 'StreamClosed' })
    expect(seen.aborted).toBe(1)
    expect(await requester.closed).toBe('closed')
  })

  it('fails a pending request with StreamClosed when the peer resets the stream', async () => {
    const { serve, seen } = stuck()
    const { requester, server } = await connect({ serve })
    const answer = rejection(requester.channel.request('slow', bytes('x'), 1_500))
    await seen.reached

    server.stream.abort(new Error('gone'))
    const err = await within(answer, 500, 'the request waited for its timeout')

    expect(err).toMatchObject({ name: 'RemoteError', code: 'StreamClosed' })
    expect(await requester.closed).toBe('reset')
  })

  it('fails requests queued for a slot with StreamClosed when the stream closes', async () => {
    const { serve, seen } = stuck()
    const { requester } = await connect({ requester: { maxInFlight: 1 }, serve })
    const answers = ['a', 'b', 'c'].map((name) =>
      rejection(requester.channel.request('slow', bytes(name), 1_500))
    )
    await seen.reached

    requester.channel.close('stopped')
    const errors = await within(Promise.all(answers), 500, 'queued requests hung')

    for (const err of errors) {
      expect(err).toMatchObject({ name: 'RemoteError', code: 'StreamClosed' })
    }
    expect(requester.channel.sent).toBe(1)
    expect(seen.requests).toBe(1)
    expect(requester.reasons).toEqual(['stopped'])
  })

  it('refuses a request on a closed channel with StreamClosed without sending it', async () => {
    const { requester } = await connect()
    requester.channel.close('stopped')

    const err = await rejection(requester.channel.request('get', bytes('x'), 1_000))

    expect(err).toMatchObject({ name: 'RemoteError', code: 'StreamClosed' })
    expect(requester.channel.sent).toBe(0)
  })
})
