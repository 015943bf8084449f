/**
 * Liveness probes, after SWIM: a suspect peer is pinged directly, and if that
 * fails, one other peer is asked to ping it (`/mycel/<mesh>/probe/1.0.0`),
 * so one bad link does not throw a live peer out of the view.
 */
import type { AbortOptions, Connection, Logger, PeerId, Stream } from '@libp2p/interface'
import { peerIdFromMultihash } from '@libp2p/peer-id'
import type { Ping } from '@libp2p/ping'
import { pbStream } from '@libp2p/utils'
import * as Digest from 'multiformats/hashes/digest'
import { ProbeRequest, ProbeResponse } from './pb/probe.js'

/** Longest probe message: a peer id multihash and framing. */
const MAX_PROBE_BYTES = 256

export interface ProbeComponents {
  ping: Ping
  openStream(peer: PeerId, protocol: string, options: AbortOptions): Promise<Stream>
}

/** Whether a direct ping answers within the signal's time. */
export async function pingDirect(
  components: Pick<ProbeComponents, 'ping'>,
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

/** Asks `via` to ping `target`; false when either is unreachable. */
export async function pingThrough(
  components: ProbeComponents,
  protocol: string,
  via: PeerId,
  target: PeerId,
  options: AbortOptions
): Promise<boolean> {
  let stream: Stream | undefined

  try {
    stream = await components.openStream(via, protocol, options)
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

/**
 * Answers a probe request: pings the peer asked about and says whether it
 * answered. Anything malformed closes the stream; nothing is thrown.
 */
export async function answerProbe(
  components: Pick<ProbeComponents, 'ping'>,
  stream: Stream,
  connection: Connection,
  timeout: number,
  log: Logger
): Promise<void> {
  const signal = AbortSignal.timeout(timeout)

  try {
    const pb = pbStream(stream, { maxDataLength: MAX_PROBE_BYTES })
    const request = await pb.read(ProbeRequest, { signal })
    const target = peerIdFromMultihash(Digest.decode(request.peer))
    const alive = await pingDirect(components, target, { signal })
    log.trace('probe of %p for %p: %s', target, connection.remotePeer, alive ? 'alive' : 'gone')
    await pb.write({ alive }, ProbeResponse, { signal })
    await stream.close({ signal })
  } catch (err) {
    log('bad probe request from %p - %e', connection.remotePeer, err)
    stream.abort(err as Error)
  }
}
