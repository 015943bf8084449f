/**
 * A simulated mesh: nodes on a virtual network and clock, each publishing
 * an advert every interval, heard by the submitters' views after a gossip
 * delay; blocks on the ring, kept at r copies; and a log of every task run
 * and every task settled, for the figures.
 */
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import type { PeerId } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { TaskRecord } from '../../src/scheduler/record.js'
import { Blocks } from './blocks.js'
import { VirtualClock } from './clock.js'
import { type NetworkInit, VirtualNetwork } from './network.js'
import { ADVERT_INTERVAL, type RunEvent, SimNode } from './node.js'
import { below, type Random, seeded } from './random.js'

/** Hops an advert takes through gossipsub's mesh to reach a node, on average. */
const GOSSIP_HOPS = 3
/** How often a view drops the peers whose adverts stopped, per advert interval (as the daemon does). */
const CHECKS_PER_INTERVAL = 4

export interface MeshInit {
  nodes: number
  /** Nodes that may join later, for churn. */
  spares?: number
  slots: number
  /** Nodes that submit tasks (the first ones; they are never made to fail). */
  submitters: number
  replicas: number
  seed: number
  network: NetworkInit
}

export const DEFAULT_NETWORK: NetworkInit = {
  latency: { min: 0.1, max: 1 },
  jitter: 0.2,
  loss: 0.001,
  bandwidth: 125_000 // bytes a ms: 1 Gbit/s
}

export class SimMesh {
  readonly clock: VirtualClock
  readonly network: VirtualNetwork
  readonly random: Random
  readonly blocks: Blocks
  readonly nodes: SimNode[] = []
  readonly init: MeshInit
  /** The last run of each task, by task id. */
  readonly runs = new Map<string, RunEvent>()
  /** Runs that began, every attempt counted. */
  started = 0
  /** Tasks settled, by id. */
  readonly settled = new Map<string, TaskRecord>()
  /** Bids each auction had. */
  readonly bidsPerAuction: number[] = []
  advertsPublished = 0
  private readonly log = defaultLogger().forComponent('mycel:simulate')
  /** Peer ids for the nodes to come, drawn from the seed so that runs repeat. */
  private readonly ids: PeerId[]

  private constructor(init: MeshInit, ids: PeerId[]) {
    this.ids = ids
    this.init = init
    this.random = seeded(init.seed)
    this.clock = new VirtualClock(this.random)
    this.network = new VirtualNetwork(this.clock, this.random, init.network)
    this.blocks = new Blocks(this.clock, init.replicas, (node) => this.network.isUp(node))
  }

  static async create(init: MeshInit): Promise<SimMesh> {
    const ids: PeerId[] = []

    for (let i = 0; i < init.nodes + (init.spares ?? 0); i++) {
      const seed = new Uint8Array(32)
      new DataView(seed.buffer).setUint32(0, init.seed)
      new DataView(seed.buffer).setUint32(4, i)
      ids.push(peerIdFromPrivateKey(await generateKeyPairFromSeed('Ed25519', seed)))
    }

    const mesh = new SimMesh(init, ids)

    for (let i = 0; i < init.nodes; i++) {
      mesh.add()
    }

    // every view holds every node before work begins
    await mesh.clock.run(mesh.clock.now() + 2 * ADVERT_INTERVAL)

    return mesh
  }

  get submitters(): SimNode[] {
    return this.nodes.slice(0, this.init.submitters).filter((n) => n.up)
  }

  get live(): SimNode[] {
    return this.nodes.filter((n) => n.up)
  }

  /** Starts a new node; it is heard of with its first advert. */
  add(): SimNode | undefined {
    const index = this.nodes.length
    const id = this.ids[index]
    if (id === undefined) return undefined

    const node = new SimNode(
      {
        index,
        slots: this.init.slots,
        submits: index < this.init.submitters,
        clock: this.clock,
        network: this.network,
        holds: (peer, cid) => this.blocks.holds(peer, cid),
        owners: (cid) => this.blocks.ownersOf(cid),
        ran: (event) => {
          // what a crashed node would still do is not done
          if (!this.network.isUp(event.node)) return
          if (event.end === undefined) this.started++
          this.runs.set(event.id, event)
        },
        settled: (record) => this.settled.set(record.task.id, record),
        closed: (_, bids) => this.bidsPerAuction.push(bids),
        log: this.log
      },
      id
    )
    this.nodes.push(node)
    node.start()
    this.watch(node)
    this.publish(node)
    this.clock.setTimeout(
      () => this.whileUp(node, ADVERT_INTERVAL, () => this.publish(node)),
      below(this.random, ADVERT_INTERVAL)
    )

    return node
  }

  /** Runs `task` every `ms` for as long as `node` is up. */
  private whileUp(node: SimNode, ms: number, task: () => void): void {
    const interval = this.clock.setInterval(() => {
      if (node.up) task()
      else this.clock.clearInterval(interval)
    }, ms)
  }

  private publish(node: SimNode): void {
    const advert = node.advert()
    this.advertsPublished++
    const submitters = this.submitters
    const hops = GOSSIP_HOPS * this.network.delay(node.id, submitters[0]?.id ?? node.id, 300)

    this.clock.setTimeout(() => {
      for (const submitter of submitters) submitter.hear(node.id, advert)
    }, hops)
  }

  /** A submitter's view checks for peers gone silent; the first submitter's view also drives the ring. */
  private watch(node: SimNode): void {
    const { view } = node
    if (view === undefined) return

    if (node.index === 0) {
      view.addEventListener('peer:joined', ({ detail }) => this.blocks.join(detail.peerId))
      view.addEventListener('peer:left', ({ detail }) => this.blocks.leave(detail.peerId))
    }

    this.whileUp(node, ADVERT_INTERVAL / CHECKS_PER_INTERVAL, () => node.expire())
  }
}
