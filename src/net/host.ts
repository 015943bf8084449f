/**
 * Builds the libp2p host of a mesh node: TCP and WebSockets, a private
 * network (pnet) around Noise and Yamux, identify, ping, a Kademlia DHT in
 * server mode, gossipsub, bootstrap and mDNS discovery, and the connection
 * keeper. Every protocol id carries the mesh name.
 */
import { bootstrap } from '@libp2p/bootstrap'
import type { GossipSub } from '@libp2p/gossipsub'
import { gossipsub } from '@libp2p/gossipsub'
import type { MetricsRegister } from '@libp2p/gossipsub/metrics'
import { createTopicScoreParams } from '@libp2p/gossipsub/score'
import { type Identify, identify } from '@libp2p/identify'
import type { ComponentLogger, Libp2p, Metrics, PrivateKey } from '@libp2p/interface'
import {
  type KadDHT,
  kadDHT,
  passthroughMapper,
  removePrivateAddressesMapper,
  removePublicAddressesMapper
} from '@libp2p/kad-dht'
import { defaultLogger } from '@libp2p/logger'
import { mdns } from '@libp2p/mdns'
import { noise } from '@libp2p/noise'
import { type Ping, ping } from '@libp2p/ping'
import { preSharedKey } from '@libp2p/pnet'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { yamux } from '@libp2p/yamux'
import type { Datastore } from 'interface-datastore'
import { createLibp2p, type Libp2pOptions } from 'libp2p'
import { type AdvertService, type AdvertServiceInit, advertService } from '../adverts/service.js'
import { type Allowed, allowListGater } from './allow-list.js'
import { type ConnectionKeeper, type ConnectionKeeperInit, connectionKeeper } from './keeper.js'
import { allowedInbound, type NetworkKind } from './network.js'
import { mdnsServiceTag, meshPrefix, protocolId, topicName } from './wire-names.js'
import { fixXsalsa20Memory } from './xsalsa20-memory.js'

/** The services every mesh node runs. */
export interface MeshServices extends Record<string, unknown> {
  identify: Identify
  ping: Ping
  dht: KadDHT
  pubsub: GossipSub
  keeper: ConnectionKeeper
  adverts: AdvertService
}

export type MeshLibp2p = Libp2p<MeshServices>

export interface HostInit {
  mesh: string
  privateKey: PrivateKey
  swarmKey: Uint8Array
  listen: string[]
  bootstrap: string[]
  mdns: boolean
  network: NetworkKind
  datastore: Datastore
  keeper: ConnectionKeeperInit
  adverts: Omit<AdvertServiceInit, 'mesh'>
  logger?: ComponentLogger
  metrics?: Metrics
  /** Where gossipsub puts its own metrics, when the node collects them. */
  gossipsubMetrics?: MetricsRegister
  /** Who may be a member; everyone with the swarm key when left out. */
  allowed?: Allowed
}

/** How often mDNS asks the LAN for peers of the mesh. */
export const MDNS_INTERVAL = 5_000 // ms
/** Inbound connections one host may open a second on a loopback or LAN mesh. */
export const LOCAL_INBOUND_THRESHOLD = 100

/**
 * How long the peer store keeps a peer's addresses, and the peer itself,
 * after it first learned them. libp2p's defaults (1 h and 6 h) would leave a
 * node that was down for an afternoon with no one to dial when it restarts.
 */
export const PEER_ADDRESS_AGE = 7 * 24 * 3_600_000 // ms: a week
export const PEER_AGE = 30 * 24 * 3_600_000 // ms: a month

/**
 * How gossipsub scores peers on the advert topic: only by penalty. Each
 * advert a peer sends that fails validation adds to a count whose square
 * costs it 10 points (three put it below the graylist threshold of -80, where
 * its messages are no longer read); the count decays by a tenth a second.
 */
const ADVERT_TOPIC_SCORE = createTopicScoreParams({
  topicWeight: 1,
  invalidMessageDeliveriesWeight: -10,
  invalidMessageDeliveriesDecay: 0.9,
  // every node sends its own adverts on a timer: delivering them earns nothing
  timeInMeshWeight: 0,
  firstMessageDeliveriesWeight: 0,
  meshMessageDeliveriesWeight: 0,
  meshFailurePenaltyWeight: 0
})

/** Creates, but does not start, the libp2p host of a mesh node. */
export async function createHost(init: HostInit): Promise<MeshLibp2p> {
  fixXsalsa20Memory()
  const local = init.network !== 'public'
  // identify and ping put a slash before their prefix themselves
  const protocolPrefix = meshPrefix(init.mesh).slice(1)
  const peerDiscovery: NonNullable<Libp2pOptions['peerDiscovery']> = []

  if (init.bootstrap.length > 0) {
    peerDiscovery.push(bootstrap({ list: init.bootstrap, timeout: 0 }))
  }

  if (init.mdns) {
    peerDiscovery.push(
      mdns({ serviceTag: mdnsServiceTag(init.mesh, init.swarmKey), interval: MDNS_INTERVAL })
    )
  }

  return createLibp2p({
    start: false,
    privateKey: init.privateKey,
    datastore: init.datastore,
    ...(init.logger === undefined ? {} : { logger: init.logger }),
    ...(init.metrics === undefined ? {} : { metrics: () => init.metrics as Metrics }),
    addresses: { listen: init.listen },
    peerStore: { maxAddressAge: PEER_ADDRESS_AGE, maxPeerAge: PEER_AGE },
    transports: [tcp(), webSockets()],
    connectionProtector: preSharedKey({ psk: init.swarmKey }),
    ...(init.allowed === undefined
      ? {}
      : {
          connectionGater: allowListGater(
            init.allowed,
            (init.logger ?? defaultLogger()).forComponent('mycel:net:allow')
          )
        }),
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    peerDiscovery,
    connectionManager: {
      allow: allowedInbound(init.network),
      ...(local ? { inboundConnectionThreshold: LOCAL_INBOUND_THRESHOLD } : {})
    },
    services: {
      identify: identify({ protocolPrefix }),
      ping: ping({ protocolPrefix }),
      dht: kadDHT({
        protocol: protocolId(init.mesh, 'kad'),
        clientMode: false,
        peerInfoMapper: peerInfoMapper(init.network),
        datastorePrefix: '/dht',
        metricsPrefix: 'mycel_net_dht'
      }),
      pubsub: gossipsub({
        allowPublishToZeroTopicPeers: true,
        ...(init.gossipsubMetrics === undefined
          ? {}
          : {
              metricsRegister: init.gossipsubMetrics,
              metricsTopicStrToLabel: new Map([[topicName(init.mesh, 'adverts', 1), 'adverts']])
            }),
        // gossipsub's protocol ids stay standard (its features are keyed on them);
        // its topics carry the mesh name instead
        fallbackToFloodsub: false,
        scoreParams: {
          // many peers behind one address is normal on loopback and LANs
          ...(local ? { IPColocationFactorWeight: 0 } : {}),
          topics: { [topicName(init.mesh, 'adverts', 1)]: ADVERT_TOPIC_SCORE }
        }
      }),
      keeper: connectionKeeper(init.keeper),
      adverts: advertService({
        ...init.adverts,
        mesh: init.mesh,
        ...(init.allowed === undefined ? {} : { allowed: init.allowed })
      })
    }
  }) as Promise<MeshLibp2p>
}

function peerInfoMapper(network: NetworkKind) {
  switch (network) {
    case 'loopback':
      return passthroughMapper
    case 'lan':
      return removePublicAddressesMapper
    case 'public':
      return removePrivateAddressesMapper
  }
}
