/**
 * The block store's options, their defaults and their checks. Pure.
 */
import { assertInteger } from '../checks.js'
import { InvalidConfigError } from '../errors.js'
import { DEFAULT_CHUNK_SIZE, MAX_CHUNK_SIZE } from './chunker.js'

/** Bytes a node offers the mesh unless told otherwise (Kubo's `StorageMax` default). */
export const DEFAULT_QUOTA = 10 * 1024 ** 3
/** Bytes a node without a data directory keeps in memory. */
export const DEFAULT_MEMORY_QUOTA = 256 * 1024 ** 2
/** Copies the mesh keeps of each block. */
export const DEFAULT_REPLICAS = 3
/** Most copies a put may ask for. */
export const MAX_REPLICAS = 16
/** Copies that must be written before a put of a block returns. */
export const DEFAULT_WRITE_QUORUM = 2
/** Bytes of blocks fetched from others kept in memory for repeated reads. */
export const DEFAULT_CACHE_BYTES = 64 * 1024 ** 2
/** How often every block held is checked against its owners, besides on view changes. */
export const DEFAULT_REPAIR_INTERVAL = 60_000 // ms
/** Bytes a second repair may push, so it never crowds out task traffic. */
export const DEFAULT_REPAIR_RATE = 32 * 1024 ** 2
/** How long membership must hold still before a node drops copies it no longer owns. */
export const DEFAULT_SETTLE_TIME = 2_000 // ms
/** How long a block-transfer stream may stay unused before it is closed. */
export const DEFAULT_STREAM_IDLE_TIMEOUT = 30_000 // ms

export interface StoreInit {
  /**
   * Bytes this node offers the mesh: a number, or text such as `'10GiB'`.
   * It weighs the node on the ring. 0 stores nothing: the node still puts
   * and gets, through the others.
   *
   * @default '10GiB' with a data directory, '256MiB' (in memory) without
   */
  quota?: number | string

  /**
   * Copies the mesh keeps of each block unless a put asks for another number.
   * Every node of a mesh should use the same figure.
   *
   * @default 3
   */
  replicas?: number

  /**
   * Copies written before `put` moves on; the rest follow in the background.
   *
   * @default 2
   */
  writeQuorum?: number

  /**
   * Bytes per chunk of a large object.
   *
   * @default 1048576
   */
  chunkSize?: number

  /**
   * Bytes of blocks fetched from others kept in memory.
   *
   * @default 67108864
   */
  cacheBytes?: number

  /**
   * How often every block held is checked against its owners, in ms.
   *
   * @default 60000
   */
  repairInterval?: number

  /**
   * Bytes a second repair may push.
   *
   * @default 33554432
   */
  repairRate?: number

  /**
   * How long membership must hold still before copies a node no longer owns are dropped, in ms.
   *
   * @default 2000
   */
  settleTime?: number

  /**
   * How long a block-transfer stream may go without a message before it is
   * closed, in ms; a peer that opens streams and never writes holds them no longer.
   *
   * @default 30000
   */
  streamIdleTimeout?: number
}

/** Options with every choice made. */
export type ResolvedStoreInit = Required<Omit<StoreInit, 'quota'>> & { quota: number }

/**
 * Fills in defaults and checks every option.
 *
 * @throws {InvalidConfigError} naming the first option that is wrong
 */
export function resolveStoreInit(init: StoreInit, onDisk: boolean): ResolvedStoreInit {
  const resolved = {
    quota: parseBytes('quota', init.quota ?? (onDisk ? DEFAULT_QUOTA : DEFAULT_MEMORY_QUOTA)),
    replicas: init.replicas ?? DEFAULT_REPLICAS,
    writeQuorum: init.writeQuorum ?? DEFAULT_WRITE_QUORUM,
    chunkSize: init.chunkSize ?? DEFAULT_CHUNK_SIZE,
    cacheBytes: init.cacheBytes ?? DEFAULT_CACHE_BYTES,
    repairInterval: init.repairInterval ?? DEFAULT_REPAIR_INTERVAL,
    repairRate: init.repairRate ?? DEFAULT_REPAIR_RATE,
    settleTime: init.settleTime ?? DEFAULT_SETTLE_TIME,
    streamIdleTimeout: init.streamIdleTimeout ?? DEFAULT_STREAM_IDLE_TIMEOUT
  } satisfies ResolvedStoreInit

  assertInteger('replicas', resolved.replicas, 1, MAX_REPLICAS)
  assertInteger('writeQuorum', resolved.writeQuorum, 1, MAX_REPLICAS)
  assertInteger('chunkSize', resolved.chunkSize, 1, MAX_CHUNK_SIZE)
  assertInteger('cacheBytes', resolved.cacheBytes, 0, Number.MAX_SAFE_INTEGER)
  assertInteger('repairInterval', resolved.repairInterval, 100, 86_400_000)
  assertInteger('repairRate', resolved.repairRate, 1024, Number.MAX_SAFE_INTEGER)
  assertInteger('settleTime', resolved.settleTime, 0, 600_000)
  assertInteger('streamIdleTimeout', resolved.streamIdleTimeout, 100, 3_600_000)

  return resolved
}

/** Checks the number of copies a put asks for. */
export function assertReplicas(value: unknown): number {
  return assertInteger('replicas', value, 1, MAX_REPLICAS)
}

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  kib: 1024,
  m: 1e6,
  mb: 1e6,
  mib: 1024 ** 2,
  g: 1e9,
  gb: 1e9,
  gib: 1024 ** 3,
  t: 1e12,
  tb: 1e12,
  tib: 1024 ** 4
}

/**
 * Reads a size: a whole number of bytes, or text such as `512MiB`, `10GB`, `1.5TiB`.
 *
 * @throws {InvalidConfigError} saying what was expected and what came
 */
export function parseBytes(field: string, value: unknown): number {
  if (typeof value === 'number') {
    return assertInteger(field, value, 0, Number.MAX_SAFE_INTEGER)
  }

  const match = typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value) : null
  const unit = match?.[2]?.toLowerCase() ?? ''
  const factor = UNITS[unit]

  if (match === null || factor === undefined) {
    throw new InvalidConfigError(
      `expected ${field} to be a size such as 512MiB or 10GB, got ${JSON.stringify(value)}`
    )
  }

  return assertInteger(field, Math.round(Number(match[1]) * factor), 0, Number.MAX_SAFE_INTEGER)
}
