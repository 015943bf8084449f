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

/**
 * Noise, when the peer proves another identity than the `/p2p/` id dialled:
 * the address now belongs to another node of the same mesh.
 */
const IDENTITY_MISMATCH = /identity key|does not match expected|unexpected peer/i

/**
 * Classifies a dial error. libp2p folds every failure during the handshake
 * into one error name; a timeout or reset there is, behind a private
 * network, nearly always another swarm key, so it is reported as one. An
 * identity mismatch is told apart by its message.
 */
export function classifyDialError(err: unknown, peer: PeerId | string): Error {
  const causes = flatten(err)
  const identity = causes.find(
    (cause) => isHandshakeFailure(cause) && IDENTITY_MISMATCH.test((cause as Error).message)
  )

  if (identity !== undefined) {
    return new DialFailedError(
      `could not connect to ${peer.toString()}: another node answers at its address ` +
        `(${(identity as Error).message})`,
      { cause: err }
    )
  }

  if (causes.some((cause) => isHandshakeFailure(cause))) {
    return new SwarmKeyMismatchError(
      `could not join ${peer.toString()}: the connection opened but the handshake failed; ` +
        'the peer most likely uses a different swarm key (it is not in this mesh)',
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
