/**
 * Listen addresses in adverts. A node puts the addresses it listens on in
 * its adverts; every node hands its peers' addresses to its peer store, so
 * that any node of the view can be dialled at once, without a DHT lookup
 * first (a lookup takes a second or more on a young mesh). An advert is
 * signed by its author, so a node can only speak for its own addresses.
 */
import type { Logger, PeerStore } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { equals } from 'uint8arrays/equals'
import { MAX_ADVERT_ADDRS } from './validate.js'
import type { MeshView, ViewEntry } from './view.js'

/** The multiaddr protocol code of `/p2p`. */
const P2P = 421

/** This node's listen addresses as an advert carries them: without `/p2p`, at most a few. */
export function advertAddrs(addrs: readonly Multiaddr[]): Uint8Array[] {
  const bytes: Uint8Array[] = []

  for (const addr of addrs) {
    const bare = addr.decapsulateCode(P2P).bytes

    if (!bytes.some((known) => equals(known, bare))) {
      bytes.push(bare)
    }
  }

  return bytes.slice(0, MAX_ADVERT_ADDRS)
}

/** Hands the addresses in peers' adverts to the peer store when they are new or changed. */
export class AddressBook {
  private readonly view: MeshView
  private readonly peerStore: Pick<PeerStore, 'merge'>
  private readonly self: string
  private readonly log: Logger
  /** The addresses last handed on for each peer, joined, to see a change cheaply. */
  private readonly known = new Map<string, string>()
  private readonly onEntry = (evt: CustomEvent<ViewEntry>): void => this.learn(evt.detail)
  private readonly onLeft = (evt: CustomEvent<{ peerId: string }>): void => {
    this.known.delete(evt.detail.peerId)
  }

  constructor(view: MeshView, peerStore: Pick<PeerStore, 'merge'>, self: string, log: Logger) {
    this.view = view
    this.peerStore = peerStore
    this.self = self
    this.log = log
  }

  start(): void {
    this.view.addEventListener('peer:joined', this.onEntry)
    this.view.addEventListener('peer:updated', this.onEntry)
    this.view.addEventListener('peer:left', this.onLeft)
  }

  stop(): void {
    this.view.removeEventListener('peer:joined', this.onEntry)
    this.view.removeEventListener('peer:updated', this.onEntry)
    this.view.removeEventListener('peer:left', this.onLeft)
    this.known.clear()
  }

  private learn({ peerId, advert }: ViewEntry): void {
    if (peerId === this.self || advert.addrs.length === 0) {
      return
    }

    const key = advert.addrs.map((addr) => addr.join(',')).join(' ')

    if (this.known.get(peerId) === key) {
      return
    }

    this.known.set(peerId, key)
    const multiaddrs = advert.addrs.map((addr) => multiaddr(addr))

    this.peerStore.merge(peerIdFromString(peerId), { multiaddrs }).catch((err: Error) => {
      this.log.error('could not keep the addresses of %s - %e', peerId, err)
    })
  }
}
