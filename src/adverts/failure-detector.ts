/**
 * Decides whether a peer whose connection closed is gone: a direct ping, and
 * if that fails, pings through a few other live peers at once. Only when all
 * fail, and no newer advert from the peer arrived meanwhile, does it leave
 * the view, as `disconnected`. A peer that is merely no longer connected to
 * us (pruned, or never directly connected) answers and stays.
 */
import type { Logger, PeerId } from '@libp2p/interface'
import { lifetimeController, timeoutSignal } from '../net/lifetime.js'
import type { MeshView } from './view.js'

/** Peers asked at once to ping a suspect for us. */
export const DEFAULT_HELPERS = 2
/** Suspects probed at once; more wait for a later suspicion. */
export const MAX_PROBING = 32

export interface FailureDetectorInit {
  view: MeshView
  /** Pings the peer directly. */
  pingDirect(peer: PeerId, signal: AbortSignal): Promise<boolean>
  /** Asks `via` to ping the peer. */
  pingThrough(via: PeerId, peer: PeerId, signal: AbortSignal): Promise<boolean>
  /** Up to `count` live, connected peers other than `peer` to ask, picked at random. */
  helpersFor(peer: PeerId, count: number): PeerId[]
  /** Told of each peer the detector removed, with its last sequence number. */
  onGone?(peer: PeerId, seq: number): void
  /** How long each of the two rounds (direct, then through helpers) may take, in ms. */
  timeout: number
  /**
   * Helpers asked at once.
   *
   * @default 2
   */
  helpers?: number
  log: Logger
}

/** Probes suspect peers and removes the ones that are gone from the view. */
export class FailureDetector {
  private readonly init: FailureDetectorInit
  private readonly probing = new Set<string>()
  private controller = lifetimeController()

  constructor(init: FailureDetectorInit) {
    this.init = init
  }

  /** How many probes are under way. */
  get pending(): number {
    return this.probing.size
  }

  /**
   * Probes a peer that may be gone; removes it from the view if it is, and
   * then calls `onGone` with its last sequence number.
   */
  suspect(peer: PeerId): void {
    const id = peer.toString()
    const seq = this.init.view.get(id)?.advert.seq
    // a stop aborts this signal; a later restart gets a new one
    const { signal } = this.controller

    if (this.probing.has(id) || seq === undefined || this.probing.size >= MAX_PROBING) {
      return
    }

    this.probing.add(id)
    this.decide(peer, signal)
      .then((alive) => {
        // a newer advert while we probed means it is alive, whatever the pings said
        const unchanged = this.init.view.get(id)?.advert.seq === seq

        if (!alive && unchanged && !signal.aborted) {
          this.init.log('%p does not answer, directly or through peers: gone', peer)
          this.init.view.remove(id, 'disconnected')
          this.init.onGone?.(peer, seq)
        }
      })
      .catch((err: Error) => {
        this.init.log.error('probing %p failed - %e', peer, err)
      })
      .finally(() => {
        this.probing.delete(id)
      })
  }

  /** Stops every probe under way; none of them removes a peer after this. */
  stop(): void {
    this.controller.abort()
    this.controller = lifetimeController()
  }

  private async decide(peer: PeerId, parent: AbortSignal): Promise<boolean> {
    const { timeout } = this.init

    if (await this.init.pingDirect(peer, timeoutSignal(parent, timeout))) {
      this.init.log.trace('%p answered a direct ping', peer)
      return true
    }

    if (parent.aborted) {
      return true
    }

    const helpers = this.init.helpersFor(peer, this.init.helpers ?? DEFAULT_HELPERS)
    const signal = timeoutSignal(parent, timeout)

    return firstTrue(helpers.map((via) => this.init.pingThrough(via, peer, signal)))
  }
}

/** True as soon as one answer is true; false when all are false (or there are none). */
function firstTrue(answers: Array<Promise<boolean>>): Promise<boolean> {
  return new Promise((resolve) => {
    let pending = answers.length

    if (pending === 0) {
      resolve(false)
    }

    for (const answer of answers) {
      answer.then(
        (alive) => {
          pending--
          if (alive || pending === 0) resolve(alive)
        },
        () => {
          pending--
          if (pending === 0) resolve(false)
        }
      )
    }
  })
}

/** The items in random order (Fisher–Yates), deduplicated by their string form. */
export function shuffle<T extends { toString(): string }>(items: readonly T[]): T[] {
  const unique = [...new Map(items.map((item) => [item.toString(), item])).values()]

  for (let i = unique.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[unique[i], unique[j]] = [unique[j] as T, unique[i] as T]
  }

  return unique
}
