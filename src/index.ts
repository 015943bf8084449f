/**
 * mycel: a peer-to-peer compute mesh. This is the library's front door.
 *
 * @example
 * ```ts
 * import { createMeshNode } from 'mycel'
 *
 * const node = await createMeshNode({ join: process.env.MYCEL_INVITE, labels: { zone: 'eu' } })
 *
 * node.view.addEventListener('peer:left', (evt) => {
 *   const { peerId, reason } = evt.detail // reason: 'expired' | 'disconnected' | 'stopped'
 * })
 * const liveNodes = node.view.size
 * await node.stop()
 * ```
 */
import './polyfill.js'

export * from './adverts/index.js'
export * from './errors.js'
export { decodeInvite, encodeInvite, type Invite } from './net/invite.js'
export type { DialFailedDetail } from './net/keeper.js'
export type { NetworkKind } from './net/network.js'
export { generateSwarmKey } from './net/swarm-key.js'
export { protocolId } from './net/wire-names.js'
export * from './node/index.js'
export * from './scheduler/index.js'
export { VERSION } from './version.js'
