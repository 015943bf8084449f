/**
 * The blocks this node holds for the mesh: a blockstore (the IPFS
 * filesystem blockstore in the data directory, or memory for a node without
 * one) under a quota, with an index of what it holds kept in memory.
 *
 * Blocks are named by multihash: the codec part of a CID says how to read a
 * block, not what bytes it holds. Every block written is checked against its
 * hash first, and every block read is checked again, so a copy that rotted on
 * disk is found at the first read and dropped.
 */
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from '@libp2p/interface'
import type { Blockstore } from 'interface-blockstore'
import type { Datastore } from 'interface-datastore'
import { Key } from 'interface-datastore'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { toString as toBase } from 'uint8arrays/to-string'
import { StoreFullError } from '../errors.js'
import { RAW, verifyBlock } from './block.js'

/** A block the store holds. */
export interface HeldBlock {
  /** The block as a raw CID (the store does not know codecs). */
  cid: CID
  size: number
  /** Copies the mesh keeps of it. */
  replicas: number
}

export interface LocalStoreInit {
  blockstore: Blockstore
  /** Keeps the replica counts that differ from the default. */
  datastore: Datastore
  /** Bytes the store may hold. */
  quota: number
  /** Copies of a block unless a put asked for another number. */
  defaultReplicas: number
  /** Called after the bytes held changed. */
  onChange?(): void
  log: Logger
}

/** The outcome of writing a block. */
export type Written = 'stored' | 'existed'

/** A filesystem blockstore's layout, to size the files it holds without reading them. */
interface FsLayout {
  path: string
  shardingStrategy: { encode(cid: CID): { dir: string; file: string } }
}

/** Where replica counts other than the default live in the datastore. */
const REPLICAS_PREFIX = '/mycel/store/replicas'

export class LocalStore {
  private readonly init: LocalStoreInit
  private readonly held = new Map<string, HeldBlock>()
  /** The last write or delete of each block under way: they run one at a time per block. */
  private readonly busy = new Map<string, Promise<void>>()
  /** Bytes of writes under way, counted against the quota before they land. */
  private reserved = 0
  private usedBytes = 0

  constructor(init: LocalStoreInit) {
    this.init = init
  }

  /** Reads what the blockstore holds into the index. */
  async open(): Promise<void> {
    // a filesystem blockstore makes its directory here
    await (this.init.blockstore as { open?(): Promise<void> }).open?.()
    const replicas = new Map<string, number>()

    for await (const { key, value } of this.init.datastore.query({ prefix: REPLICAS_PREFIX })) {
      replicas.set(key.baseNamespace(), value[0] ?? this.init.defaultReplicas)
    }

    for await (const { cid } of this.init.blockstore.getAll()) {
      const raw = CID.createV1(RAW, cid.multihash)
      const id = blockId(raw)
      const size = await this.sizeOf(raw)
      this.held.set(id, { cid: raw, size, replicas: replicas.get(id) ?? this.init.defaultReplicas })
      this.usedBytes += size
    }

    this.init.log('holding %d blocks, %d bytes', this.held.size, this.usedBytes)
  }

  /** Bytes the store may hold. */
  get quota(): number {
    return this.init.quota
  }

  /** Bytes held. */
  get used(): number {
    return this.usedBytes
  }

  /** Bytes that can still be written. */
  get free(): number {
    return Math.max(0, this.init.quota - this.usedBytes - this.reserved)
  }

  /** Number of blocks held. */
  get count(): number {
    return this.held.size
  }

  has(cid: CID): boolean {
    return this.held.has(blockId(cid))
  }

  /** What the store knows of a block it holds. */
  entry(cid: CID): HeldBlock | undefined {
    return this.held.get(blockId(cid))
  }

  /** The same, by the block's index key (`blockId`). */
  entryById(id: string): HeldBlock | undefined {
    return this.held.get(id)
  }

  /** Every block held, as a snapshot. */
  entries(): HeldBlock[] {
    return [...this.held.values()]
  }

  /**
   * Writes a block after checking its bytes against its hash. A block held
   * already is left as it is, keeping the larger of its two copy counts.
   *
   * @throws {CorruptBlockError} when the bytes do not match
   * @throws {StoreFullError} when the quota has no room for them
   */
  async put(cid: CID, bytes: Uint8Array, replicas = this.init.defaultReplicas): Promise<Written> {
    await verifyBlock(cid, bytes)
    const raw = CID.createV1(RAW, cid.multihash)
    const id = blockId(raw)

    return this.serial(id, async () => {
      const entry = this.held.get(id)

      if (entry !== undefined) {
        if (replicas > entry.replicas) {
          await this.saveReplicas(id, replicas)
          entry.replicas = replicas
        }

        return 'existed'
      }

      if (bytes.byteLength > this.free) {
        throw new StoreFullError(
          `the block store is full: ${bytes.byteLength} bytes do not fit in the ` +
            `${this.free} bytes left of its ${this.init.quota}-byte quota`
        )
      }

      this.reserved += bytes.byteLength

      try {
        // the count first: a block on disk is never without it
        await this.saveReplicas(id, replicas)
        await this.init.blockstore.put(raw, bytes)
      } catch (err) {
        // a disk smaller than the quota fills before it
        if (/ENOSPC/.test((err as Error).message)) {
          throw new StoreFullError('the disk under the block store is full', { cause: err })
        }

        throw err
      } finally {
        this.reserved -= bytes.byteLength
      }

      this.held.set(id, { cid: raw, size: bytes.byteLength, replicas })
      this.usedBytes += bytes.byteLength
      this.init.onChange?.()

      return 'stored'
    })
  }

  /**
   * Reads a block and checks it. A copy that does not match its hash is
   * deleted and reported, so the caller can fetch a good one; a copy whose
   * file is gone is forgotten. Other read errors (too many open files, an I/O
   * error) are thrown as they are and delete nothing.
   *
   * @throws {CorruptBlockError} when the copy on disk is corrupt (it is gone afterwards)
   */
  async get(cid: CID): Promise<Uint8Array | undefined> {
    const raw = CID.createV1(RAW, cid.multihash)
    const id = blockId(raw)
    const entry = this.held.get(id)

    if (entry === undefined) {
      return undefined
    }

    let bytes: Uint8Array

    try {
      bytes = await collect(this.init.blockstore.get(raw))
    } catch (err) {
      // blockstore-fs reports every failure as "not found", with the system error in its message
      if (!isGone(err as Error)) {
        throw err
      }

      this.init.log.error('block %c is gone from disk; forgetting it', raw)
      await this.drop(raw, entry, false)

      return undefined
    }

    try {
      await verifyBlock(raw, bytes)
    } catch (err) {
      this.init.log.error('block %c is corrupt on disk; dropping it', raw)
      await this.drop(raw, entry, true)
      throw err
    }

    return bytes
  }

  /** Drops a block; a block not held is no error. A put of it after this call writes it anew. */
  async delete(cid: CID): Promise<void> {
    const raw = CID.createV1(RAW, cid.multihash)
    const entry = this.held.get(blockId(raw))

    if (entry !== undefined) {
      await this.drop(raw, entry, true)
    }
  }

  /**
   * Takes a block out of the index and, with `unlink`, off the disk, unless
   * the copy is no longer the one `entry` describes (a put wrote it again
   * meanwhile). Out of the index first: a put arriving meanwhile waits, then
   * writes the block again.
   */
  private async drop(raw: CID, entry: HeldBlock, unlink: boolean): Promise<void> {
    const id = blockId(raw)

    await this.serial(id, async () => {
      if (this.held.get(id) !== entry) {
        return
      }

      this.held.delete(id)
      this.usedBytes -= entry.size

      try {
        if (unlink) {
          await this.init.blockstore.delete(raw)
        }
      } catch (err) {
        // the file is still there: so is the block
        this.held.set(id, entry)
        this.usedBytes += entry.size
        throw err
      }

      if (entry.replicas !== this.init.defaultReplicas) {
        await this.init.datastore.delete(replicasKey(id))
      }

      this.init.onChange?.()
    })
  }

  /** Runs writes and deletes of one block one after another. */
  private async serial<T>(id: string, op: () => Promise<T>): Promise<T> {
    const before = this.busy.get(id) ?? Promise.resolve()
    const run = before.then(op)
    const settled = run.then(
      () => {},
      () => {}
    )
    this.busy.set(id, settled)

    try {
      return await run
    } finally {
      if (this.busy.get(id) === settled) {
        this.busy.delete(id)
      }
    }
  }

  private async saveReplicas(id: string, replicas: number): Promise<void> {
    if (replicas !== this.init.defaultReplicas) {
      await this.init.datastore.put(replicasKey(id), Uint8Array.of(replicas))
    }
  }

  private async sizeOf(cid: CID): Promise<number> {
    const layout = this.init.blockstore as unknown as Partial<FsLayout>

    if (typeof layout.path === 'string' && layout.shardingStrategy !== undefined) {
      const { dir, file } = layout.shardingStrategy.encode(cid)
      return (await stat(join(layout.path, dir, file))).size
    }

    return (await collect(this.init.blockstore.get(cid))).byteLength
  }
}

/** The index key of a block: its multihash, base64url. */
export function blockId(cid: CID): string {
  return toBase(cid.multihash.bytes, 'base64url')
}

/** A raw CID from the multihash bytes a peer sent; throws when they are not a sha-256 multihash. */
export function cidFromMultihash(bytes: Uint8Array): CID {
  return CID.createV1(RAW, Digest.decode(bytes))
}

/** Whether a read failed because the block is not there (no file), not for another reason. */
function isGone(err: Error): boolean {
  const systemError = /\bE[A-Z]{2,}\b/.exec(err.message)?.[0]

  return err.name === 'NotFoundError' && (systemError === undefined || systemError === 'ENOENT')
}

function replicasKey(id: string): Key {
  return new Key(`${REPLICAS_PREFIX}/${id}`)
}

async function collect(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>
): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  let length = 0

  for await (const part of source) {
    parts.push(part)
    length += part.byteLength
  }

  if (parts.length === 1 && parts[0] !== undefined) {
    return parts[0]
  }

  const out = new Uint8Array(length)
  let offset = 0

  for (const part of parts) {
    out.set(part, offset)
    offset += part.byteLength
  }

  return out
}
