import type { Connection, Stream, StreamHandler } from '@libp2p/interface'
import { afterEach, describe, expect, it } from 'vitest'
import { type Handler, Rpc, type RpcInit } from '../../src/rpc/index.js'
import { waitFor } from '../helpers/wait.js'
import { bytes, log, PEER, rejection, rig, text } from './fixtures.js'

const PROTOCOL = '/mycel/test/rpc/1.0.0'

describe('Rpc', { timeout: 2_000 }, () => {
  const { streams } = rig()
  const started: Rpc[] = []

  afterEach(async () => {
    await Promise.all(started.splice(0).map((rpc) => rpc.stop()))
  })

  /**
   * A client and a server joined by in-memory streams: every stream the client opens is
   * handed to the server as if it came over a connection from `PEER`.
   */
  /** A started server that takes the streams handed to `accept` as if they came from `PEER`. */
  async function serving(
    handlers: Record<string, Handler>,
    init: Partial<RpcInit>
  ): Promise<{ server: Rpc; accept: StreamHandler }> {
    let handle: StreamHandler | undefined
    const server = new Rpc(
      {
        registrar: {
          handle: async (_, handler) => {
            handle = handler
          },
          unhandle: async () => {}
        },
        connectionManager: {
          openConnection: async () => {
            throw new Error('the server dials no one')
          }
        },
        log
      },
      { ...init, protocol: PROTOCOL, handlers }
    )
    await server.start()
    started.push(server)

    return { server, accept: (stream, connection) => handle?.(stream, connection) }
  }

  async function connect(
    handlers: Record<string, Handler>,
    init: Partial<RpcInit> = {}
  ): Promise<{ client: Rpc; server: Rpc; inbound: Stream[] }> {
    const settings = { timeout: 500, idleTimeout: 1_000, ...init }
    const { server, accept } = await serving(handlers, settings)
    const inbound: Stream[] = []
    const connection = {
      remotePeer: PEER,
      async newStream() {
        const [outbound, served] = await streams()
        inbound.push(served)
        await accept(served, connection as unknown as Connection)
        return outbound
      }
    }
    const client = new Rpc(
      {
        registrar: { handle: async () => {}, unhandle: async () => {} },
        connectionManager: { openConnection: async () => connection as unknown as Connection },
        log
      },
      { ...settings, protocol: PROTOCOL, handlers: {} }
    )
    await client.start()
    started.push(client)

    return { client, server, inbound }
  }

  it('serves each method with its handler, on one stream, and counts what it served', async () => {
    const { client, server, inbound } = await connect({
      upper: async (body) => bytes(text(body).toUpperCase()),
      whoami: async (_, { peer }) => bytes(peer.toString())
    })

    expect(text(await client.request(PEER, 'upper', bytes('block')))).toBe('BLOCK')
    expect(text(await client.request(PEER, 'whoami', new Uint8Array(0)))).toBe(PEER.toString())
    expect(inbound).toHaveLength(1)
    expect(client.stats()).toMatchObject({ sent: 2, failed: 0 })
    expect(server.stats().served).toEqual({ upper: 1, whoami: 1 })
  })

  it('refuses a method it does not serve, even one every object has, as UnknownMethod', async () => {
    const { client, server } = await connect({ upper: async (body) => body })

    for (const method of ['download', 'toString', '__proto__']) {
      const err = await rejection(client.request(PEER, method, bytes('x')))

      expect(err).toMatchObject({ name: 'RemoteError', code: 'UnknownMethod' })
    }
    expect(server.stats().refused).toEqual({ UnknownMethod: 3 })
    expect(client.stats()).toMatchObject({ sent: 3, failed: 3 })
  })

  it('refuses a peer past its rate, per method and in all, as RateLimitedError', async () => {
    const { client, server } = await connect(
      { cfp: async (body) => body, award: async (body) => body },
      {
        rateLimits: {
          all: { perSecond: 1, burst: 6 },
          methods: { cfp: { perSecond: 1, burst: 2 } }
        }
      }
    )
    const outcomes: string[] = []

    for (const method of ['cfp', 'cfp', 'cfp', 'award', 'award', 'award', 'award', 'award']) {
      const answer = await client.request(PEER, method, bytes('x')).then(
        () => 'served',
        (err: { code?: string; message: string }) => `${err.code}: ${err.message}`
      )
      outcomes.push(answer)
    }

    expect(outcomes.slice(0, 2)).toEqual(['served', 'served'])
    expect(outcomes[2]).toBe(
      'RateLimitedError: rate limited: at most 1 cfp requests a second from one peer'
    )
    expect(outcomes.slice(3, 6)).toEqual(['served', 'served', 'served'])
    expect(outcomes[6]).toBe(
      'RateLimitedError: rate limited: at most 1 requests a second from one peer'
    )
    expect(server.stats().refused).toEqual({ RateLimitedError: 3 })
    expect(server.stats().served).toEqual({ cfp: 2, award: 3 })
  })

  it('takes at most maxInboundStreams streams from one peer, over all its connections', async () => {
    const { server, accept } = await serving({}, { maxInboundStreams: 2 })
    // each stream as if on a connection of its own
    const served: Stream[] = []

    for (let i = 0; i < 3; i++) {
      const [, inbound] = await streams()
      served.push(inbound)
      await accept(inbound, { remotePeer: PEER } as unknown as Connection)
    }

    expect(served.map((stream) => stream.status)).toEqual(['open', 'open', 'aborted'])
    expect(server.stats().refused).toEqual({ TooManyStreams: 1 })
  })

  it('sends a request once more on a fresh stream when its reused stream closes under it', async () => {
    let calls = 0
    const { client, inbound } = await connect({
      ping: async (body) => body,
      drop: async (body) => {
        calls++
        if (calls === 1) {
          inbound[0]?.abort(new Error('the server lost the stream'))
        }
        return body
      }
    })
    await client.request(PEER, 'ping', bytes('warm'))

    expect(text(await client.request(PEER, 'drop', bytes('again')))).toBe('again')
    expect(calls).toBe(2)
    expect(inbound).toHaveLength(2)
    expect(client.stats()).toMatchObject({ sent: 2, failed: 0, closed: { reset: 1 } })
  })

  it('does not try again when the stream it just opened closes under the request', async () => {
    const { client, inbound } = await connect({
      drop: async (body) => {
        inbound.at(-1)?.abort(new Error('the server lost the stream'))
        return body
      }
    })

    const err = await rejection(client.request(PEER, 'drop', bytes('once')))

    expect(err).toMatchObject({ name: 'RemoteError', code: 'StreamClosed' })
    expect(inbound).toHaveLength(1)
    expect(client.stats()).toMatchObject({ sent: 1, failed: 1 })
  })

  it('refuses a request over maxMessageBytes before it opens a stream', async () => {
    const { client, inbound } = await connect(
      { put: async (body) => body },
      { maxMessageBytes: 256 }
    )

    const err = await rejection(client.request(PEER, 'put', new Uint8Array(257)))

    expect(err.name).toBe('MessageTooLargeError')
    expect(inbound).toHaveLength(0)
  })

  it('closes its streams when stopped, and the serving side hears them closed', async () => {
    const { client, server } = await connect({ ping: async (body) => body })
    await client.request(PEER, 'ping', bytes('x'))

    await client.stop()

    expect(client.stats().closed).toEqual({ stopped: 1 })
    await waitFor(() => server.stats().closed.closed === 1, { timeout: 500, interval: 10 })
  })
})
