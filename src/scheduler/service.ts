import type { ComponentLogger, Logger, Metrics, PeerId } from '@libp2p/interface'
import type { ConnectionManager, Registrar } from '@libp2p/interface-internal'
import type { CID } from 'multiformats/cid'
import type { Slots } from '../adverts/pb/advert.js'
import type { MeshView, ViewEntry } from '../adverts/view.js'
import { TaskNotFoundError } from '../errors.js'
import { allowListOf } from '../net/allow-list.js'
import { perSecond } from '../net/rate.js'
import { protocolId } from '../net/wire-names.js'
import type { Limits } from '../repo/limits.js'
import { type Handler, Rpc, type RpcStats } from '../rpc/index.js'
import { parseCid } from '../store/block.js'
import { Bidder } from './bidder.js'
import { MapHandle, TaskHandle } from './handle.js'
import { Handlers } from './handlers.js'
import { type ResolvedTasksInit, resolveTasksInit, type TasksInit } from './init.js'
import { MemoryGauge } from './memory.js'
import { registerTaskMetrics } from './metrics.js'
import { offerOf as nodeOffer } from './needs.js'
import type { TaskInfo, TaskRecord, TaskSummary } from './record.js'
import { normalizeSpec } from './spec.js'
import { Submitter, type SubmitterStats } from './submitter.js'
import { KindTally } from './tally.js'
import { FINAL_STATES, type TaskHandler, type TaskSpec, type TaskState } from './task.js'
import { MAX_TASK_MESSAGE } from './wire.js'
import { type Awarded, TaskWorker, type WorkerStats } from './worker.js'

export interface TaskServiceComponents {
  peerId: PeerId
  registrar: Pick<Registrar, 'handle' | 'unhandle'>
  connectionManager: Pick<ConnectionManager, 'openConnection'>
  logger: ComponentLogger
  /** Where the scheduler's figures are exposed, when the node collects metrics. */
  metrics?: Metrics
}

export interface TaskServiceParts {
  mesh: string
  view: MeshView
  /** Where slots and kinds go into this node's adverts. */
  adverts: {
    setSlots(slots: Partial<Slots>, options?: { soon?: boolean }): void
    setKinds(kinds: readonly string[]): void
  }
  store: {
    held(cid: CID): boolean
    owners(cid: CID): readonly string[]
    getBytes(cid: CID): Promise<Uint8Array>
    get(cid: CID): AsyncIterable<Uint8Array>
    put(bytes: Uint8Array): Promise<CID>
  }
  /** Execution slots this node offers. */
  slots: number
  labels: Record<string, string>
  /** GPUs this node has (found some time after start). */
  gpu(): number
  /** Rates per peer on the task protocol, and the memory of handler threads. */
  limits?: Pick<
    Limits,
    | 'cfpPerSecond'
    | 'taskRequestsPerSecond'
    | 'handlerMemory'
    | 'streamsPerConnection'
    | 'streamIdleTimeout'
  >
  /** Peer ids whose tasks this node runs; every member when empty or left out. */
  allowSubmit?: readonly string[]
}

/** One item of `map`: the task's arguments and inputs; a CID alone is the task's one input. */
export type MapItem = { args?: unknown; inputs?: ReadonlyArray<CID | string> } | CID

export interface TaskStats {
  submitter: SubmitterStats
  worker: WorkerStats
  slots: { total: number; busy: number; queued: number }
  pool?: ReturnType<Handlers['poolStats']>
  protocol: RpcStats
}

export interface ListOptions {
  /** Only tasks in this state. */
  state?: TaskState
  /** At most this many, newest first. @default 100 */
  limit?: number
}

export class TaskService {
  private readonly parts: TaskServiceParts
  private readonly init: ResolvedTasksInit
  private readonly peerId: PeerId
  private readonly served: Record<string, Handler>
  private readonly rpc: Rpc
  private readonly bidder: Bidder<Awarded>
  private readonly handlers: Handlers
  private readonly worker: TaskWorker
  private readonly submitter: Submitter
  private readonly handles = new Map<string, TaskHandle>()
  private readonly log: Logger

  constructor(components: TaskServiceComponents, parts: TaskServiceParts, init: TasksInit = {}) {
    this.parts = parts
    this.init = resolveTasksInit(init)
    this.log = components.logger.forComponent('mycel:tasks')
    this.handlers = new Handlers(
      {
        threads: parts.slots,
        modules: this.init.modules,
        builtins: this.init.builtins,
        ...(parts.limits === undefined ? {} : { memory: parts.limits.handlerMemory }),
        log: this.log
      },
      () => parts.adverts.setKinds(this.handlers.kinds())
    )
    this.bidder = new Bidder({
      slots: parts.slots,
      gpu: 0,
      queueDepth: this.init.queueDepth,
      reservationTtl: this.init.reservationTtl
    })
    const request = (
      peer: PeerId,
      method: string,
      body: Uint8Array,
      timeout?: number
    ): Promise<Uint8Array> =>
      peer.equals(components.peerId)
        ? this.local(method, body)
        : this.rpc.request(peer, method, body, timeout === undefined ? {} : { timeout })
    const memory = new MemoryGauge()
    this.worker = new TaskWorker({
      bidder: this.bidder,
      handlers: this.handlers,
      request,
      self: () => {
        const gpu = parts.gpu()
        this.bidder.setGpu(gpu)

        return {
          kinds: new Set(this.handlers.kinds()),
          slots: parts.slots,
          ...memory.now(),
          gpu,
          labels: parts.labels
        }
      },
      store: parts.store,
      // the load rides the next periodic advert: under churn it changes many
      // times a second, and those who hand this node work hear of it in answers
      onLoad: (load) => parts.adverts.setSlots(load, { soon: false }),
      heartbeatInterval: this.init.heartbeatInterval,
      ...((parts.allowSubmit?.length ?? 0) === 0
        ? {}
        : { maySubmit: allowListOf(parts.allowSubmit ?? [], components.peerId.toString()) }),
      log: this.log.newScope('worker')
    })
    const tally = new KindTally()
    const closed =
      components.metrics === undefined
        ? undefined
        : registerTaskMetrics(components.metrics, () => this.stats(), tally)
    this.submitter = new Submitter({
      request,
      byKind: tally,
      ...(closed === undefined ? {} : { closed }),
      peers: () =>
        parts.view
          .entries()
          .map((entry) => ({ peerId: entry.peerId, offer: nodeOffer(entry.advert) })),
      offer: (peer) => {
        const entry = parts.view.get(peer)
        return entry === undefined ? undefined : nodeOffer(entry.advert)
      },
      owners: (input) => parts.store.owners(this.inputCid(input)),
      candidates: this.init.candidates,
      window: this.init.auctionWindow,
      direct: this.init.directAwards,
      heartbeatTimeout: this.init.heartbeatTimeout,
      onChange: (record, change) => this.changed(record, change),
      log: this.log.newScope('submitter')
    })
    this.peerId = components.peerId
    this.served = { ...this.worker.handlers(), ...this.submitter.handlers() }
    this.rpc = new Rpc(
      { ...components, log: this.log.newScope('rpc') },
      {
        protocol: protocolId(parts.mesh, 'tasks'),
        maxMessageBytes: MAX_TASK_MESSAGE,
        handlers: this.served,
        ...(parts.limits === undefined
          ? {}
          : {
              maxInboundStreams: parts.limits.streamsPerConnection,
              idleTimeout: parts.limits.streamIdleTimeout,
              rateLimits: {
                all: perSecond(parts.limits.taskRequestsPerSecond),
                methods: { cfp: perSecond(parts.limits.cfpPerSecond) }
              }
            })
      }
    )
    parts.view.addEventListener('peer:left', (evt) => {
      this.submitter.peerLeft(evt.detail.peerId)
      this.worker.submitterLeft(evt.detail.peerId)
    })
    const changed = ({ detail }: CustomEvent<ViewEntry>): void =>
      this.submitter.viewChanged({ peerId: detail.peerId, offer: nodeOffer(detail.advert) })
    parts.view.addEventListener('peer:joined', changed)
    parts.view.addEventListener('peer:updated', changed)
  }

  async start(): Promise<void> {
    this.parts.adverts.setKinds(this.handlers.kinds())
    await this.handlers.start()
    await this.rpc.start()
    this.worker.start()
    this.submitter.start()
  }

  async stop(): Promise<void> {
    this.submitter.stop()
    await this.worker.stop()
    await this.handlers.stop()
    await this.rpc.stop()
  }

  /**
   * Runs in-process functions for a kind on this node, which then bids on
   * tasks of that kind. For CPU-bound work use a handler module instead
   * (`tasks.modules`, `mycel daemon --tasks`), which runs on worker threads.
   *
   * @throws {InvalidTaskError} when the kind name is not valid or already taken
   */
  register(kind: string, handler: TaskHandler): void {
    this.handlers.register(kind, handler)
  }

  /** Stops running a kind registered with `register`. */
  unregister(kind: string): boolean {
    return this.handlers.unregister(kind)
  }

  /** The kinds this node runs. */
  kinds(): string[] {
    return this.handlers.kinds()
  }

  /**
   * Submits a task to the mesh; it is auctioned among the nodes that run its kind.
   *
   * @throws {InvalidTaskError} when the spec is not valid
   */
  submit(spec: TaskSpec): TaskHandle {
    const record = this.submitter.submit(normalizeSpec(spec, newTaskId()))

    return this.handle(record)
  }

  /**
   * Submits one task of a kind per item, auctioned together in batches.
   *
   * @throws {InvalidTaskError} naming the first item whose spec is not valid; none is submitted then
   */
  map(
    kind: string,
    items: Iterable<MapItem>,
    options: Omit<TaskSpec, 'kind' | 'args' | 'inputs'> = {}
  ): MapHandle {
    const tasks = [...items].map((item, i) => {
      const fields = isCid(item) ? { inputs: [item] } : item

      try {
        return normalizeSpec({ ...options, kind, ...fields }, newTaskId())
      } catch (err) {
        ;(err as Error).message = `item ${i}: ${(err as Error).message}`
        throw err
      }
    })

    return new MapHandle(tasks.map((task) => this.handle(this.submitter.submit(task))))
  }

  /** Recent tasks this node submitted, newest first. */
  list(options: ListOptions = {}): TaskSummary[] {
    const limit = options.limit ?? 100
    const out: TaskSummary[] = []

    for (const record of this.submitter.all()) {
      if (out.length >= limit) break
      if (options.state === undefined || record.state === options.state) out.push(record.summary())
    }

    return out
  }

  /**
   * A task this node submitted, with its history.
   *
   * @throws {TaskNotFoundError} when this node does not know it
   */
  get(id: string): TaskInfo {
    return this.record(id).info()
  }

  /** A handle on a task this node submitted. */
  handleOf(id: string): TaskHandle {
    return this.handle(this.record(id))
  }

  /** The task's result (see `TaskHandle.result`). */
  result(id: string): Promise<unknown> {
    const record = this.record(id)
    let result = record.decoded

    if (result === undefined) {
      result = record.done.then(async (value) => {
        if ('json' in value && !('cid' in value)) return JSON.parse(value.json) as unknown
        if ('bytes' in value) return value.bytes
        const bytes = await this.parts.store.getBytes(this.inputCid(value.cid))
        return value.json ? (JSON.parse(new TextDecoder().decode(bytes)) as unknown) : bytes
      })
      result.catch(() => {})
      record.decoded = result
    }

    return result
  }

  cancel(id: string): void {
    this.submitter.cancel(this.record(id))
  }

  stats(): TaskStats {
    return {
      submitter: this.submitter.stats(),
      worker: this.worker.stats(),
      slots: { total: this.parts.slots, ...this.bidder.load },
      pool: this.handlers.poolStats(),
      protocol: this.rpc.stats()
    }
  }

  /** A request to this node itself (it may win its own tasks), served without a stream. */
  private async local(method: string, body: Uint8Array): Promise<Uint8Array> {
    const handler = this.served[method] as Handler
    const peer = this.peerId

    return handler(body, { peer, signal: new AbortController().signal })
  }

  private record(id: string): TaskRecord {
    const record = this.submitter.get(id)

    if (record === undefined) {
      throw new TaskNotFoundError(
        `no task ${JSON.stringify(id.slice(0, 64))} is known to this node`
      )
    }

    return record
  }

  private handle(record: TaskRecord): TaskHandle {
    const id = record.task.id
    let handle = this.handles.get(id)

    if (handle === undefined) {
      handle = new TaskHandle(id, {
        result: (taskId) => this.result(taskId),
        cancel: (taskId) => this.cancel(taskId),
        info: (taskId) => this.get(taskId)
      })

      if (!FINAL_STATES.has(record.state)) {
        this.handles.set(id, handle)
      }
    }

    return handle
  }

  private changed(record: TaskRecord, change: 'state' | 'progress'): void {
    const id = record.task.id
    const handle = this.handles.get(id)

    if (change === 'progress' && record.progress !== undefined) {
      handle?.safeDispatchEvent('progress', { detail: { ...record.progress } })
    } else if (change === 'state') {
      handle?.safeDispatchEvent('state', { detail: record.state })
    }

    if (FINAL_STATES.has(record.state)) {
      this.handles.delete(id)
    }
  }

  private inputCid(text: string): CID {
    return parseCid(text)
  }
}

function newTaskId(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(9))).toString('base64url')
}

function isCid(item: MapItem): item is CID {
  return (
    typeof item === 'object' &&
    item !== null &&
    (item as CID)['/'] !== undefined &&
    'multihash' in item
  )
}
