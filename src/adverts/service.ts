/**
 * The advert service: publishes this node's advert on the mesh's advert
 * topic every interval and at once when a figure moves, takes in every advert
 * that arrives (see `intake.ts`), and keeps the view, removing peers that
 * expire, stop or stop answering.
 */
import type { Message } from '@libp2p/gossipsub'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import type { Logger, PeerId, Startable } from '@libp2p/interface'
import { InvalidConfigError } from '../errors.js'
import { protocolId, topicName } from '../net/wire-names.js'
import { AddressBook, advertAddrs } from './addresses.js'
import { AdvertBuilder } from './builder.js'
import { isMeaningfulChange } from './change.js'
import { DepartureNotices, suspectsFrom } from './departures.js'
import { FailureDetector, shuffle } from './failure-detector.js'
import { AdvertIntake } from './intake.js'
import { registerAdvertMetrics } from './metrics.js'
import { Advert, type Gpu, type Slots, type Store } from './pb/advert.js'
import { ProbeServer, pingDirect, pingThrough } from './probe.js'
import { detectGpu, processor, type Resources, sampleResources } from './resources.js'
import {
  type AdvertServiceComponents,
  type AdvertServiceInit,
  type AdvertStats,
  DEFAULT_ADVERT_INTERVAL,
  DEFAULT_PROBE_TIMEOUT
} from './service-init.js'
import { validateAdvert } from './validate.js'
import { DEFAULT_TTL_INTERVALS, MeshView } from './view.js'

export * from './service-init.js'

/** Changes that come within this long are sent as one advert. */
const CHANGE_DEBOUNCE = 10 // ms
/** Change-driven adverts are at least this fraction of an interval apart. */
const CHANGE_SPACING = 0.1
/** Checks for expired peers and moved figures happen this many times an interval. */
const CHECKS_PER_INTERVAL = 4

/** Publishes this node's advert, takes in the mesh's, and keeps the view. */
export class AdvertService implements Startable {
  /** The live peers of the mesh, this node included. */
  readonly view: MeshView
  /** The gossipsub topic adverts travel on. */
  readonly topic: string
  private readonly components: AdvertServiceComponents
  private readonly init: AdvertServiceInit
  private readonly interval: number
  private readonly log: Logger
  private readonly intake: AdvertIntake
  private readonly builder: AdvertBuilder
  private readonly detector: FailureDetector
  private readonly probes: ProbeServer
  private published = 0
  /** Peers the detector found gone, told of in our adverts until their TTL has passed. */
  private readonly departures = new DepartureNotices()
  private last?: Advert
  private gpu?: Gpu
  private timer?: ReturnType<typeof setInterval>
  private debounce?: ReturnType<typeof setTimeout>
  /** The publish under way; each waits for the one before, so sequence numbers go out in order. */
  private publishing: Promise<void> = Promise.resolve()
  private running = false
  private readonly addresses: AddressBook

  constructor(components: AdvertServiceComponents, init: AdvertServiceInit) {
    this.components = components
    this.init = init
    this.interval = init.interval ?? DEFAULT_ADVERT_INTERVAL
    this.topic = topicName(init.mesh, 'adverts', 1)
    this.log = components.logger.forComponent('mycel:adverts')
    this.view = new MeshView({
      ...(init.ttlIntervals === undefined ? {} : { ttlIntervals: init.ttlIntervals })
    })
    this.intake = new AdvertIntake(
      this.view,
      init.allowed === undefined ? {} : { allowed: init.allowed }
    )
    this.builder = new AdvertBuilder({
      interval: this.interval,
      software: init.software,
      startedAt: Date.now(),
      slots: init.slots ?? processor().cores,
      labels: init.labels ?? {}
    })

    const timeout = init.probeTimeout ?? DEFAULT_PROBE_TIMEOUT
    this.probes = new ProbeServer({
      protocol: protocolId(init.mesh, 'probe'),
      view: this.view,
      ping: components.ping,
      connectionManager: components.connectionManager,
      addressKnown: async (peer) => {
        const known = await components.peerStore.get(peer).catch(() => undefined)
        return (known?.addresses.length ?? 0) > 0
      },
      // a helper must answer before the asker gives up on it
      timeout: timeout * 0.6,
      log: this.log
    })
    this.detector = this.createDetector(timeout)
    this.addresses = new AddressBook(
      this.view,
      components.peerStore,
      components.peerId.toString(),
      this.log
    )
    this.onDisconnect = this.onDisconnect.bind(this)
    this.onSubscription = this.onSubscription.bind(this)

    if (components.metrics !== undefined) {
      registerAdvertMetrics(components.metrics, this)
    }
  }

  readonly [Symbol.toStringTag] = 'mycel:adverts'

  async start(): Promise<void> {
    await this.probes.start(this.components.registrar)
    this.addresses.start()
    this.components.events.addEventListener('peer:disconnect', this.onDisconnect)
  }

  /** Joins the topic once gossipsub runs, and publishes the first advert. */
  async afterStart(): Promise<void> {
    const { pubsub } = this.components
    pubsub.topicValidators.set(this.topic, (_from, message) => this.validate(message))
    pubsub.subscribe(this.topic)
    pubsub.addEventListener('subscription-change', this.onSubscription)

    this.running = true
    this.builder.restart(Date.now())
    // the first advert is checked as peers will check it: a config they would refuse fails here
    await this.publishNow()
    this.timer = setInterval(() => this.check(), Math.max(this.interval / CHECKS_PER_INTERVAL, 10))

    detectGpu()
      .then((gpu) => {
        this.gpu = gpu
        if (gpu !== undefined) this.publishSoon()
      })
      .catch((err: Error) => {
        this.log.error('could not look for GPUs - %e', err)
      })
  }

  /** Tells the mesh this node is stopping, while its connections are still open. */
  async beforeStop(): Promise<void> {
    this.running = false
    clearInterval(this.timer)
    clearTimeout(this.debounce)
    this.debounce = undefined
    this.detector.stop()

    // the leaving advert must be the last one: wait for any publish under way
    await this.publishing
    const advert = this.builder.build(await this.sample(), Date.now(), true)
    await this.send(advert).catch((err: Error) => {
      this.log.error('could not announce the stop - %e', err)
    })

    // gossipsub stops alongside this service: leave the topic while it still runs, and
    // keep the validator until then (a topic without one accepts anything)
    const { pubsub } = this.components
    pubsub.removeEventListener('subscription-change', this.onSubscription)
    pubsub.unsubscribe(this.topic)
    pubsub.topicValidators.delete(this.topic)
  }

  async stop(): Promise<void> {
    this.components.events.removeEventListener('peer:disconnect', this.onDisconnect)
    this.addresses.stop()
    await this.probes.stop(this.components.registrar)
    this.view.clear()
  }

  /** GPUs this machine has, as far as found (0 until `nvidia-smi` has answered). */
  get gpuCount(): number {
    return this.gpu?.count ?? 0
  }

  /** Counts of adverts sent, taken, dropped and refused by reason. */
  stats(): AdvertStats {
    return { ...this.intake.stats(), published: this.published, probes: this.probes.stats() }
  }

  /**
   * Updates the slot figures and tells the mesh at once, or with the next
   * periodic advert when `soon` is false: the scheduler's load changes many
   * times a second under churn, and the nodes that hand it work hear its
   * room in their answers, so they wait for the next advert.
   *
   * @throws {InvalidConfigError} when busy slots would exceed the total
   */
  setSlots(slots: Partial<Slots>, { soon = true }: { soon?: boolean } = {}): void {
    if (this.builder.setSlots(slots) && soon) {
      this.publishSoon()
    }
  }

  /** Sets the task kinds this node runs and tells the mesh at once. */
  setKinds(kinds: readonly string[]): void {
    if (this.builder.setKinds(kinds)) {
      this.publishSoon()
    }
  }

  /** Sets the block store's figures; tells the mesh at once when they moved enough to matter. */
  setStore(store: Store): void {
    this.builder.setStore(store)

    if (this.last === undefined || isMeaningfulChange(this.last, { ...this.last, store })) {
      this.publishSoon()
    }
  }

  private validate(message: Message): TopicValidatorResult {
    if (message.type !== 'signed') {
      return TopicValidatorResult.Reject
    }

    const author = message.from.toString()

    if (author === this.components.peerId.toString()) {
      return TopicValidatorResult.Ignore
    }

    const verdict = this.intake.take(author, message.data, Date.now())

    if (verdict.result === 'accept') {
      const self = this.components.peerId.toString()
      for (const peer of suspectsFrom(verdict.advert.departed, this.view, self)) {
        this.detector.suspect(peer)
      }

      return TopicValidatorResult.Accept
    }

    this.log.trace(
      '%s advert from %p: %s (%s)',
      verdict.result,
      message.from,
      verdict.reason,
      verdict.detail
    )

    return verdict.result === 'reject' ? TopicValidatorResult.Reject : TopicValidatorResult.Ignore
  }

  /** Runs a few times an interval: expires peers, and publishes when due or when figures moved. */
  private check(): void {
    this.view.expire(Date.now(), this.components.peerId.toString())

    this.sample()
      .then((resources) => {
        // publish half a check early rather than half a check late
        const due =
          Date.now() - (this.last?.time ?? 0) >= this.interval * (1 - 0.5 / CHECKS_PER_INTERVAL)
        const moved =
          this.last !== undefined && isMeaningfulChange(this.last, { ...this.last, ...resources })

        if (due || moved) {
          return this.publishNow(resources)
        }
      })
      .catch((err: Error) => {
        this.log.error('advert check failed - %e', err)
      })
  }

  /** Publishes soon: after a short debounce, and no sooner than the change spacing allows. */
  private publishSoon(): void {
    if (!this.running || this.debounce !== undefined) {
      return
    }

    const spacing = (this.last?.time ?? 0) + this.interval * CHANGE_SPACING - Date.now()
    this.debounce = setTimeout(
      () => {
        this.debounce = undefined
        this.publishNow().catch((err: Error) => {
          this.log.error('could not publish the advert - %e', err)
        })
      },
      Math.max(CHANGE_DEBOUNCE, spacing)
    )
  }

  private publishNow(resources?: Resources): Promise<void> {
    const next = this.publishing.then(() => this.publish(resources))
    // the chain itself never rejects; the caller hears of a failure
    this.publishing = next.catch(() => {})

    return next
  }

  private async publish(resources?: Resources): Promise<void> {
    const sampled = resources ?? (await this.sample())

    if (!this.running) {
      return
    }

    const now = Date.now()
    this.builder.setDeparted(this.departures.current(now))
    this.builder.setAddrs(advertAddrs(this.components.addressManager.getAddresses()))
    const advert = this.builder.build(sampled, now)
    this.last = advert
    this.view.apply(this.components.peerId.toString(), advert, advert.time)
    await this.send(advert)
  }

  /**
   * Sends an advert, after checking it as every peer will.
   *
   * @throws {InvalidConfigError} when peers would refuse it (too many labels or kinds, say)
   */
  private async send(advert: Advert): Promise<void> {
    const bytes = Advert.encode(advert)
    const checked = validateAdvert(bytes, { now: advert.time })

    if (!checked.ok) {
      throw new InvalidConfigError(
        `peers would refuse this node's advert (${checked.reason}: ${checked.detail})`
      )
    }

    await this.components.pubsub.publish(this.topic, bytes)
    this.published++
    this.log.trace('published advert %d', advert.seq)
  }

  /** A peer the detector found gone: tell the mesh, so nodes not connected to it check too. */
  private onGone(peer: PeerId, seq: number): void {
    const ttl = this.interval * (this.init.ttlIntervals ?? DEFAULT_TTL_INTERVALS)
    this.departures.add(peer, seq, Date.now() + ttl)
    this.publishSoon()
  }

  private sample(): Promise<Resources> {
    return sampleResources(this.init.diskPath ?? '.', this.gpu)
  }

  private onDisconnect(evt: CustomEvent<PeerId>): void {
    if (this.running) {
      this.detector.suspect(evt.detail)
    }
  }

  /** A peer that joins the topic hears from us at once, not at our next interval. */
  private onSubscription(
    evt: CustomEvent<{ subscriptions: Array<{ topic: string; subscribe: boolean }> }>
  ): void {
    if (evt.detail.subscriptions.some((sub) => sub.topic === this.topic && sub.subscribe)) {
      this.publishSoon()
    }
  }

  private createDetector(timeout: number): FailureDetector {
    const { ping, connectionManager } = this.components

    return new FailureDetector({
      view: this.view,
      timeout,
      log: this.log,
      onGone: (peer, seq) => this.onGone(peer, seq),
      pingDirect: (peer, signal) => pingDirect({ ping }, peer, { signal }),
      pingThrough: (via, peer, signal) =>
        pingThrough(connectionManager, this.probes.protocol, via, peer, { signal }),
      helpersFor: (peer, count) =>
        shuffle(
          connectionManager
            .getConnections()
            .map((conn) => conn.remotePeer)
            .filter((id) => !id.equals(peer) && this.view.has(id.toString()))
        ).slice(0, count)
    })
  }
}

/** A libp2p service factory: `services: { adverts: advertService({ mesh, software }) }`. */
export function advertService(
  init: AdvertServiceInit
): (components: AdvertServiceComponents) => AdvertService {
  return (components) => new AdvertService(components, init)
}
