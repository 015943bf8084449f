/**
 * The virtual network the simulated nodes talk over: every request and its
 * answer is a message that arrives after the link's latency (with jitter)
 * plus its bytes over the link's bandwidth. Streams run over TCP, so a lost
 * packet delays a message by a retransmission timeout (200 ms, doubling
 * while losses repeat) rather than losing it. A message to a node that is
 * down goes unanswered, and the asker waits out its timeout, as with a dead
 * peer on a real mesh. Messages are counted by method.
 */
import type { PeerId } from '@libp2p/interface'
import type { Handler } from '../../src/rpc/index.js'
import type { VirtualClock } from './clock.js'
import type { Random } from './random.js'

/** The request timeout where the caller sets none: the task protocol's default. */
const DEFAULT_TIMEOUT = 10_000 // ms
/** Linux's least TCP retransmission timeout. */
const MIN_RTO = 200 // ms

export interface NetworkInit {
  /** Each node's one-way access latency is drawn from [min, max] ms; a link adds both ends. */
  latency: { min: number; max: number }
  /** Each message's latency varies by up to this fraction either way. */
  jitter: number
  /** Chance that a packet is lost, which costs its message a retransmission. */
  loss: number
  /** Bytes a millisecond a link carries. */
  bandwidth: number
}

interface Endpoint {
  peerId: PeerId
  access: number
  handlers: Record<string, Handler>
  up: boolean
}

export class NetworkError extends Error {
  override name = 'NetworkError'
}

export class VirtualNetwork {
  readonly init: NetworkInit
  private readonly clock: VirtualClock
  private readonly random: Random
  private readonly endpoints = new Map<string, Endpoint>()
  /** Messages sent, requests and answers, by method. */
  readonly messages = new Map<string, number>()
  /** Messages delayed by a lost packet. */
  retransmitted = 0
  /** When the last message sent on each link (one way) arrives. */
  private readonly arrivals = new Map<string, number>()

  constructor(clock: VirtualClock, random: Random, init: NetworkInit) {
    this.clock = clock
    this.random = random
    this.init = init
  }

  /** Puts a node on the network, serving `handlers`. */
  attach(peerId: PeerId, handlers: Record<string, Handler>): void {
    const { min, max } = this.init.latency
    this.endpoints.set(peerId.toString(), {
      peerId,
      access: min + this.random() * (max - min),
      handlers,
      up: true
    })
  }

  /** Takes a node off the network at once, as a crash would: what is sent to it goes unanswered. */
  down(peer: string): void {
    const endpoint = this.endpoints.get(peer)
    if (endpoint !== undefined) endpoint.up = false
  }

  isUp(peer: string): boolean {
    return this.endpoints.get(peer)?.up === true
  }

  /** How long `bytes` take from one node to another, this time. */
  delay(from: string, to: string, bytes: number): number {
    const a = this.endpoints.get(from)?.access ?? 0
    const b = this.endpoints.get(to)?.access ?? 0
    const { jitter, bandwidth } = this.init
    const wobble = 1 + jitter * (2 * this.random() - 1)

    return (a + b) * wobble + bytes / bandwidth
  }

  /** Sends a request from one node to another and resolves with the answer. */
  request(
    from: string,
    to: PeerId,
    method: string,
    body: Uint8Array,
    timeout = DEFAULT_TIMEOUT
  ): Promise<Uint8Array> {
    const target = to.toString()
    const sender = this.endpoints.get(from)
    const receiver = this.endpoints.get(target)

    // a node that is down sends nothing
    if (sender === undefined || !sender.up) {
      return Promise.reject(new NetworkError(`${from} is down`))
    }

    // a node's requests to itself do not cross the network
    if (target === from) {
      return sender.handlers[method]?.(body, this.context(sender.peerId)) ?? refuse(method)
    }

    this.count(method)

    return new Promise((resolve, reject) => {
      let settled = false
      const timer = this.clock.setTimeout(() => {
        settled = true
        reject(new NetworkError(`${method} to ${target} timed out after ${timeout} ms`))
      }, timeout)
      const answer = (deliver: () => void): void => {
        if (settled) return
        settled = true
        this.clock.clearTimeout(timer)
        deliver()
      }

      this.deliver(from, target, body.byteLength, () => {
        if (receiver === undefined || !receiver.up) return
        const handler = receiver.handlers[method] ?? (() => refuse(method))

        handler(body, this.context(sender.peerId)).then(
          (reply) => {
            this.count(`${method} answer`)
            this.deliver(target, from, reply.byteLength, () => answer(() => resolve(reply)))
          },
          (err: Error) => {
            this.count(`${method} answer`)
            this.deliver(target, from, 64, () => answer(() => reject(err)))
          }
        )
      })
    })
  }

  /**
   * Runs `arrive` once a message of `bytes` has crossed. Messages from one
   * node to another arrive in the order sent, as on one stream: none
   * overtakes another, and one held up by a retransmission holds up those
   * behind it.
   */
  private deliver(from: string, to: string, bytes: number, arrive: () => void): void {
    let resend = 0

    for (let rto = MIN_RTO; this.random() < this.init.loss; rto *= 2) {
      resend += rto
    }

    if (resend > 0) this.retransmitted++

    const link = `${from} ${to}`
    const at = Math.max(
      this.clock.now() + this.delay(from, to, bytes) + resend,
      this.arrivals.get(link) ?? 0
    )
    this.arrivals.set(link, at)
    this.clock.setTimeout(arrive, at - this.clock.now())
  }

  private context(peer: PeerId): { peer: PeerId; signal: AbortSignal } {
    return { peer, signal: NEVER }
  }

  private count(kind: string): void {
    this.messages.set(kind, (this.messages.get(kind) ?? 0) + 1)
  }
}

const NEVER = new AbortController().signal

function refuse(method: string): Promise<never> {
  return Promise.reject(new NetworkError(`no handler for ${method}`))
}
