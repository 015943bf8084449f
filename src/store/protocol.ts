/**
 * The serving side of the block-transfer protocol (`/mycel/<mesh>/blocks/1.0.0`),
 * and the encoding of the requests this node sends. Every request is
 * checked before it touches the store: a malformed multihash, bytes that do
 * not match their hash, a replica count out of range or too many blocks in
 * one question are refused with the reason, and counted by the protocol.
 */
import type { Logger } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import { CorruptBlockError, InvalidCidError, InvalidConfigError, RemoteError } from '../errors.js'
import type { Handler } from '../rpc/index.js'
import { MAX_REPLICAS } from './init.js'
import { blockId, cidFromMultihash, type HeldBlock, type LocalStore } from './local.js'
import {
  AbortRequest,
  AbortResponse,
  CommitRequest,
  CommitResponse,
  GetRequest,
  GetResponse,
  HaveRequest,
  HaveResponse,
  PutRequest,
  PutResponse
} from './pb/blocks.js'
import { HAVE_BATCH } from './repair.js'
import { type PutSessions, sessionKey } from './sessions.js'

/** Longest put session id, in bytes. */
export const MAX_SESSION_BYTES = 32

export interface ServerParts {
  local: LocalStore
  sessions: PutSessions
  /** A block fetched before from others, to answer from. */
  cached(cid: CID): Uint8Array | undefined
  /** Called when a copy this node served turned out corrupt on disk. */
  corrupt(cid: CID): void
  /** Whether this node owns a block it holds, in its own view of the ring. */
  owns(block: HeldBlock): boolean
  /** Called when a put completed: its blocks are repaired like any other from now on. */
  committed(): void
  log: Logger
}

/** The handlers of the protocol's methods: put, get, have, commit and abort. */
export function blockHandlers(parts: ServerParts): Record<string, Handler> {
  const { local, sessions } = parts

  return {
    put: async (body, { peer }) => {
      const request = PutRequest.decode(body)
      const cid = readCid(request.multihash)
      const replicas = readReplicas(request.replicas)
      const session = readSession(request.session)
      const from = peer.toString()

      if (session !== '' && sessions.aborted(from, session)) {
        throw new RemoteError('PutAborted', 'the put this block belongs to was aborted')
      }

      const written = await local.put(cid, request.data, replicas)

      // the abort overtook this block on the way: it is dropped like the put's others
      if (written === 'stored' && session !== '' && sessions.aborted(from, session)) {
        await local.delete(cid)
        throw new RemoteError('PutAborted', 'the put this block belongs to was aborted')
      }

      if (written === 'stored' && session !== '') {
        sessions.created(from, session, blockId(cid), Date.now())
      } else if (written === 'existed') {
        sessions.forget(blockId(cid))
      }

      return PutResponse.encode({ existed: written === 'existed' })
    },

    get: async (body) => {
      const cid = readCid(GetRequest.decode(body).multihash)

      try {
        const data = (await local.get(cid)) ?? parts.cached(cid)
        const replicas = local.entry(cid)?.replicas ?? 0

        return GetResponse.encode(
          data === undefined
            ? { found: false, data: new Uint8Array(0), replicas: 0 }
            : { found: true, data: data as Uint8Array<ArrayBuffer>, replicas }
        )
      } catch (err) {
        if (!(err instanceof CorruptBlockError)) throw err
        parts.corrupt(cid)

        return GetResponse.encode({ found: false, data: new Uint8Array(0), replicas: 0 })
      }
    },

    have: async (body) => {
      const { multihashes } = HaveRequest.decode(body, { limits: { multihashes: HAVE_BATCH } })
      const bits = new Uint8Array(Math.ceil(multihashes.length / 8))
      const keeps = new Uint8Array(bits.length)
      const now = Date.now()

      multihashes.forEach((mh, i) => {
        const id = blockId(readCid(mh))
        const entry = local.entryById(id)

        if (entry === undefined) {
          return
        }

        bits[i >> 3] = (bits[i >> 3] ?? 0) | (1 << (i & 7))

        // a copy counts towards another node's decision to drop its own only if this one stays
        if (!sessions.isOpen(id, now) && parts.owns(entry)) {
          keeps[i >> 3] = (keeps[i >> 3] ?? 0) | (1 << (i & 7))
        }
      })

      return HaveResponse.encode({ bits, keeps })
    },

    commit: async (body, { peer }) => {
      sessions.commit(peer.toString(), readSession(CommitRequest.decode(body).session))
      parts.committed()

      return CommitResponse.encode({})
    },

    abort: async (body, { peer }) => {
      const session = readSession(AbortRequest.decode(body).session)
      const dropped = await dropPut(local, sessions, peer.toString(), session)
      parts.log('dropped %d blocks of a put %p aborted', dropped, peer)

      return AbortResponse.encode({ dropped })
    }
  }
}

/**
 * Drops the blocks an aborted put created here; returns how many. Every
 * delete is queued at once, so a put of one of those blocks that arrives
 * meanwhile waits for its delete and writes the block anew, instead of
 * finding it and counting on a copy about to go.
 */
export async function dropPut(
  local: LocalStore,
  sessions: PutSessions,
  peer: string,
  session: string
): Promise<number> {
  const deletes = sessions.abort(peer, session, Date.now()).map((id) => {
    const entry = local.entryById(id)

    return entry === undefined ? Promise.resolve(0) : local.delete(entry.cid).then(() => 1)
  })

  try {
    const dropped = await Promise.all(deletes)

    return dropped.reduce<number>((sum, n) => sum + n, 0)
  } finally {
    sessions.release(peer, session)
  }
}

/** What a peer said of each block asked about. */
export interface Holding {
  /** It holds the block. */
  held: boolean
  /** It holds the block and means to keep it. */
  kept: boolean
}

/** The flags of a `have` answer, one pair per block asked about. */
export function readHave(body: Uint8Array, count: number): Holding[] {
  const { bits, keeps } = HaveResponse.decode(body)
  const flag = (set: Uint8Array, i: number): boolean => ((set[i >> 3] ?? 0) & (1 << (i & 7))) !== 0

  return Array.from({ length: count }, (_, i) => ({ held: flag(bits, i), kept: flag(keeps, i) }))
}

function readCid(multihash: Uint8Array): CID {
  try {
    const cid = cidFromMultihash(multihash)

    if (cid.multihash.code !== 0x12 || cid.multihash.digest.byteLength !== 32) {
      throw new Error('not sha2-256')
    }

    return cid
  } catch (err) {
    throw new InvalidCidError(
      `expected a sha2-256 multihash, got ${multihash.byteLength} bytes that are not one`,
      { cause: err }
    )
  }
}

function readReplicas(replicas: number): number | undefined {
  if (replicas === 0) {
    return undefined
  }

  if (!Number.isInteger(replicas) || replicas > MAX_REPLICAS) {
    throw new InvalidConfigError(`expected replicas from 1 to ${MAX_REPLICAS}, got ${replicas}`)
  }

  return replicas
}

function readSession(session: Uint8Array): string {
  if (session.byteLength > MAX_SESSION_BYTES) {
    throw new InvalidConfigError(
      `expected a put session id of at most ${MAX_SESSION_BYTES} bytes, got ${session.byteLength}`
    )
  }

  return sessionKey(session)
}
