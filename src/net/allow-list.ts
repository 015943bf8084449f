/**
 * The mesh's membership allow-list: when it names peers, only they (and
 * the node itself) may connect, whatever key they hold. The swarm key keeps
 * strangers out; the list keeps out a machine that has the key but should
 * not be a member any more, until the key is changed.
 */
import type { ConnectionGater, Logger, PeerId } from '@libp2p/interface'

/** Peers named in log lines; past it, the oldest are forgotten and may be named again. */
const MAX_NAMED = 1_024

/** Whether `peerId` may be a member; everyone may when the list is empty. */
export type Allowed = (peerId: string) => boolean

/** The allow-list as a test; `self` is always allowed. */
export function allowListOf(peers: readonly string[], self: string): Allowed {
  if (peers.length === 0) {
    return () => true
  }

  const members = new Set([...peers, self])
  return (peerId) => members.has(peerId)
}

/**
 * A libp2p connection gater that refuses every connection with a peer not
 * on the list, in either direction, and says so once per peer.
 */
export function allowListGater(allowed: Allowed, log: Logger): ConnectionGater {
  const named = new Set<string>()
  const refuse = (peer: PeerId): boolean => {
    const id = peer.toString()

    if (allowed(id)) {
      return false
    }

    if (!named.has(id)) {
      if (named.size >= MAX_NAMED) named.clear()
      named.add(id)
      log.error('refused %p: it holds the swarm key but is not on the allow-list', peer)
    }

    return true
  }

  return {
    denyDialPeer: refuse,
    denyInboundEncryptedConnection: refuse,
    denyOutboundEncryptedConnection: refuse
  }
}
