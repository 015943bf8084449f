/**
 * The node's config file (`config.json` in the data directory): what the
 * daemon listens on, whom it bootstraps from and how it behaves. Pure:
 * validation only, no I/O.
 */
import { multiaddr } from '@multiformats/multiaddr'
import {
  isText,
  LABEL_KEY_PATTERN,
  MAX_LABEL_KEY,
  MAX_LABEL_VALUE,
  MAX_LABELS
} from '../adverts/validate.js'
import { InvalidConfigError } from '../errors.js'
import { DEFAULT_TARGET_CONNECTIONS } from '../net/keeper.js'
import { assertMeshName, DEFAULT_MESH } from '../net/wire-names.js'
import { assertReplicas, DEFAULT_REPLICAS, parseBytes } from '../store/init.js'
import { assertPeerIds, checkLimits, type Limits } from './limits.js'

export interface RepoConfig {
  /** The mesh this node belongs to. */
  mesh: string
  /** Multiaddrs the node listens on. */
  listen: string[]
  /** Multiaddrs (ending in `/p2p/<peer id>`) of peers to join the mesh through. */
  bootstrap: string[]
  /** `host:port` of the local HTTP API; port 0 takes a free one, written to `api.json`. */
  apiListen: string
  /** Peers the connection keeper holds connections to. */
  targetConnections: number
  /** Find peers of the same mesh on the LAN with mDNS. */
  mdns: boolean
  /** Free-form `key=value` labels the node advertises. */
  labels: Record<string, string>
  /** Bytes the node offers the mesh's block store, such as `'10GiB'`; 0 stores nothing. */
  storeQuota: string | number
  /** Copies the mesh keeps of each block; every node of a mesh should agree. */
  replicas: number
  /** Execution slots the node offers tasks; 0 runs none, null means one per core. */
  slots: number | null
  /**
   * Handler modules whose exported functions the node runs as task kinds, on worker
   * threads; a relative path is taken from the data directory.
   */
  tasks: string[]
  /** Rates per peer and the memory of task handlers (see `limits.ts`); those left out keep their default. */
  limits: Partial<Limits>
  /** Peer ids that may be members; anyone else with the swarm key is disconnected. Empty: everyone. */
  allowPeers: string[]
  /** Peer ids whose tasks this node runs; a call for proposals from anyone else is refused. Empty: every member. */
  allowSubmit: string[]
}

/** TCP port of a daemon's libp2p listener; WebSockets listen on the next one. */
export const DEFAULT_PORT = 4300

/** What `mycel init` writes. */
export const DEFAULT_CONFIG = {
  mesh: DEFAULT_MESH,
  listen: [`/ip4/0.0.0.0/tcp/${DEFAULT_PORT}`, `/ip4/0.0.0.0/tcp/${DEFAULT_PORT + 1}/ws`],
  bootstrap: [],
  apiListen: '127.0.0.1:0',
  targetConnections: DEFAULT_TARGET_CONNECTIONS,
  mdns: true,
  labels: {},
  storeQuota: '10GiB' as string | number,
  replicas: DEFAULT_REPLICAS,
  slots: null as number | null,
  tasks: [] as string[],
  limits: {} as Partial<Limits>,
  allowPeers: [] as string[],
  allowSubmit: [] as string[]
} satisfies RepoConfig

/**
 * Checks a parsed config file and fills in what it leaves out.
 *
 * @throws {InvalidConfigError} naming the first field that is wrong
 */
export function parseConfig(value: unknown): RepoConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidConfigError('expected the config to be a JSON object')
  }

  const raw = value as Record<string, unknown>

  return {
    mesh: assertMeshName(raw.mesh ?? DEFAULT_CONFIG.mesh),
    listen: assertMultiaddrs('listen', raw.listen ?? DEFAULT_CONFIG.listen),
    bootstrap: assertBootstrap(raw.bootstrap ?? DEFAULT_CONFIG.bootstrap),
    apiListen: assertHostPort('apiListen', raw.apiListen ?? DEFAULT_CONFIG.apiListen),
    targetConnections: assertCount(
      'targetConnections',
      raw.targetConnections ?? DEFAULT_CONFIG.targetConnections
    ),
    mdns: assertBoolean('mdns', raw.mdns ?? DEFAULT_CONFIG.mdns),
    labels: assertLabels(raw.labels ?? DEFAULT_CONFIG.labels),
    storeQuota: assertSize('storeQuota', raw.storeQuota ?? DEFAULT_CONFIG.storeQuota),
    replicas: assertReplicas(raw.replicas ?? DEFAULT_CONFIG.replicas),
    slots: raw.slots === undefined || raw.slots === null ? null : assertCount('slots', raw.slots),
    tasks: assertPaths('tasks', raw.tasks ?? DEFAULT_CONFIG.tasks),
    limits: checkLimits(raw.limits),
    allowPeers: assertPeerIds('allowPeers', raw.allowPeers ?? []),
    allowSubmit: assertPeerIds('allowSubmit', raw.allowSubmit ?? [])
  }
}

/** Checks a list of file paths. */
function assertPaths(field: string, value: unknown): string[] {
  if (!Array.isArray(value) || value.some((path) => typeof path !== 'string' || path === '')) {
    throw new InvalidConfigError(
      `expected ${field} to be a list of file paths, got ${JSON.stringify(value)?.slice(0, 60)}`
    )
  }

  return [...value]
}

/** A size as given (bytes, or text such as `'10GiB'`), once checked. */
function assertSize(field: string, value: unknown): string | number {
  parseBytes(field, value)

  return value as string | number
}

/** Checks a list of multiaddrs. */
export function assertMultiaddrs(field: string, value: unknown): string[] {
  if (!Array.isArray(value)) {
    throw new InvalidConfigError(`expected ${field} to be a list of multiaddrs`)
  }

  for (const addr of value) {
    try {
      multiaddr(String(addr))
    } catch (err) {
      throw new InvalidConfigError(`expected ${field} to hold multiaddrs, got "${addr}"`, {
        cause: err
      })
    }
  }

  return value.map(String)
}

/** Checks bootstrap addresses: multiaddrs that name the peer they reach. */
export function assertBootstrap(value: unknown): string[] {
  const addrs = assertMultiaddrs('bootstrap', value)

  for (const addr of addrs) {
    if (multiaddr(addr).getComponents().at(-1)?.name !== 'p2p') {
      throw new InvalidConfigError(
        `expected a bootstrap address to end in /p2p/<peer id>, got "${addr}"`
      )
    }
  }

  return addrs
}

/** Checks a `host:port` pair. */
export function assertHostPort(field: string, value: unknown): string {
  const match = typeof value === 'string' ? /^(.+):(\d{1,5})$/.exec(value) : null

  if (match === null || Number(match[2]) > 65_535) {
    throw new InvalidConfigError(`expected ${field} to be host:port, got ${JSON.stringify(value)}`)
  }

  return value as string
}

/** Checks a whole number of 0 or more. */
export function assertCount(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new InvalidConfigError(
      `expected ${field} to be an integer >= 0, got ${JSON.stringify(value)}`
    )
  }

  return value
}

function assertBoolean(field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new InvalidConfigError(
      `expected ${field} to be true or false, got ${JSON.stringify(value)}`
    )
  }

  return value
}

/** Checks labels: a flat object of short strings. */
export function assertLabels(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidConfigError('expected labels to be an object of key: value strings')
  }

  const entries = Object.entries(value)

  if (entries.length > MAX_LABELS) {
    throw new InvalidConfigError(`expected at most ${MAX_LABELS} labels, got ${entries.length}`)
  }

  for (const [key, label] of entries) {
    if (!LABEL_KEY_PATTERN.test(key)) {
      throw new InvalidConfigError(
        `expected a label key of letters, digits and ._/- (at most ${MAX_LABEL_KEY}), got ${JSON.stringify(key)}`
      )
    }

    if (typeof label !== 'string' || !isText(label, MAX_LABEL_VALUE)) {
      throw new InvalidConfigError(
        `expected label ${key} to be printable text of at most ${MAX_LABEL_VALUE} characters`
      )
    }
  }

  return { ...(value as Record<string, string>) }
}

/** Parses `key=value` into a label pair. */
export function parseLabel(text: string): [string, string] {
  const at = text.indexOf('=')

  if (at <= 0) {
    throw new InvalidConfigError(`expected a label as key=value, got "${text}"`)
  }

  const key = text.slice(0, at)
  const value = text.slice(at + 1)
  assertLabels({ [key]: value })

  return [key, value]
}
