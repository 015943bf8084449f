/**
 * Attacks only a member can make: adverts, under its own names or
 * another's, and blocks served that are not what was asked for.
 */
import { randomBytes } from 'node:crypto'
import { RPC } from '@libp2p/gossipsub/message'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { createMeshNode } from '../../../src/index.js'
import { GetResponse } from '../../../src/store/pb/blocks.js'
import { bytes, type Command, open, quietly, sleep, str } from './context.js'
import { prefixed } from './raw.js'

export const memberAttacks: Record<string, Command> = {
  /**
   * Publishes bytes on the advert topic under a new identity of its own (a
   * rejected advert lowers its sender's score, and three put a sender on
   * gossipsub's graylist, where nothing more of it is read).
   */
  async publish(context, args) {
    const node = await createMeshNode({
      join: context.join,
      listen: ['/ip4/127.0.0.1/tcp/0'],
      mdns: false,
      slots: 0,
      store: { quota: 0 }
    })
    context.extras.push(node)
    const pubsub = node.libp2p.services.pubsub
    const topic = node.adverts.topic
    const victim = str(args, 'peer')

    while (!pubsub.getSubscribers(topic).some((peer) => peer.toString() === victim)) {
      await sleep(20)
    }

    await pubsub.publish(topic, bytes(args, 'data'))

    return { from: node.peerId.toString() }
  },

  /**
   * Sends a gossipsub message on the advert topic straight to the victim,
   * claiming `from` (another peer) as its author, with a signature the
   * attacker could not make for it.
   */
  async forge(context, args) {
    const stream = await open(context, str(args, 'peer'), str(args, 'protocol'))
    const from: PeerId = peerIdFromString(str(args, 'from'))
    const rpc = RPC.encode({
      subscriptions: [],
      messages: [
        {
          from: from.toMultihash().bytes,
          data: bytes(args, 'data'),
          seqno: randomBytes(8),
          topic: str(args, 'topic'),
          signature: randomBytes(64)
        }
      ]
    })
    stream.send(prefixed(rpc))
    await sleep(200)
    quietly(stream.close())

    return { sent: rpc.byteLength }
  },

  /**
   * From now on, answers every `get` of the block protocol with bytes that
   * are not the block asked for, as a node with a rotten or lying store
   * would. Reports how many it served so far.
   */
  async serveCorrupt(context) {
    // a hostile peer runs code of its own: here, the real node with one handler swapped
    const rpc = (context.node.store as unknown as { rpc: { handlers: Record<string, unknown> } })
      .rpc
    rpc.handlers.get = async () => {
      context.corruptServed++
      return GetResponse.encode({ found: true, data: randomBytes(1_024), replicas: 1 })
    }

    return context.corruptServed
  },

  /** How many `get` requests it answered with bytes that are not the block. */
  async corruptServed(context) {
    return context.corruptServed
  }
}
