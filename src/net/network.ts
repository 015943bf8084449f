/**
 * Which kind of network a node listens on, and the libp2p settings each kind
 * needs. Pure: works from listen addresses alone.
 *
 * - `loopback`: every listen address is 127.0.0.0/8 or ::1; all peers share one
 *   host, so per-host limits and IP colocation penalties must be off.
 * - `lan`: every listen address is private or unspecified (0.0.0.0); several
 *   nodes often sit behind one address, and private addresses are the ones to
 *   share.
 * - `public`: anything else; libp2p's defaults for the open internet hold.
 */

import { isLoopback, isPrivate } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { InvalidConfigError } from '../errors.js'

export type NetworkKind = 'loopback' | 'lan' | 'public'

/** Classifies a node's listen addresses. An address that does not parse is an error. */
export function networkKind(listen: readonly string[]): NetworkKind {
  const addrs = listen.map((addr) => {
    try {
      return multiaddr(addr)
    } catch (err) {
      throw new InvalidConfigError(`expected a multiaddr to listen on, got "${addr}"`, {
        cause: err
      })
    }
  })

  if (addrs.length > 0 && addrs.every((ma) => isLoopback(ma))) {
    return 'loopback'
  }

  if (addrs.every((ma) => isPrivate(ma))) {
    return 'lan'
  }

  return 'public'
}

/** Address ranges that may open connections without the per-host rate limit. */
export function allowedInbound(kind: NetworkKind): string[] {
  return kind === 'public' ? [] : ['/ip4/127.0.0.0/ipcidr/8', '/ip6/::1/ipcidr/128']
}
