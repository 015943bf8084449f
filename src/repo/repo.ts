/**
 * The data directory of a node (`~/.mycel` unless told otherwise), after the
 * IPFS repo: everything a node must keep across restarts.
 *
 * ```
 * config.json   the node's config (see RepoConfig)
 * node.key      its Ed25519 private key, mode 0600: the peer id
 * swarm.key     the mesh's pre-shared key, mode 0600
 * datastore/    the peer store and DHT records, on disk
 * ```
 */
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { FsDatastore } from 'datastore-fs'
import { AlreadyInitializedError, DataDirError, InvalidConfigError } from '../errors.js'
import { assertSwarmKey, generateSwarmKey } from '../net/swarm-key.js'
import { DEFAULT_CONFIG, parseConfig, type RepoConfig } from './config.js'
import { ensureDir, fileError, keepSecret, readOptional, writeAtomic } from './files.js'

/** Files and folders in the data directory. */
export const CONFIG_FILE = 'config.json'
export const KEY_FILE = 'node.key'
export const SWARM_KEY_FILE = 'swarm.key'
export const DATASTORE_DIR = 'datastore'

/**
 * The data directory to use: the one given, else `$MYCEL_DATA_DIR`, else
 * `~/.mycel`.
 */
export function resolveDataDir(dir?: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(dir ?? env.MYCEL_DATA_DIR ?? join(homedir(), '.mycel'))
}

export interface RepoInit {
  /** Config values to write; the rest come from DEFAULT_CONFIG. */
  config?: Partial<RepoConfig>
  /** The mesh's swarm key; a new mesh gets a new random one. */
  swarmKey?: Uint8Array
}

/** An opened data directory: the node's key, the swarm key, the config and the datastore. */
export class Repo {
  readonly dir: string
  readonly privateKey: PrivateKey
  readonly swarmKey: Uint8Array
  private current: RepoConfig

  private constructor(
    dir: string,
    config: RepoConfig,
    privateKey: PrivateKey,
    swarmKey: Uint8Array
  ) {
    this.dir = dir
    this.current = config
    this.privateKey = privateKey
    this.swarmKey = swarmKey
  }

  /** The config as last read or saved. */
  get config(): RepoConfig {
    return this.current
  }

  /** A path inside the data directory. */
  path(name: string): string {
    return join(this.dir, name)
  }

  /** Whether a data directory holds an initialised node. */
  static async exists(dir: string): Promise<boolean> {
    return (await readOptional(join(dir, CONFIG_FILE))) !== undefined
  }

  /**
   * Sets up a new data directory: config, node key and swarm key.
   *
   * @throws {AlreadyInitializedError} when the directory already holds a node
   * @throws {DataDirError} when it cannot be written
   */
  static async init(dir: string, init: RepoInit = {}): Promise<Repo> {
    await ensureDir(dir)

    if (await Repo.exists(dir)) {
      throw new AlreadyInitializedError(
        `${dir} already holds a mycel node; remove it or pick another --data-dir`
      )
    }

    const config = parseConfig({ ...DEFAULT_CONFIG, ...init.config })
    const swarmKey = assertSwarmKey(init.swarmKey ?? generateSwarmKey())
    const privateKey = await generateKeyPair('Ed25519')

    await writeAtomic(join(dir, KEY_FILE), privateKeyToProtobuf(privateKey))
    await writeAtomic(join(dir, SWARM_KEY_FILE), swarmKey)
    // the config goes last: its presence marks a complete data directory
    await writeAtomic(join(dir, CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`)

    return new Repo(dir, config, privateKey, swarmKey)
  }

  /**
   * Opens an initialised data directory.
   *
   * @throws {DataDirError} when it is missing, unreadable or damaged
   */
  static async open(dir: string): Promise<Repo> {
    const configBytes = await readOptional(join(dir, CONFIG_FILE))

    if (configBytes === undefined) {
      throw new DataDirError(`${dir} holds no mycel node; run \`mycel init\` first`)
    }

    const config = readConfig(join(dir, CONFIG_FILE), configBytes)
    await keepSecret(join(dir, KEY_FILE))
    await keepSecret(join(dir, SWARM_KEY_FILE))
    const privateKey = readPrivateKey(join(dir, KEY_FILE), await readRequired(join(dir, KEY_FILE)))
    const swarmKeyPath = join(dir, SWARM_KEY_FILE)
    const swarmKey = readSwarmKey(swarmKeyPath, await readRequired(swarmKeyPath))

    return new Repo(dir, config, privateKey, swarmKey)
  }

  /** Opens the data directory, setting it up first when it is empty. */
  static async openOrInit(dir: string, init: RepoInit = {}): Promise<Repo> {
    return (await Repo.exists(dir)) ? Repo.open(dir) : Repo.init(dir, init)
  }

  /** Writes a changed config. */
  async saveConfig(config: RepoConfig): Promise<void> {
    const checked = parseConfig(config)
    await writeAtomic(this.path(CONFIG_FILE), `${JSON.stringify(checked, null, 2)}\n`)
    this.current = checked
  }

  /** Opens the on-disk datastore for the peer store and the DHT. */
  async openDatastore(): Promise<FsDatastore> {
    const path = this.path(DATASTORE_DIR)
    await ensureDir(path)
    const datastore = new FsDatastore(path)

    try {
      await datastore.open()
    } catch (err) {
      throw fileError('open the datastore in', path, err)
    }

    return datastore
  }
}

async function readRequired(path: string): Promise<Uint8Array> {
  const bytes = await readOptional(path)

  if (bytes === undefined) {
    throw new DataDirError(`the data directory is damaged: ${path} is missing`)
  }

  return bytes
}

function readConfig(path: string, bytes: Uint8Array): RepoConfig {
  try {
    return parseConfig(JSON.parse(new TextDecoder().decode(bytes)))
  } catch (err) {
    const reason = err instanceof InvalidConfigError ? err.message : 'it is not valid JSON'

    throw new DataDirError(`cannot use ${path}: ${reason}`, { cause: err })
  }
}

function readPrivateKey(path: string, bytes: Uint8Array): PrivateKey {
  try {
    return privateKeyFromProtobuf(bytes)
  } catch (err) {
    throw new DataDirError(`cannot use ${path}: it does not hold a private key`, { cause: err })
  }
}

function readSwarmKey(path: string, bytes: Uint8Array): Uint8Array {
  try {
    return assertSwarmKey(bytes, path)
  } catch (err) {
    throw new DataDirError(`cannot use ${path}: it does not hold a swarm key`, { cause: err })
  }
}
