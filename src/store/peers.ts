/**
 * The block protocol as the client sees it: writing copies, fetching
 * blocks, asking what peers hold, and ending puts, on a peer or, where the
 * peer is this node, on its own store without a round trip.
 */
import type { PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { CID } from 'multiformats/cid'
import type { Rpc } from '../rpc/index.js'
import { MAX_REPLICAS } from './init.js'
import { blockId, type LocalStore, type Written } from './local.js'
import {
  AbortRequest,
  CommitRequest,
  GetRequest,
  GetResponse,
  HaveRequest,
  PutRequest,
  PutResponse
} from './pb/blocks.js'
import { dropPut, type Holding, readHave } from './protocol.js'
import { HAVE_BATCH } from './repair.js'
import { type PutSessions, sessionKey } from './sessions.js'

export interface StorePeersParts {
  self: string
  rpc: Pick<Rpc, 'request'>
  local: LocalStore
  sessions: PutSessions
  defaultReplicas: number
  /** Open connections to a peer. */
  connections(peer: PeerId): number
  /** Called when a put completed here. */
  committed(): void
}

export class StorePeers {
  private readonly parts: StorePeersParts
  /** Peer ids parsed once; parsing one costs about 10 µs. */
  private readonly peerIds = new Map<string, PeerId>()

  constructor(parts: StorePeersParts) {
    this.parts = parts
  }

  /** Forgets the parsed peer ids, when membership changed. */
  forget(): void {
    this.peerIds.clear()
  }

  /** Writes a copy of a block on a peer, or here; a copy made here is noted under its put. */
  async write(
    peer: string,
    cid: CID,
    bytes: Uint8Array,
    replicas: number,
    session: Uint8Array
  ): Promise<Written> {
    if (peer === this.parts.self) {
      const written = await this.parts.local.put(cid, bytes, replicas)
      const id = blockId(cid)

      if (written === 'stored' && session.byteLength > 0) {
        this.parts.sessions.created(this.parts.self, sessionKey(session), id, Date.now())
      } else if (written === 'existed') {
        // counted by this put now: another put's abort must not take it
        this.parts.sessions.forget(id)
      }

      return written
    }

    const body = PutRequest.encode({
      multihash: buffer(cid.multihash.bytes),
      data: buffer(bytes),
      replicas,
      session: buffer(session)
    })
    const answer = await this.parts.rpc.request(this.peerId(peer), 'put', body)

    return PutResponse.decode(answer).existed ? 'existed' : 'stored'
  }

  /** Tells a peer, or this node, that a put completed. */
  async commit(peer: string, session: Uint8Array): Promise<void> {
    if (peer === this.parts.self) {
      this.parts.sessions.commit(this.parts.self, sessionKey(session))
      this.parts.committed()
      return
    }

    await this.parts.rpc.request(
      this.peerId(peer),
      'commit',
      CommitRequest.encode({ session: buffer(session) })
    )
  }

  /** Has a peer, or this node, drop the blocks an aborted put created there. */
  async abort(peer: string, session: Uint8Array): Promise<void> {
    if (peer !== this.parts.self) {
      await this.parts.rpc.request(
        this.peerId(peer),
        'abort',
        AbortRequest.encode({ session: buffer(session) })
      )
      return
    }

    await dropPut(this.parts.local, this.parts.sessions, this.parts.self, sessionKey(session))
  }

  /** Asks a peer for a block; undefined when it does not hold it. */
  async fetch(peer: string, cid: CID): Promise<{ data: Uint8Array; replicas: number } | undefined> {
    const body = GetRequest.encode({ multihash: buffer(cid.multihash.bytes) })
    const answer = GetResponse.decode(await this.parts.rpc.request(this.peerId(peer), 'get', body))

    return answer.found
      ? {
          data: answer.data,
          // a count out of range from a peer is not taken
          replicas:
            answer.replicas >= 1 && answer.replicas <= MAX_REPLICAS
              ? answer.replicas
              : this.parts.defaultReplicas
        }
      : undefined
  }

  /** Asks a peer, or this node, which of these blocks it holds and means to keep. */
  async have(peer: string, cids: CID[]): Promise<Holding[]> {
    if (peer === this.parts.self) {
      return cids.map((cid) => ({
        held: this.parts.local.has(cid),
        kept: this.parts.local.has(cid)
      }))
    }

    const answers: Holding[] = []

    for (let i = 0; i < cids.length; i += HAVE_BATCH) {
      const batch = cids.slice(i, i + HAVE_BATCH)
      const multihashes = batch.map((cid) => buffer(cid.multihash.bytes))
      const answer = await this.parts.rpc.request(
        this.peerId(peer),
        'have',
        HaveRequest.encode({ multihashes })
      )
      answers.push(...readHave(answer, batch.length))
    }

    return answers
  }

  /** A peer id from its text, remembered. */
  peerId(peer: string): PeerId {
    let id = this.peerIds.get(peer)

    if (id === undefined) {
      id = peerIdFromString(peer)
      this.peerIds.set(peer, id)
    }

    return id
  }

  /** Whether this node holds a connection to the peer. */
  connected(peer: string): boolean {
    try {
      return this.parts.connections(this.peerId(peer)) > 0
    } catch {
      return false
    }
  }
}

/** The generated codecs want ArrayBuffer-backed arrays, which every array here is. */
function buffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes as Uint8Array<ArrayBuffer>
}
