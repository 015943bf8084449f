/**
 * A hostile mesh member, run as its own process by the tests so that its
 * memory is not counted as the victim's: joins with an invite token,
 * publishes `count` bad adverts as fast as it can, prints `done`, and waits
 * to be killed.
 *
 *   node --import tsx test/helpers/advert-spammer.ts <token> <count>
 */
import '../../src/polyfill.js'
import { createMeshNode } from '../../src/index.js'

const [token, count] = process.argv.slice(2)
const node = await createMeshNode({ join: token, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false })
const pubsub = node.libp2p.services.pubsub
const junk = [Uint8Array.of(0x08, 0xff, 0xff), new Uint8Array(5_000), Uint8Array.of(0x08, 0x09)]

while (pubsub.getSubscribers(node.adverts.topic).length === 0) {
  await new Promise((resolve) => setTimeout(resolve, 20))
}

for (let i = 0; i < Number(count); i++) {
  await pubsub.publish(node.adverts.topic, new Uint8Array(junk[i % junk.length] as Uint8Array))
}

process.stdout.write('done\n')
