/**
 * Turns libp2p's dial errors into mycel's: a failed private-network handshake
 * (the peer answered, but with another swarm key) becomes a
 * {@link SwarmKeyMismatchError}; everything else a {@link DialFailedError}
 * that names the peer and the first cause.
 */
import type { PeerId } from '@libp2p/interface'
import { DialFailedError, SwarmKeyMismatchError } from '../errors.js'

/**
 * libp2p names the error of a failed encryption handshake so. Behind a
 * private network it is what a peer with another swarm key produces: the
 * pnet layer cannot tell a wrong key from noise, so Noise reads garbage and
 * gives up (at once, or when the address dial times out after about 6 s).
 */
const HANDSHAKE_FAILURE = 'EncryptionFailedError'

/** Classifies a dial error. */
export function classifyDialError(err: unknown, peer: PeerId | string): Error {
  const causes = flatten(err)

  if (causes.some((cause) => isHandshakeFailure(cause))) {
    return new SwarmKeyMismatchError(
      `could not join ${peer.toString()}: the connection opened but the handshake failed, ` +
        'so the peer is not in this mesh or uses a different swarm key',
      { cause: err }
    )
  }

  const first = causes[0]
  const reason = first instanceof Error ? first.message : String(err)

  return new DialFailedError(`could not connect to ${peer.toString()}: ${reason}`, { cause: err })
}

function isHandshakeFailure(cause: unknown): boolean {
  return cause instanceof Error && cause.name === HANDSHAKE_FAILURE
}

/** The error and its causes and aggregated errors, depth first. */
function flatten(err: unknown, seen = new Set<unknown>()): unknown[] {
  if (err == null || seen.has(err)) {
    return []
  }

  seen.add(err)
  const nested =
    err instanceof AggregateError ? err.errors.flatMap((inner) => flatten(inner, seen)) : []
  const cause = err instanceof Error ? flatten(err.cause, seen) : []

  return [err, ...nested, ...cause]
}
