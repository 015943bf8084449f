/**
 * Wire names: every protocol id, topic and discovery tag carries the mesh
 * name, so two meshes that share a LAN never exchange a message, even before
 * the swarm key turns their connections away.
 *
 * Protocol ids read `/mycel/<mesh>/<part>/<major>.<minor>.<patch>`.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { toString as bytesToString } from 'uint8arrays'
import { InvalidConfigError } from '../errors.js'
import { swarmKeySecret } from './swarm-key.js'

/** A mesh name: lowercase letters, digits and inner hyphens, 1 to 32 characters. */
export const MESH_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/

/** The mesh a node joins when nothing else is said. */
export const DEFAULT_MESH = 'default'

/**
 * Checks a mesh name and returns it.
 *
 * @throws {InvalidConfigError} when the name could not stand in a protocol id or a DNS label
 */
export function assertMeshName(mesh: unknown): string {
  if (typeof mesh !== 'string' || !MESH_NAME_PATTERN.test(mesh)) {
    throw new InvalidConfigError(
      `expected a mesh name of 1-32 lowercase letters, digits or inner hyphens, got ${JSON.stringify(mesh)}`
    )
  }

  return mesh
}

/** The prefix of every protocol id of a mesh: `/mycel/<mesh>`. */
export function meshPrefix(mesh: string): string {
  return `/mycel/${mesh}`
}

/** One protocol id of a mesh, e.g. `protocolId('lab', 'kad')` is `/mycel/lab/kad/1.0.0`. */
export function protocolId(mesh: string, part: string, version = '1.0.0'): string {
  return `${meshPrefix(mesh)}/${part}/${version}`
}

/**
 * The mDNS service tag of a mesh: its name and a fingerprint of its swarm key
 * (the first 8 hex digits of the key's SHA-256, which give the key away no
 * more than its name does), so nodes of other meshes on the LAN, even ones
 * of the same name, are not even seen.
 */
export function mdnsServiceTag(mesh: string, swarmKey: Uint8Array): string {
  const fingerprint = bytesToString(sha256(swarmKeySecret(swarmKey)).subarray(0, 4), 'base16')

  return `_mycel-${mesh}-${fingerprint}._udp.local`
}

/** A gossipsub topic of a mesh, e.g. `topicName('lab', 'adverts', 1)` is `/mycel/lab/adverts/1`. */
export function topicName(mesh: string, part: string, version: number): string {
  return `${meshPrefix(mesh)}/${part}/${version}`
}
