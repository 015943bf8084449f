/**
 * The options of an embedded mesh node, and how they are settled: from an
 * invite token, a data directory, or plain values, in that order of
 * precedence below whatever the caller sets directly.
 */

import { networkInterfaces } from 'node:os'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { ComponentLogger, PrivateKey } from '@libp2p/interface'
import { MemoryDatastore } from 'datastore-core'
import type { Datastore } from 'interface-datastore'
import { equals } from 'uint8arrays'
import type { AdvertServiceInit } from '../adverts/service.js'
import { MAX_ADVERT_INTERVAL, MIN_ADVERT_INTERVAL } from '../adverts/validate.js'
import { DataDirError, InvalidConfigError } from '../errors.js'
import type { MeshMetricsInit } from '../metrics/registry.js'
import { decodeInvite, type Invite } from '../net/invite.js'
import type { ConnectionKeeperInit } from '../net/keeper.js'
import { DEFAULT_TARGET_CONNECTIONS } from '../net/keeper.js'
import { type NetworkKind, networkKind } from '../net/network.js'
import { assertSwarmKey, generateSwarmKey, swarmKeySecret } from '../net/swarm-key.js'
import { assertMeshName, DEFAULT_MESH } from '../net/wire-names.js'
import { assertBootstrap, assertCount, assertLabels, assertMultiaddrs } from '../repo/config.js'
import { assertPeerIds, type Limits, resolveLimits } from '../repo/limits.js'
import { Repo } from '../repo/repo.js'
import { resolveTasksInit, type TasksInit } from '../scheduler/init.js'
import { type ResolvedStoreInit, resolveStoreInit, type StoreInit } from '../store/init.js'
import { VERSION } from '../version.js'

/** Whether a node looks for peers on the LAN unless told otherwise. */
export const DEFAULT_MDNS = true

/** Where an embedded node listens unless told otherwise: any free port, TCP and WebSockets. */
export const DEFAULT_LISTEN = ['/ip4/0.0.0.0/tcp/0', '/ip4/0.0.0.0/tcp/0/ws']

export interface MeshNodeInit {
  /**
   * An invite token (from `mycel invite` or `node.invite()`): joins that mesh,
   * taking its name, swarm key and bootstrap addresses.
   */
  join?: string

  /**
   * A data directory that keeps the node's key, the swarm key and the peer
   * store across restarts, as the daemon does. Set up on first use. Without
   * one the node keeps everything in memory and gets a new peer id each time.
   */
  dataDir?: string

  /**
   * The mesh name; it is part of every protocol id.
   *
   * @default 'default'
   */
  mesh?: string

  /**
   * The mesh's swarm key (libp2p pnet format). Without a key, a token or a
   * data directory, the node starts a new private mesh of its own, which
   * others join through `node.invite()`.
   */
  swarmKey?: Uint8Array

  /** The node's private key; a new Ed25519 key unless a data directory holds one. */
  privateKey?: PrivateKey

  /**
   * Multiaddrs to listen on.
   *
   * @default ['/ip4/0.0.0.0/tcp/0', '/ip4/0.0.0.0/tcp/0/ws']
   */
  listen?: string[]

  /** Multiaddrs, ending in `/p2p/<peer id>`, of peers to join the mesh through. */
  bootstrap?: string[]

  /**
   * Find peers of the same mesh on the LAN with mDNS.
   *
   * @default true
   */
  mdns?: boolean

  /**
   * The kind of network, which picks the DHT address filter and the per-host
   * limits. `'auto'` works it out from the listen addresses.
   *
   * @default 'auto'
   */
  network?: NetworkKind | 'auto'

  /**
   * How many peers the node keeps connections to.
   *
   * @default 8
   */
  targetConnections?: number

  /** Finer settings of the connection keeper (intervals, backoff). */
  keeper?: Omit<ConnectionKeeperInit, 'target'>

  /** Free-form `key=value` labels this node advertises, e.g. `{ zone: 'eu', gpu: 'a100' }`. */
  labels?: Record<string, string>

  /**
   * Execution slots this node offers.
   *
   * @default the number of cores
   */
  slots?: number

  /** Finer settings of the resource adverts (interval, TTL, probe timeout). */
  adverts?: Pick<AdvertServiceInit, 'interval' | 'ttlIntervals' | 'probeTimeout'>

  /**
   * The block store: how much this node offers the mesh and how data is
   * kept (copies, chunk size, cache, repair). With a data directory, blocks
   * live on disk under `blocks/`; without one, in memory.
   */
  store?: StoreInit

  /**
   * The scheduler: handler modules run on worker threads, the built-in
   * kinds, and the auction's and supervision's settings.
   */
  tasks?: TasksInit

  /** A datastore for the peer store and DHT records; the data directory's when one is given. */
  datastore?: Datastore

  /** The logger components log through; libp2p's default (the `DEBUG` variable) if not given. */
  logger?: ComponentLogger

  /**
   * Rates per peer on each protocol and the memory of task handlers; any
   * left out are the data directory's config's, else the defaults (see
   * `DEFAULT_LIMITS`).
   */
  limits?: Partial<Limits>

  /**
   * Peer ids that may be members of the mesh with this node: a peer not on
   * the list is refused a connection, whatever key it holds. Empty or left
   * out: every holder of the swarm key (the config's `allowPeers`).
   */
  allowPeers?: string[]

  /**
   * Peer ids whose tasks this node runs: a call for proposals or an award
   * from anyone else is refused with the reason `not allowed to submit`.
   * Empty or left out: every member (the config's `allowSubmit`).
   */
  allowSubmit?: string[]

  /**
   * The node's metrics (libp2p's and mycel's, in a Prometheus registry of
   * its own: `node.metrics`), or `false` to collect none.
   *
   * @default {} (no process-wide figures: see `MeshMetricsInit.processMetrics`)
   */
  metrics?: MeshMetricsInit | false

  /**
   * Start the node before `createMeshNode()` returns.
   *
   * @default true
   */
  start?: boolean
}

/** Options with every choice made. */
export interface ResolvedInit {
  mesh: string
  swarmKey: Uint8Array
  privateKey: PrivateKey
  listen: string[]
  bootstrap: string[]
  mdns: boolean
  network: NetworkKind
  keeper: ConnectionKeeperInit
  adverts: Omit<AdvertServiceInit, 'mesh'>
  datastore: Datastore
  store: ResolvedStoreInit
  tasks: TasksInit
  limits: Limits
  allowPeers: string[]
  allowSubmit: string[]
  repo?: Repo
  logger?: ComponentLogger
}

/** Settles every option, opening (or setting up) the data directory if one is given. */
export async function resolveInit(init: MeshNodeInit): Promise<ResolvedInit> {
  // check what was given before anything is written to a data directory
  const invite = init.join === undefined ? undefined : decodeInvite(init.join)
  checkGiven(init)
  const repo = init.dataDir === undefined ? undefined : await openRepo(init, invite)
  const mesh = assertMeshName(init.mesh ?? invite?.mesh ?? repo?.config.mesh ?? DEFAULT_MESH)
  const listen = assertMultiaddrs('listen', init.listen ?? repo?.config.listen ?? DEFAULT_LISTEN)
  const bootstrap = assertBootstrap([
    ...new Set([...(init.bootstrap ?? repo?.config.bootstrap ?? []), ...(invite?.addrs ?? [])])
  ])
  const limits = resolveLimits({ ...repo?.config.limits, ...init.limits })
  const target = assertCount(
    'targetConnections',
    init.targetConnections ?? repo?.config.targetConnections ?? DEFAULT_TARGET_CONNECTIONS
  )

  return {
    mesh,
    swarmKey: assertSwarmKey(
      init.swarmKey ?? repo?.swarmKey ?? invite?.swarmKey ?? generateSwarmKey()
    ),
    privateKey: init.privateKey ?? repo?.privateKey ?? (await generateKeyPair('Ed25519')),
    listen,
    bootstrap,
    mdns: init.mdns ?? repo?.config.mdns ?? DEFAULT_MDNS,
    network:
      init.network === undefined || init.network === 'auto'
        ? networkKind(listen, interfaceAddresses())
        : init.network,
    keeper: { ...init.keeper, target },
    adverts: {
      ...init.adverts,
      software: `mycel/${VERSION}`,
      labels: assertLabels(init.labels ?? repo?.config.labels ?? {}),
      diskPath: repo?.dir ?? process.cwd(),
      ...(init.slots === undefined ? {} : { slots: init.slots })
    },
    datastore: init.datastore ?? (await repo?.openDatastore()) ?? new MemoryDatastore(),
    store: resolveStoreInit(
      {
        streamIdleTimeout: limits.streamIdleTimeout,
        ...(repo === undefined
          ? {}
          : { quota: repo.config.storeQuota, replicas: repo.config.replicas }),
        ...init.store
      },
      repo !== undefined
    ),
    tasks: init.tasks ?? {},
    limits,
    allowPeers: assertPeerIds('allowPeers', init.allowPeers ?? repo?.config.allowPeers ?? []),
    allowSubmit: assertPeerIds('allowSubmit', init.allowSubmit ?? repo?.config.allowSubmit ?? []),
    ...(repo === undefined ? {} : { repo }),
    ...(init.logger === undefined ? {} : { logger: init.logger })
  }
}

function checkGiven(init: MeshNodeInit): void {
  if (init.mesh !== undefined) assertMeshName(init.mesh)
  if (init.listen !== undefined) networkKind(init.listen)
  if (init.bootstrap !== undefined) assertBootstrap(init.bootstrap)
  if (init.swarmKey !== undefined) assertSwarmKey(init.swarmKey)
  if (init.labels !== undefined) assertLabels(init.labels)
  if (init.slots !== undefined) assertCount('slots', init.slots)
  if (init.limits !== undefined) resolveLimits(init.limits)
  if (init.allowPeers !== undefined) assertPeerIds('allowPeers', init.allowPeers)
  if (init.allowSubmit !== undefined) assertPeerIds('allowSubmit', init.allowSubmit)
  checkAdverts(init.adverts ?? {})
  resolveStoreInit(init.store ?? {}, init.dataDir !== undefined)
  resolveTasksInit(init.tasks ?? {})
  if (init.targetConnections !== undefined) {
    assertCount('targetConnections', init.targetConnections)
  }
}

function checkAdverts(adverts: NonNullable<MeshNodeInit['adverts']>): void {
  const { interval, ttlIntervals, probeTimeout } = adverts

  if (
    interval !== undefined &&
    !(
      Number.isInteger(interval) &&
      interval >= MIN_ADVERT_INTERVAL &&
      interval <= MAX_ADVERT_INTERVAL
    )
  ) {
    throw new InvalidConfigError(
      `expected the advert interval to be ${MIN_ADVERT_INTERVAL}-${MAX_ADVERT_INTERVAL} ms, got ${interval}`
    )
  }

  if (ttlIntervals !== undefined && !(Number.isInteger(ttlIntervals) && ttlIntervals >= 2)) {
    throw new InvalidConfigError(`expected ttlIntervals to be an integer >= 2, got ${ttlIntervals}`)
  }

  if (probeTimeout !== undefined && !(probeTimeout > 0)) {
    throw new InvalidConfigError(`expected probeTimeout to be above 0 ms, got ${probeTimeout}`)
  }
}

/**
 * Opens the data directory. A new one is set up for the invite's mesh; an
 * existing one must belong to the mesh the invite is for, and remembers the
 * invite's addresses as bootstrap peers.
 */
async function openRepo(init: MeshNodeInit, invite?: Invite): Promise<Repo> {
  const dir = init.dataDir as string
  const repo = await Repo.openOrInit(dir, {
    config: {
      ...(init.mesh === undefined ? {} : { mesh: init.mesh }),
      ...(invite === undefined ? {} : { mesh: invite.mesh, bootstrap: invite.addrs })
    },
    ...(init.swarmKey === undefined ? {} : { swarmKey: init.swarmKey }),
    ...(invite === undefined ? {} : { swarmKey: invite.swarmKey })
  })

  if (init.mesh !== undefined && init.mesh !== repo.config.mesh) {
    throw new DataDirError(
      `${dir} belongs to mesh "${repo.config.mesh}", not "${init.mesh}"; use another --data-dir`
    )
  }

  if (
    init.swarmKey !== undefined &&
    !equals(swarmKeySecret(repo.swarmKey), swarmKeySecret(init.swarmKey))
  ) {
    throw new DataDirError(
      `${dir} holds another swarm key than the one given; use another --data-dir`
    )
  }

  if (invite === undefined) {
    return repo
  }

  if (
    repo.config.mesh !== invite.mesh ||
    !equals(swarmKeySecret(repo.swarmKey), swarmKeySecret(invite.swarmKey))
  ) {
    throw new DataDirError(
      `${dir} belongs to mesh "${repo.config.mesh}", but the invite is for ` +
        `another mesh ("${invite.mesh}"); use another --data-dir`
    )
  }

  const bootstrap = [...new Set([...repo.config.bootstrap, ...invite.addrs])]

  if (bootstrap.length !== repo.config.bootstrap.length) {
    await repo.saveConfig({ ...repo.config, bootstrap })
  }

  return repo
}

/** The IP addresses of this machine's network interfaces. */
function interfaceAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address))
}
