/**
 * Invite tokens: one line that carries everything a machine needs to join a
 * mesh — its name, its swarm key and the addresses of the inviting node.
 *
 * A token is `mycel1` followed by base64url of a JSON body and the first four
 * bytes of the body's SHA-256, so a token cut short or mistyped is caught
 * before anything is written to disk. It holds the swarm key and is a secret.
 *
 * Pure: no I/O.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { toString as bytesToString, fromString } from 'uint8arrays'
import { InvalidInviteError } from '../errors.js'
import { swarmKeyFromSecret, swarmKeySecret } from './swarm-key.js'
import { assertMeshName } from './wire-names.js'

export const INVITE_PREFIX = 'mycel1'
export const INVITE_VERSION = 1
/** Bytes of SHA-256 kept as the checksum. */
const CHECKSUM_LENGTH = 4
/** The largest number of addresses a token carries. */
export const MAX_INVITE_ADDRS = 16

export interface Invite {
  /** The mesh to join. */
  mesh: string
  /** The mesh's swarm key, in the libp2p pnet file format. */
  swarmKey: Uint8Array
  /** Multiaddrs of the inviting node, each ending in `/p2p/<peer id>`. */
  addrs: string[]
}

interface InviteBody {
  v: number
  mesh: string
  key: string
  addrs: string[]
}

/** Encodes an invite as a one-line token. */
export function encodeInvite(invite: Invite): string {
  const body: InviteBody = {
    v: INVITE_VERSION,
    mesh: assertMeshName(invite.mesh),
    key: bytesToString(swarmKeySecret(invite.swarmKey), 'base64url'),
    addrs: invite.addrs.slice(0, MAX_INVITE_ADDRS)
  }
  const json = fromString(JSON.stringify(body))
  const bytes = new Uint8Array(json.length + CHECKSUM_LENGTH)
  bytes.set(json)
  bytes.set(sha256(json).subarray(0, CHECKSUM_LENGTH), json.length)

  return INVITE_PREFIX + bytesToString(bytes, 'base64url')
}

/**
 * Decodes a token made by {@link encodeInvite}.
 *
 * @throws {InvalidInviteError} with a message that says what is wrong with the token
 */
export function decodeInvite(token: string): Invite {
  const text = token.trim()

  if (text === '') {
    throw new InvalidInviteError('the invite token is empty')
  }

  if (!text.startsWith(INVITE_PREFIX)) {
    throw new InvalidInviteError(
      `not a mycel invite token: expected it to start with "${INVITE_PREFIX}"`
    )
  }

  const bytes = decodeBase64url(text.slice(INVITE_PREFIX.length))
  const json = bytes.subarray(0, bytes.length - CHECKSUM_LENGTH)
  const checksum = bytes.subarray(bytes.length - CHECKSUM_LENGTH)

  if (
    bytes.length <= CHECKSUM_LENGTH ||
    !sameBytes(sha256(json).subarray(0, CHECKSUM_LENGTH), checksum)
  ) {
    throw new InvalidInviteError(
      'the invite token is truncated or altered (its checksum does not match); copy the whole line again'
    )
  }

  return readBody(json)
}

function decodeBase64url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) {
    throw new InvalidInviteError('the invite token has characters that base64url does not use')
  }

  try {
    return fromString(text, 'base64url')
  } catch (err) {
    throw new InvalidInviteError('the invite token is truncated or altered: it is not base64url', {
      cause: err
    })
  }
}

function readBody(json: Uint8Array): Invite {
  let body: Partial<InviteBody>

  try {
    body = JSON.parse(bytesToString(json)) as Partial<InviteBody>
  } catch (err) {
    throw new InvalidInviteError('the invite token does not hold a readable invite', { cause: err })
  }

  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidInviteError('the invite token does not hold an invite')
  }

  if (body.v !== INVITE_VERSION) {
    throw new InvalidInviteError(
      `the invite token has version ${String(body.v)}, this mycel reads version ${INVITE_VERSION}`
    )
  }

  if (typeof body.key !== 'string' || !Array.isArray(body.addrs)) {
    throw new InvalidInviteError('the invite token lacks a swarm key or addresses')
  }

  if (!body.addrs.every((addr) => typeof addr === 'string')) {
    throw new InvalidInviteError('the invite token has an address that is not text')
  }

  let mesh: string

  try {
    mesh = assertMeshName(body.mesh)
  } catch (err) {
    throw new InvalidInviteError(`the invite token names no valid mesh: ${String(body.mesh)}`, {
      cause: err
    })
  }

  let swarmKey: Uint8Array

  try {
    swarmKey = swarmKeyFromSecret(fromString(body.key, 'base64url'))
  } catch (err) {
    throw new InvalidInviteError('the invite token holds no valid swarm key', { cause: err })
  }

  return { mesh, swarmKey, addrs: body.addrs }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i])
}
