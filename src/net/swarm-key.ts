/**
 * Swarm keys: the pre-shared key of a private mesh, in the file format that
 * libp2p pnet and IPFS use (`/key/swarm/psk/1.0.0/`, `/base16/`, 64 hex digits).
 */
import { toString as bytesToString, fromString } from 'uint8arrays'
import { InvalidConfigError } from '../errors.js'

const SWARM_KEY_HEADER = '/key/swarm/psk/1.0.0/\n/base16/\n'
const SWARM_KEY_PATTERN = /^\/key\/swarm\/psk\/1\.0\.0\/\n\/base16\/\n([0-9a-f]{64})\n?$/i
/** Bytes of key material in a swarm key. */
export const SWARM_KEY_BYTES = 32

/** Makes a new random swarm key: a new private mesh. */
export function generateSwarmKey(): Uint8Array {
  return swarmKeyFromSecret(crypto.getRandomValues(new Uint8Array(SWARM_KEY_BYTES)))
}

/**
 * Checks that bytes hold a swarm key and returns them.
 *
 * @throws {InvalidConfigError} when they do not
 */
export function assertSwarmKey(key: Uint8Array, source = 'swarm key'): Uint8Array {
  if (!SWARM_KEY_PATTERN.test(bytesToString(key))) {
    throw new InvalidConfigError(
      `expected ${source} to hold "/key/swarm/psk/1.0.0/", "/base16/" and 64 hex digits`
    )
  }

  return key
}

/** The 32 bytes of key material in a swarm key. */
export function swarmKeySecret(key: Uint8Array): Uint8Array {
  const hex = SWARM_KEY_PATTERN.exec(bytesToString(assertSwarmKey(key)))?.[1] as string

  return fromString(hex.toLowerCase(), 'base16')
}

/** A swarm key file made from 32 bytes of key material. */
export function swarmKeyFromSecret(secret: Uint8Array): Uint8Array {
  if (secret.length !== SWARM_KEY_BYTES) {
    throw new InvalidConfigError(
      `expected ${SWARM_KEY_BYTES} bytes of swarm key, got ${secret.length}`
    )
  }

  return fromString(SWARM_KEY_HEADER + bytesToString(secret, 'base16'))
}
