/**
 * Writes the blocks of one put to their owners. Each block goes to its r
 * owners at once; the write of a block returns when a quorum of them has
 * it, and the other copies follow in the background. An owner that refuses
 * (full, unreachable) is replaced by the next peer along the ring, which
 * holds the copy until repair hands it to an owner with room.
 *
 * Every block is written under the put's session, so that `abort()` can
 * drop the blocks this put created, and leave alone those other objects
 * share.
 */
import type { Logger } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import { QuorumNotReachedError, StoreFullError } from '../errors.js'
import type { Written } from './local.js'
import type { Placement } from './placement.js'

export interface WriterParts {
  self: string
  placement: Placement
  /** Writes a copy on a peer, or on this node when `peer` is `self`. */
  write(
    peer: string,
    cid: CID,
    bytes: Uint8Array,
    replicas: number,
    session: Uint8Array
  ): Promise<Written>
  /** Drops, on a peer or here, the blocks a session created there. */
  abort(peer: string, session: Uint8Array): Promise<void>
  /** Tells a peer, or this node, that the session completed. */
  commit(peer: string, session: Uint8Array): Promise<void>
  writeQuorum: number
  log: Logger
}

export class ObjectWriter {
  private readonly parts: WriterParts
  private readonly replicas: number
  private readonly session: Uint8Array
  /** Peers that took at least one block of this put. */
  private readonly touched = new Set<string>()
  private readonly background = new Set<Promise<unknown>>()
  private aborted = false

  constructor(parts: WriterParts, replicas: number, session: Uint8Array) {
    this.parts = parts
    this.replicas = replicas
    this.session = session
  }

  /**
   * Writes a block to its owners; returns when the write quorum holds it.
   *
   * @throws {StoreFullError} when every peer that could take a copy is full
   * @throws {QuorumNotReachedError} when too few copies could be written for another reason
   */
  writeBlock(cid: CID, bytes: Uint8Array): Promise<void> {
    const order = this.parts.placement.sequence(cid)

    if (order.length === 0) {
      return Promise.reject(new StoreFullError('no node in the mesh offers storage'))
    }

    const wanted = Math.min(this.replicas, order.length)
    const quorum = Math.min(this.parts.writeQuorum, wanted)
    let next = wanted
    let acked = 0
    let running = 0
    const failures: Error[] = []

    return new Promise<void>((resolve, reject) => {
      // settles once: at the quorum, or when nothing is left to try short of it
      const check = (): void => {
        if (acked === quorum) {
          resolve()
        } else if (running === 0 && acked < quorum) {
          reject(quorumError(cid, acked, quorum, failures))
        }
      }
      const start = (peer: string): void => {
        running++
        this.touched.add(peer)
        const copy = this.parts.write(peer, cid, bytes, this.replicas, this.session).then(
          () => {
            running--
            acked++
            check()
          },
          (err: Error) => {
            running--
            failures.push(err)
            this.parts.log.trace('copy of %c to %s failed - %e', cid, peer, err)
            const spare = order[next++]

            if (spare !== undefined && !this.aborted) {
              start(spare)
            } else {
              check()
            }
          }
        )
        this.track(copy)
      }

      for (const peer of order.slice(0, wanted)) {
        start(peer)
      }
    })
  }

  /** Waits until fewer than `limit` copies are being written, so a put's memory stays bounded. */
  async throttle(limit: number): Promise<void> {
    while (this.background.size >= limit) {
      await Promise.race(this.background)
    }
  }

  /** Waits for the copies still being written after their quorum. */
  async settle(): Promise<void> {
    while (this.background.size > 0) {
      await Promise.allSettled([...this.background])
    }
  }

  /**
   * Once every copy is written, tells each peer that took a block that the
   * put completed, so its blocks are repaired like any other from then on.
   */
  async commit(): Promise<void> {
    await this.settle()
    await Promise.allSettled(
      [...this.touched].map((peer) =>
        this.parts.commit(peer, this.session).catch((err: Error) => {
          // the peer forgets the put when it ages out instead
          this.parts.log('could not commit a put on %s - %e', peer, err)
        })
      )
    )
  }

  /** Stops writing and drops, everywhere, the blocks this put created. */
  async abort(): Promise<void> {
    this.aborted = true
    await this.settle()
    await Promise.allSettled(
      [...this.touched].map((peer) =>
        this.parts.abort(peer, this.session).catch((err: Error) => {
          this.parts.log.error('could not undo a failed put on %s - %e', peer, err)
        })
      )
    )
  }

  private track(copy: Promise<unknown>): void {
    const tracked = copy.finally(() => this.background.delete(tracked))
    this.background.add(tracked)
  }
}

function quorumError(cid: CID, acked: number, quorum: number, failures: Error[]): Error {
  const full = failures.filter(
    (err) => err.name === 'StoreFullError' || codeOf(err) === 'StoreFullError'
  )

  if (full.length === failures.length) {
    return new StoreFullError(
      `no room for block ${cid}: every peer that could hold it is full (${acked} of ${quorum} copies written)`,
      { cause: failures[0] }
    )
  }

  const reasons = [...new Set(failures.map((err) => err.message))].slice(0, 3).join('; ')

  return new QuorumNotReachedError(
    `block ${cid}: ${acked} of ${quorum} copies written (${reasons})`,
    { cause: failures[0] }
  )
}

function codeOf(err: Error): string | undefined {
  return (err as { code?: unknown }).code as string | undefined
}
