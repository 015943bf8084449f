/**
 * Request/response over long-lived libp2p streams, one protocol per instance.
 *
 * A node keeps one outbound stream per peer for its own requests and serves
 * the peer's requests on the stream the peer opened. Every message has a size
 * limit, every request a timeout, every stream a cap on requests in flight,
 * and a stream nobody uses closes itself, so a peer that opens streams and
 * never writes costs nothing for long.
 */
import type { AbortOptions, Logger, PeerId, Stream } from '@libp2p/interface'
import type { ConnectionManager, Registrar } from '@libp2p/interface-internal'
import { MessageTooLargeError, RateLimitedError, RemoteError } from '../errors.js'
import { type Rate, RateLimiter } from '../net/rate.js'
import { Channel, type CloseReason } from './channel.js'
import { STREAM_CLOSED } from './frames.js'

/** Largest message, in bytes. */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024
/** How long a request may wait for its answer. */
export const DEFAULT_REQUEST_TIMEOUT = 10_000 // ms
/** How long a stream may stay unused before it is closed. */
export const DEFAULT_IDLE_TIMEOUT = 30_000 // ms
/** Requests a node serves at once on one stream. */
export const DEFAULT_MAX_IN_FLIGHT = 64
/** Streams of one protocol a peer may open to a node over one connection. */
export const DEFAULT_MAX_INBOUND_STREAMS = 4

/** Serves one method: takes the request body, returns the response body. */
export type Handler = (body: Uint8Array, context: RequestContext) => Promise<Uint8Array>

export interface RequestContext {
  /** Who asked. */
  peer: PeerId
  /** Aborts when the stream closes under the request. */
  signal: AbortSignal
}

export interface RpcInit {
  /** The whole protocol id, e.g. `/mycel/default/blocks/1.0.0`. */
  protocol: string

  /** The methods this node serves. */
  handlers: Record<string, Handler>

  /**
   * Largest message sent or accepted, in bytes.
   *
   * @default 65536
   */
  maxMessageBytes?: number

  /**
   * How long a request waits for its answer, in ms.
   *
   * @default 10000
   */
  timeout?: number

  /**
   * How long an unused stream stays open, in ms. The side that sends closes
   * its streams after half of this, before the serving side would.
   *
   * @default 30000
   */
  idleTimeout?: number

  /**
   * Requests served at once on one stream; more are refused with `BusyError`.
   *
   * @default 64
   */
  maxInFlight?: number

  /**
   * Streams of this protocol one peer may hold open to this node: libp2p
   * resets those past it on one connection, and this node those past it
   * over all the peer's connections together (counted as `TooManyStreams`).
   *
   * @default 4
   */
  maxInboundStreams?: number

  /**
   * Requests one peer may make a second, of every method together (`all`)
   * and of single methods; more are refused with `RateLimitedError`.
   *
   * @default no limit
   */
  rateLimits?: RateLimits
}

/** Requests one peer may make: of all methods together, and of single methods. */
export interface RateLimits {
  all?: Rate
  methods?: Record<string, Rate>
}

export interface RpcComponents {
  registrar: Pick<Registrar, 'handle' | 'unhandle'>
  connectionManager: Pick<ConnectionManager, 'openConnection'>
  log: Logger
}

/** What a protocol did, for metrics and tests. */
export interface RpcStats {
  /** Requests this node sent. */
  sent: number
  /** Requests it sent that failed (timeout, error answer, stream lost). */
  failed: number
  /** Requests it served, by method. */
  served: Record<string, number>
  /** Requests it refused, by the error's name. */
  refused: Record<string, number>
  /** Streams closed, by reason. */
  closed: Partial<Record<CloseReason, number>>
}

/** One request/response protocol, served and used by this node. */
export class Rpc {
  readonly protocol: string
  private readonly components: RpcComponents
  private readonly handlers: Record<string, Handler>
  private readonly maxMessageBytes: number
  private readonly timeout: number
  private readonly idleTimeout: number
  private readonly maxInFlight: number
  private readonly maxInboundStreams: number
  private readonly outbound = new Map<string, Channel>()
  private readonly opening = new Map<string, Promise<Channel>>()
  private readonly inbound = new Set<Channel>()
  /** Inbound streams open, by peer. */
  private readonly inboundOf = new Map<string, number>()
  private readonly limitAll?: RateLimiter
  private readonly limitMethods = new Map<string, RateLimiter>()
  private readonly counters: RpcStats = {
    sent: 0,
    failed: 0,
    served: {},
    refused: {},
    closed: {}
  }
  private running = false

  constructor(components: RpcComponents, init: RpcInit) {
    this.components = components
    this.protocol = init.protocol
    this.handlers = init.handlers
    this.maxMessageBytes = init.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES
    this.timeout = init.timeout ?? DEFAULT_REQUEST_TIMEOUT
    this.idleTimeout = init.idleTimeout ?? DEFAULT_IDLE_TIMEOUT
    this.maxInFlight = init.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT
    this.maxInboundStreams = init.maxInboundStreams ?? DEFAULT_MAX_INBOUND_STREAMS
    const { all, methods = {} } = init.rateLimits ?? {}
    this.limitAll = all === undefined ? undefined : new RateLimiter(all)

    for (const [method, rate] of Object.entries(methods)) {
      this.limitMethods.set(method, new RateLimiter(rate))
    }
  }

  async start(): Promise<void> {
    await this.components.registrar.handle(
      this.protocol,
      (stream, connection) => this.accept(stream, connection.remotePeer),
      { maxInboundStreams: this.maxInboundStreams, maxOutboundStreams: 4 }
    )
    this.running = true
  }

  async stop(): Promise<void> {
    this.running = false
    await this.components.registrar.unhandle(this.protocol)

    for (const channel of [...this.outbound.values(), ...this.inbound]) {
      channel.close('stopped')
    }

    this.outbound.clear()
    this.inbound.clear()
  }

  /**
   * Sends a request to a peer and returns the answer's body. A request that
   * finds its reused stream closed under it is sent once more on a new one;
   * every method mycel serves is safe to repeat.
   *
   * @throws RemoteError when the peer answers with an error (its name in `code`)
   * @throws RequestTimeoutError when no answer comes in time
   */
  async request(
    peer: PeerId,
    method: string,
    body: Uint8Array,
    options: AbortOptions & { timeout?: number } = {}
  ): Promise<Uint8Array> {
    if (body.byteLength > this.maxMessageBytes) {
      throw new MessageTooLargeError(
        `a ${method} request of ${body.byteLength} bytes is over the limit of ${this.maxMessageBytes}`
      )
    }

    this.counters.sent++

    try {
      const channel = await this.channel(peer, options)
      const reused = channel.sent > 0

      try {
        return await channel.request(method, body, options.timeout ?? this.timeout)
      } catch (err) {
        if (!reused || !(err instanceof RemoteError) || err.code !== STREAM_CLOSED) {
          throw err
        }

        const fresh = await this.channel(peer, options)

        return await fresh.request(method, body, options.timeout ?? this.timeout)
      }
    } catch (err) {
      this.counters.failed++
      throw err
    }
  }

  stats(): RpcStats {
    return structuredClone(this.counters)
  }

  /** The open stream to a peer, opening one if there is none. */
  private async channel(peer: PeerId, options: AbortOptions): Promise<Channel> {
    const key = peer.toString()
    const existing = this.outbound.get(key)

    if (existing?.open === true) {
      return existing
    }

    const opening = this.opening.get(key)

    if (opening !== undefined) {
      return opening
    }

    const promise = this.open(peer, options).finally(() => this.opening.delete(key))
    this.opening.set(key, promise)

    return promise
  }

  private async open(peer: PeerId, options: AbortOptions): Promise<Channel> {
    const connection = await this.components.connectionManager.openConnection(peer, options)
    const stream = await connection.newStream(this.protocol, options)
    const channel = new Channel({
      stream,
      peer,
      maxMessageBytes: this.maxMessageBytes,
      maxInFlight: this.maxInFlight,
      idleTimeout: this.idleTimeout / 2,
      sendTimeout: this.timeout,
      log: this.components.log,
      onClose: (closed, reason) => {
        this.count(reason)

        if (this.outbound.get(peer.toString()) === closed) {
          this.outbound.delete(peer.toString())
        }
      }
    })

    if (!this.running) {
      channel.close('stopped')
      throw new RemoteError(STREAM_CLOSED, 'the node is stopping')
    }

    this.outbound.set(peer.toString(), channel)

    return channel
  }

  private accept(stream: Stream, peer: PeerId): void {
    const key = peer.toString()
    const open = this.inboundOf.get(key) ?? 0

    // libp2p caps streams per connection; a peer with several connections is capped here
    if (open >= this.maxInboundStreams) {
      this.refuse('TooManyStreams')
      stream.abort(new Error(`more than ${this.maxInboundStreams} ${this.protocol} streams`))
      return
    }

    this.inboundOf.set(key, open + 1)
    const channel = new Channel({
      stream,
      peer,
      maxMessageBytes: this.maxMessageBytes,
      maxInFlight: this.maxInFlight,
      idleTimeout: this.idleTimeout,
      sendTimeout: this.timeout,
      log: this.components.log,
      serve: (method, body, signal) => this.serve(peer, method, body, signal),
      onRefused: (code) => this.refuse(code),
      onClose: (closed, reason) => {
        this.count(reason)
        this.inbound.delete(closed)
        const left = (this.inboundOf.get(key) ?? 1) - 1
        if (left > 0) this.inboundOf.set(key, left)
        else this.inboundOf.delete(key)

        if (reason !== 'closed' && reason !== 'stopped') {
          this.components.log('closed a %s stream from %p: %s', this.protocol, peer, reason)
        }
      }
    })

    this.inbound.add(channel)
  }

  private async serve(
    peer: PeerId,
    method: string,
    body: Uint8Array,
    signal: AbortSignal
  ): Promise<Uint8Array> {
    const handler = Object.hasOwn(this.handlers, method) ? this.handlers[method] : undefined

    if (handler === undefined) {
      this.refuse('UnknownMethod')
      throw new RemoteError('UnknownMethod', `no method ${JSON.stringify(method.slice(0, 40))}`)
    }

    this.checkRate(peer, method)

    try {
      const answer = await handler(body, { peer, signal })
      this.counters.served[method] = (this.counters.served[method] ?? 0) + 1

      return answer
    } catch (err) {
      this.refuse((err as Error).name)
      this.components.log.trace('refused %s from %p - %e', method, peer, err)
      throw err
    }
  }

  /**
   * Spends a token of the peer's budgets, for all methods and for this one.
   *
   * @throws {RateLimitedError} naming the limit, when a budget is spent
   */
  private checkRate(peer: PeerId, method: string): void {
    const key = peer.toString()
    const now = Date.now()
    const methodLimit = this.limitMethods.get(method)
    const over =
      this.limitAll?.take(key, now) === false
        ? `${this.limitAll.rate.perSecond} requests`
        : methodLimit?.take(key, now) === false
          ? `${methodLimit.rate.perSecond} ${method} requests`
          : undefined

    if (over !== undefined) {
      this.refuse('RateLimitedError')
      throw new RateLimitedError(`rate limited: at most ${over} a second from one peer`)
    }
  }

  private refuse(code: string): void {
    this.counters.refused[code] = (this.counters.refused[code] ?? 0) + 1
  }

  private count(reason: CloseReason): void {
    this.counters.closed[reason] = (this.counters.closed[reason] ?? 0) + 1
  }
}
