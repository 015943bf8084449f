/**
 * Which kind of network a node listens on, and the libp2p settings each kind
 * needs. Pure: works from listen addresses alone.
 *
 * - `loopback`: every listen address is 127.0.0.0/8 or ::1; all peers share one
 *   host, so per-host limits and IP colocation penalties must be off.
 * - `lan`: every listen address is private; several nodes often sit behind
 *   one address, and private addresses are the ones to share.
 * - `public`: anything else; libp2p's defaults for the open internet hold.
 *
 * An unspecified address (`0.0.0.0`, `::`) listens on every interface, so it
 * counts as public when any of the machine's interfaces has a public address.
 */

import { isLinkLocalIp, isLoopback, isPrivate, isPrivateIp } from '@libp2p/utils'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { InvalidConfigError } from '../errors.js'

export type NetworkKind = 'loopback' | 'lan' | 'public'

/**
 * Classifies a node's listen addresses, given the IP addresses of the
 * machine's interfaces (for unspecified listen addresses). An address that
 * does not parse is an error.
 */
export function networkKind(
  listen: readonly string[],
  interfaces: readonly string[] = []
): NetworkKind {
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

  const anyPublicInterface = interfaces.some((ip) => !isPrivateIp(ip) && !isLinkLocalIp(ip))
  const local = (ma: Multiaddr): boolean =>
    isUnspecified(ma) ? !anyPublicInterface : isPrivate(ma)

  if (addrs.every(local)) {
    return 'lan'
  }

  return 'public'
}

/** Address ranges that may open connections without the per-host rate limit. */
export function allowedInbound(kind: NetworkKind): string[] {
  return kind === 'public' ? [] : ['/ip4/127.0.0.0/ipcidr/8', '/ip6/::1/ipcidr/128']
}

function isUnspecified(ma: Multiaddr): boolean {
  const host = ma.getComponents()[0]?.value

  return host === '0.0.0.0' || host === '::'
}
