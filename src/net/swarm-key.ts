/**
 * Swarm keys: the pre-shared key of a private mesh, in the file format that
 * libp2p pnet and IPFS use (`/key/swarm/psk/1.0.0/`, `/base16/`, 64 hex digits).
 */
import { generateKey } from '@libp2p/pnet'
import { toString as bytesToString } from 'uint8arrays'
import { InvalidConfigError } from '../errors.js'

const SWARM_KEY_PATTERN = /^\/key\/swarm\/psk\/1\.0\.0\/\n\/base16\/\n[0-9a-f]{64}\n?$/i
/** Bytes in a swarm key file made by {@link generateSwarmKey}. */
const SWARM_KEY_LENGTH = 95

/** Makes a new random swarm key: a new private mesh. */
export function generateSwarmKey(): Uint8Array {
  const key = new Uint8Array(SWARM_KEY_LENGTH)
  generateKey(key)

  return key
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
