/**
 * Decides whether a peer whose connection closed is gone: a direct ping, and
 * if that fails, a ping through one other live peer. Only when both fail does
 * the peer leave the view, as `disconnected`. A peer that is merely no longer
 * connected to us (pruned, or never directly connected) answers and stays.
 */
import type { Logger, PeerId } from '@libp2p/interface'
import { lifetimeController, timeoutSignal } from '../net/lifetime.js'
import type { MeshView } from './view.js'

export interface FailureDetectorInit {
  view: MeshView
  /** Pings the peer directly. */
  pingDirect(peer: PeerId, signal: AbortSignal): Promise<boolean>
  /** Asks `via` to ping the peer. */
  pingThrough(via: PeerId, peer: PeerId, signal: AbortSignal): Promise<boolean>
  /** A live, connected peer other than `peer` to ask, if there is one. */
  helperFor(peer: PeerId): PeerId | undefined
  /** How long each of the two pings may take, in ms. */
  timeout: number
  log: Logger
}

export class FailureDetector {
  private readonly init: FailureDetectorInit
  private readonly probing = new Set<string>()
  private controller = lifetimeController()

  constructor(init: FailureDetectorInit) {
    this.init = init
  }

  /** Probes a peer that may be gone; removes it from the view if it is. */
  suspect(peer: PeerId): void {
    const id = peer.toString()

    if (this.probing.has(id) || !this.init.view.has(id)) {
      return
    }

    this.probing.add(id)
    this.decide(peer)
      .then((alive) => {
        if (!alive && !this.controller.signal.aborted) {
          this.init.log('%p does not answer, directly or through a peer: gone', peer)
          this.init.view.remove(id, 'disconnected')
        }
      })
      .catch((err: Error) => {
        this.init.log.error('probing %p failed - %e', peer, err)
      })
      .finally(() => {
        this.probing.delete(id)
      })
  }

  /** Stops every probe under way. */
  stop(): void {
    this.controller.abort()
    this.controller = lifetimeController()
  }

  private async decide(peer: PeerId): Promise<boolean> {
    const { timeout } = this.init
    const signal = () => timeoutSignal(this.controller.signal, timeout)

    if (await this.init.pingDirect(peer, signal())) {
      this.init.log.trace('%p answered a direct ping', peer)
      return true
    }

    const helper = this.init.helperFor(peer)

    if (helper === undefined) {
      return false
    }

    return this.init.pingThrough(helper, peer, signal())
  }
}
