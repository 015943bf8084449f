/**
 * What every attack can reach, and the ways it opens streams: as many as it
 * likes, over as many connections as it likes, whatever its own node's
 * handlers would allow it.
 */
import type { Stream } from '@libp2p/interface'
import type { Registrar } from '@libp2p/interface-internal'
import { peerIdFromString } from '@libp2p/peer-id'
import type { MeshNode } from '../../../src/index.js'

/** What every command can reach: the attacker's own node and the mesh's invite. */
export interface Context {
  node: MeshNode
  join: string
  /** Further identities, each a node of its own, made for attacks that burn one. */
  extras: MeshNode[]
  /** `get` requests answered with bytes that are not the block, once `serveCorrupt` ran. */
  corruptServed: number
}

export type Args = Record<string, unknown>
export type Command = (context: Context, args: Args) => Promise<unknown>

/** Answers as large as any mycel protocol sends. */
export const MAX_ANSWER = 9 * 1024 * 1024
/** Requests a mycel protocol serves at once on one stream (its `maxInFlight`). */
export const SERVED_AT_ONCE = 64

export const str = (args: Args, key: string): string => String(args[key])
export const num = (args: Args, key: string, fallback?: number): number =>
  args[key] === undefined ? (fallback as number) : Number(args[key])
export const bytes = (args: Args, key: string): Uint8Array => Buffer.from(str(args, key), 'base64')
export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms))

export async function open(context: Context, peer: string, protocol: string): Promise<Stream> {
  unlimit(context.node, protocol)

  return context.node.libp2p.dialProtocol(peerIdFromString(peer), protocol, {
    signal: AbortSignal.timeout(5_000),
    maxOutboundStreams: 1_024
  })
}

/**
 * Lifts the attacker's own cap on streams it opens with a protocol: the
 * handler it registered for the protocol says one or two, and an attacker
 * does not hold itself to that.
 */
function unlimit(node: MeshNode, protocol: string): void {
  const { registrar } = (node.libp2p as unknown as { components: { registrar: Registrar } })
    .components

  try {
    registrar.getHandler(protocol).options.maxOutboundStreams = 1_024
  } catch {
    // a protocol the attacker does not serve itself has no cap of its own
  }
}

/**
 * Opens `count` streams to a peer, spread over `connections` connections:
 * the one libp2p keeps, and more dialled anew (`force`), as an attacker may.
 * A stream the victim refuses is reported by its error's name.
 */
export async function openMany(
  context: Context,
  args: Args
): Promise<Array<Stream | { refused: string }>> {
  const peer = peerIdFromString(str(args, 'peer'))
  const protocol = str(args, 'protocol')
  const connections = [await context.node.libp2p.dial(peer)]
  const addrs = (await context.node.libp2p.peerStore.get(peer)).addresses.map((a) =>
    a.multiaddr.encapsulate(`/p2p/${peer}`)
  )

  while (connections.length < num(args, 'connections', 1)) {
    connections.push(
      await context.node.libp2p.dial(addrs, { force: true, signal: AbortSignal.timeout(5_000) })
    )
  }

  unlimit(context.node, protocol)

  return Promise.all(
    Array.from({ length: num(args, 'count', 1) }, async (_, i) => {
      try {
        const connection = connections[i % connections.length] as (typeof connections)[number]

        return await connection.newStream(protocol, {
          signal: AbortSignal.timeout(5_000),
          maxOutboundStreams: 1_024
        })
      } catch (err) {
        return { refused: (err as Error).name }
      }
    })
  )
}

export function quietly(promise: Promise<unknown>): void {
  promise.catch(() => {})
}
