/**
 * Liveness probes, after SWIM: a suspect peer is pinged directly, and if that
 * fails, other peers are asked to ping it (`/mycel/<mesh>/probe/1.0.0`), so
 * one bad link does not throw a live peer out of the view.
 *
 * A node answers probes only from peers in its view, about peers in its view
 * that it can reach without a DHT lookup, and only a few at a time, so a
 * member cannot make it do unbounded work.
 */
import type { AbortOptions, Connection, Logger, PeerId, Stream } from '@libp2p/interface'
import type { ConnectionManager, Registrar } from '@libp2p/interface-internal'
import { peerIdFromMultihash } from '@libp2p/peer-id'
import type { Ping } from '@libp2p/ping'
import { pbStream } from '@libp2p/utils'
import * as Digest from 'multiformats/hashes/digest'
import { ProbeRequest, ProbeResponse } from './pb/probe.js'
import type { MeshView } from './view.js'

/** Longest probe message: a peer id multihash, a short reason and framing. */
const MAX_PROBE_BYTES = 256
/** Probes a node answers at once, from all peers together. */
export const MAX_PROBES_IN_FLIGHT = 8

/** Whether a direct ping answers before the signal aborts. */
export async function pingDirect(
  components: { ping: Ping },
  peer: PeerId,
  options: AbortOptions
): Promise<boolean> {
  try {
    await components.ping.ping(peer, options)
    return true
  } catch {
    return false
  }
}

/** Asks `via` to ping `target`; false when either is unreachable or `via` refuses. */
export async function pingThrough(
  connectionManager: Pick<ConnectionManager, 'openConnection'>,
  protocol: string,
  via: PeerId,
  target: PeerId,
  options: AbortOptions
): Promise<boolean> {
  let stream: Stream | undefined

  try {
    const connection = await connectionManager.openConnection(via, options)
    stream = await connection.newStream(protocol, options)
    const pb = pbStream(stream, { maxDataLength: MAX_PROBE_BYTES })
    await pb.write({ peer: target.toMultihash().bytes }, ProbeRequest, options)
    const response = await pb.read(ProbeResponse, options)
    await stream.close(options)

    return response.alive
  } catch {
    stream?.abort(new Error('probe failed'))
    return false
  }
}

export interface ProbeServerInit {
  protocol: string
  view: MeshView
  ping: Ping
  connectionManager: Pick<ConnectionManager, 'getConnections'>
  /** Whether a peer can be dialled without a DHT lookup (its addresses are known). */
  addressKnown(peer: PeerId): Promise<boolean>
  /** How long the ping of one probe may take, in ms. */
  timeout: number
  log: Logger
}

/** Answers other peers' probes. */
/** What the probe protocol answered, for the metrics. */
export interface ProbeStats {
  /** Probes made for a peer that asked. */
  served: number
  /** Probes refused, by reason; `malformed` for a request that could not be read. */
  refused: Record<string, number>
}

export class ProbeServer {
  readonly protocol: string
  private readonly init: ProbeServerInit
  private inFlight = 0
  private readonly counts: ProbeStats = { served: 0, refused: {} }

  constructor(init: ProbeServerInit) {
    this.init = init
    this.protocol = init.protocol
  }

  async start(registrar: Registrar): Promise<void> {
    await registrar.handle(this.protocol, (stream, connection) => this.answer(stream, connection), {
      maxInboundStreams: 2,
      maxOutboundStreams: 8
    })
  }

  async stop(registrar: Registrar): Promise<void> {
    await registrar.unhandle(this.protocol)
  }

  stats(): ProbeStats {
    return { served: this.counts.served, refused: { ...this.counts.refused } }
  }

  /** Reads one request, pings if it may, writes the answer. Never throws. */
  private async answer(stream: Stream, connection: Connection): Promise<void> {
    const signal = AbortSignal.timeout(this.init.timeout * 2)

    try {
      const pb = pbStream(stream, { maxDataLength: MAX_PROBE_BYTES })
      const request = await pb.read(ProbeRequest, { signal })
      const target = peerIdFromMultihash(Digest.decode(request.peer))
      const refused = await this.refusal(connection.remotePeer, target)
      const alive = refused === undefined ? await this.ping(target) : false

      if (refused === undefined) this.counts.served++
      else this.refuse(refused)

      this.init.log.trace('probe of %p for %p: %s', target, connection.remotePeer, refused ?? alive)
      await pb.write({ alive, refused: refused ?? '' }, ProbeResponse, { signal })
      await stream.close({ signal })
    } catch (err) {
      this.refuse('malformed')
      this.init.log.trace('bad probe request from %p - %e', connection.remotePeer, err)
      stream.abort(err as Error)
    }
  }

  private refuse(reason: string): void {
    this.counts.refused[reason] = (this.counts.refused[reason] ?? 0) + 1
  }

  /** Why a probe may not be made, or undefined when it may. */
  private async refusal(asker: PeerId, target: PeerId): Promise<string | undefined> {
    if (!this.init.view.has(asker.toString())) {
      return 'asker not in the view'
    }

    if (!this.init.view.has(target.toString())) {
      return 'target not in the view'
    }

    if (this.inFlight >= MAX_PROBES_IN_FLIGHT) {
      return 'busy'
    }

    const connected = this.init.connectionManager.getConnections(target).length > 0

    if (!connected && !(await this.init.addressKnown(target))) {
      return 'no address known for the target'
    }

    return undefined
  }

  private async ping(target: PeerId): Promise<boolean> {
    this.inFlight++

    try {
      return await pingDirect(this.init, target, { signal: AbortSignal.timeout(this.init.timeout) })
    } finally {
      this.inFlight--
    }
  }
}
