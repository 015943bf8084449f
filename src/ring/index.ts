/**
 * The consistent-hash ring: which peers own a key. Pure: it imports nothing
 * from libp2p and does no I/O, so every node, test and simulator runs the
 * same code on the same members and gets the same owners.
 *
 * @example
 * ```ts
 * import { HashRing, hashKey } from './ring/index.js'
 *
 * const ring = HashRing.from(view.entries().map((e) => ({ id: e.peerId, weight: capacity(e) })))
 * ring.owners(cid.multihash.digest, 3) // a CID's digest is a uniform hash already
 * ring.owners(hashKey('task:42'), 1) // anything else is hashed first
 * view.addEventListener('peer:left', (evt) => ring.remove(evt.detail.peerId))
 * ```
 */

export { DEFAULT_VNODES, HashRing, type HashRingInit, MAX_VNODES } from './hash-ring.js'
export { hashKey, keyPosition, MAX_POSITION, RING_SIZE, vnodePosition } from './keys.js'
export { MAX_VNODE_FACTOR, type RingMember } from './members.js'
