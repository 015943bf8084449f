/**
 * The advert service: publishes this node's advert on the mesh's advert
 * topic every interval and at once when a figure moves, checks every advert
 * that arrives, and keeps the view, removing peers that expire, stop or
 * stop answering.
 */
import type { GossipSub, Message } from '@libp2p/gossipsub'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import type { ComponentLogger, Libp2pEvents, Logger, PeerId, Startable } from '@libp2p/interface'
import type { ConnectionManager, Registrar } from '@libp2p/interface-internal'
import type { Ping } from '@libp2p/ping'
import type { TypedEventTarget } from 'main-event'
import { protocolId, topicName } from '../net/wire-names.js'
import { AdvertBuilder } from './builder.js'
import { isMeaningfulChange } from './change.js'
import { FailureDetector } from './failure-detector.js'
import { Advert, type Gpu, type Slots } from './pb/advert.js'
import { answerProbe, pingDirect, pingThrough } from './probe.js'
import { detectGpu, sampleResources } from './resources.js'
import { REJECT_REASONS, type RejectReason, validateAdvert } from './validate.js'
import { MeshView } from './view.js'

/** How often a node publishes its advert. */
export const DEFAULT_ADVERT_INTERVAL = 1_000 // ms
/** How long each of the two liveness pings may take. */
export const DEFAULT_PROBE_TIMEOUT = 500 // ms
/** Changes that come within this long are sent as one advert. */
const CHANGE_DEBOUNCE = 10 // ms
/** Checks for expired peers and moved figures happen this many times an interval. */
const CHECKS_PER_INTERVAL = 4

export interface AdvertServiceInit {
  /** The mesh, which names the topic and the probe protocol. */
  mesh: string

  /**
   * How often to publish, in ms.
   *
   * @default 1000
   */
  interval?: number

  /**
   * Intervals without an advert before a peer leaves the view.
   *
   * @default 3
   */
  ttlIntervals?: number

  /**
   * Execution slots this node offers.
   *
   * @default the number of cores
   */
  slots?: number

  /** Free-form `key=value` labels, e.g. `{ zone: 'eu' }`. */
  labels?: Record<string, string>

  /**
   * A path on the disk whose capacity the advert reports.
   *
   * @default the working directory
   */
  diskPath?: string

  /**
   * How long each liveness ping may take, in ms.
   *
   * @default 500
   */
  probeTimeout?: number

  /** What the advert says of the software. */
  software: string
}

export interface AdvertServiceComponents {
  peerId: PeerId
  pubsub: GossipSub
  ping: Ping
  registrar: Registrar
  connectionManager: ConnectionManager
  events: TypedEventTarget<Libp2pEvents>
  logger: ComponentLogger
}

/** What the advert service has seen, for status and metrics. */
export interface AdvertStats {
  published: number
  accepted: number
  duplicates: number
  rejected: Record<RejectReason, number>
}

export class AdvertService implements Startable {
  /** The live peers of the mesh, this node included. */
  readonly view: MeshView
  /** The gossipsub topic adverts travel on. */
  readonly topic: string
  private readonly components: AdvertServiceComponents
  private readonly init: AdvertServiceInit
  private readonly interval: number
  private readonly probeProtocol: string
  private readonly log: Logger
  private readonly detector: FailureDetector
  private readonly counts: AdvertStats
  private builder?: AdvertBuilder
  private last?: Advert
  private gpu?: Gpu
  private timer?: ReturnType<typeof setInterval>
  private debounce?: ReturnType<typeof setTimeout>
  private running = false

  constructor(components: AdvertServiceComponents, init: AdvertServiceInit) {
    this.components = components
    this.init = init
    this.interval = init.interval ?? DEFAULT_ADVERT_INTERVAL
    this.topic = topicName(init.mesh, 'adverts', 1)
    this.probeProtocol = protocolId(init.mesh, 'probe')
    this.log = components.logger.forComponent('mycel:adverts')
    this.view = new MeshView({
      ...(init.ttlIntervals === undefined ? {} : { ttlIntervals: init.ttlIntervals })
    })
    this.counts = {
      published: 0,
      accepted: 0,
      duplicates: 0,
      rejected: Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<
        RejectReason,
        number
      >
    }
    this.detector = this.createDetector(init.probeTimeout ?? DEFAULT_PROBE_TIMEOUT)
    this.onDisconnect = this.onDisconnect.bind(this)
  }

  readonly [Symbol.toStringTag] = 'mycel:adverts'

  async start(): Promise<void> {
    const { registrar, ping } = this.components
    const timeout = (this.init.probeTimeout ?? DEFAULT_PROBE_TIMEOUT) * 2

    await registrar.handle(
      this.probeProtocol,
      (stream, connection) => answerProbe({ ping }, stream, connection, timeout, this.log),
      { maxInboundStreams: 4, maxOutboundStreams: 4 }
    )
    this.components.events.addEventListener('peer:disconnect', this.onDisconnect)
    this.running = true
  }

  /** Joins the topic once gossipsub runs, and publishes the first advert. */
  async afterStart(): Promise<void> {
    const { pubsub } = this.components
    pubsub.topicValidators.set(this.topic, (_from, message) => this.validate(message))
    pubsub.subscribe(this.topic)

    const startedAt = Date.now()
    this.builder = new AdvertBuilder({
      interval: this.interval,
      software: this.init.software,
      startedAt,
      slots: this.init.slots ?? (await sampleResources('.')).cpu.cores,
      labels: this.init.labels ?? {}
    })
    await this.publish()
    this.timer = setInterval(() => this.check(), Math.max(this.interval / CHECKS_PER_INTERVAL, 10))

    detectGpu()
      .then((gpu) => {
        this.gpu = gpu
        if (gpu !== undefined) this.publishSoon()
      })
      .catch(() => {})
  }

  /** Tells the mesh this node is stopping, while its connections are still open. */
  async beforeStop(): Promise<void> {
    this.running = false
    clearInterval(this.timer)
    clearTimeout(this.debounce)
    this.detector.stop()

    if (this.builder !== undefined) {
      const advert = this.builder.build(await this.sample(), Date.now(), true)
      await this.send(advert).catch((err: Error) => {
        this.log.error('could not announce the stop - %e', err)
      })
    }

    // gossipsub stops alongside this service: leave the topic while it still runs
    const { pubsub } = this.components
    pubsub.topicValidators.delete(this.topic)
    pubsub.unsubscribe(this.topic)
  }

  async stop(): Promise<void> {
    const { registrar, events } = this.components
    events.removeEventListener('peer:disconnect', this.onDisconnect)
    await registrar.unhandle(this.probeProtocol)
    this.view.clear()
    this.builder = undefined
  }

  /** Counts of adverts sent, taken and refused by reason. */
  stats(): AdvertStats {
    return { ...this.counts, rejected: { ...this.counts.rejected } }
  }

  /** Updates the slot figures and tells the mesh at once. */
  setSlots(slots: Partial<Slots>): void {
    if (this.builder?.setSlots(slots) === true) {
      this.publishSoon()
    }
  }

  /** Sets the task kinds this node runs and tells the mesh at once. */
  setKinds(kinds: readonly string[]): void {
    if (this.builder?.setKinds(kinds) === true) {
      this.publishSoon()
    }
  }

  private validate(message: Message): TopicValidatorResult {
    if (message.type !== 'signed') {
      this.counts.rejected.undecodable++
      return TopicValidatorResult.Reject
    }

    const from = message.from.toString()

    if (from === this.components.peerId.toString()) {
      return TopicValidatorResult.Ignore
    }

    const now = Date.now()
    const result = validateAdvert(message.data, { now, lastSeq: this.view.lastSeq(from) })

    if (result.ok) {
      this.counts.accepted++
      this.view.apply(from, result.advert, now)
      return TopicValidatorResult.Accept
    }

    if (result.reason === 'duplicate') {
      this.counts.duplicates++
      return TopicValidatorResult.Ignore
    }

    this.counts.rejected[result.reason]++
    this.log('rejected an advert from %p: %s (%s)', message.from, result.reason, result.detail)

    return TopicValidatorResult.Reject
  }

  /** Runs a few times an interval: expires peers, and publishes when due or when figures moved. */
  private check(): void {
    const self = this.components.peerId.toString()
    this.view.expire(Date.now(), self)

    void this.sample()
      .then((resources) => {
        const due = Date.now() - (this.last?.time ?? 0) >= this.interval

        if (
          this.running &&
          (due ||
            (this.last !== undefined &&
              isMeaningfulChange(this.last, { ...this.last, ...resources })))
        ) {
          return this.publish(resources)
        }
      })
      .catch((err: Error) => {
        this.log.error('advert check failed - %e', err)
      })
  }

  private publishSoon(): void {
    if (!this.running || this.debounce !== undefined) {
      return
    }

    this.debounce = setTimeout(() => {
      this.debounce = undefined
      this.publish().catch((err: Error) => {
        this.log.error('could not publish the advert - %e', err)
      })
    }, CHANGE_DEBOUNCE)
  }

  private async publish(resources?: Awaited<ReturnType<AdvertService['sample']>>): Promise<void> {
    const builder = this.builder

    if (builder === undefined) {
      return
    }

    const advert = builder.build(resources ?? (await this.sample()), Date.now())
    this.last = advert
    this.view.apply(this.components.peerId.toString(), advert, advert.time)
    await this.send(advert)
  }

  private async send(advert: Advert): Promise<void> {
    await this.components.pubsub.publish(this.topic, Advert.encode(advert))
    this.counts.published++
    this.log.trace('published advert %d', advert.seq)
  }

  private sample() {
    return sampleResources(this.init.diskPath ?? '.', this.gpu)
  }

  private onDisconnect(evt: CustomEvent<PeerId>): void {
    if (this.running) {
      this.detector.suspect(evt.detail)
    }
  }

  private createDetector(timeout: number): FailureDetector {
    const { ping, connectionManager } = this.components
    const openStream = async (
      peer: PeerId,
      protocol: string,
      options: { signal?: AbortSignal }
    ) => {
      const connection = await connectionManager.openConnection(peer, options)
      return connection.newStream(protocol, options)
    }

    return new FailureDetector({
      view: this.view,
      timeout,
      log: this.log,
      pingDirect: (peer, signal) => pingDirect({ ping }, peer, { signal }),
      pingThrough: (via, peer, signal) =>
        pingThrough({ ping, openStream }, this.probeProtocol, via, peer, { signal }),
      helperFor: (peer) =>
        connectionManager
          .getConnections()
          .map((conn) => conn.remotePeer)
          .find((id) => !id.equals(peer) && this.view.has(id.toString()))
    })
  }
}

/** A libp2p service factory: `services: { adverts: advertService({ mesh, software }) }`. */
export function advertService(
  init: AdvertServiceInit
): (components: AdvertServiceComponents) => AdvertService {
  return (components) => new AdvertService(components, init)
}
