/**
 * A node's metrics: libp2p's `Metrics` interface on a prom-client registry
 * of the node's own, so libp2p's parts and mycel's register into the same
 * place and two nodes in one process never share a series.
 *
 * `@libp2p/prometheus-metrics` is not used: it keeps the metrics it made in
 * a map shared by the whole process, so a second node's libp2p would reuse
 * the first node's counters, and it clears prom-client's global registry,
 * which belongs to the application embedding the node.
 *
 * A calculated metric (`calculate` given) is read when scraped. For a
 * counter, what `calculate` returns is the running total, not an increment:
 * mycel's parts count in their own `stats()` and report those totals;
 * updates made to a calculated metric by hand are overwritten at the next
 * scrape. A name registered again with another `calculate` keeps both:
 * their answers are merged, the later one winning for a label value both
 * answer. So two TCP listeners report one address each, and a libp2p part
 * restarted (which registers again) is not counted twice. A calculation
 * that throws, or answers what the metric cannot hold, is logged and its
 * metric reset for that scrape (a group shows no label values, a single
 * figure 0), never failing the others nor serving a stale value.
 *
 * The process's own figures (CPU, memory, event loop lag, GC) are gathered
 * once per process, whatever the number of nodes in it, and added to the
 * text of the nodes that ask for them: prom-client's collectors can never
 * be stopped, so one per node would pile up in a process that starts many.
 */

import type { MetricsRegister } from '@libp2p/gossipsub/metrics'
import type {
  CalculatedMetricOptions,
  CalculateMetric,
  ComponentLogger,
  Counter,
  CounterGroup,
  Histogram,
  HistogramGroup,
  HistogramOptions,
  Logger,
  Metric,
  MetricGroup,
  MetricOptions,
  Metrics,
  MultiaddrConnection,
  StopTimer,
  Stream,
  Summary,
  SummaryGroup,
  SummaryOptions
} from '@libp2p/interface'
import { InvalidParametersError } from '@libp2p/interface'
import * as prom from 'prom-client'
import { gossipsubRegister } from './gossipsub.js'
import { TransferCounts } from './transfer.js'
import { eachOf, entries, merge, metricName, summaryOptions, total, type Value } from './values.js'

/** Options any register call may carry; `calculate` makes the metric one read when scraped. */
type AnyOptions = MetricOptions &
  HistogramOptions &
  SummaryOptions &
  Partial<CalculatedMetricOptions<Value>>

/** What a register call hands back, by kind. */
type Made =
  | Metric
  | MetricGroup
  | Counter
  | CounterGroup
  | Histogram
  | HistogramGroup
  | Summary
  | SummaryGroup

/** What a name was registered as: a group has a label, a single metric none. */
type Kind =
  | 'gauge'
  | 'gauge group'
  | 'counter'
  | 'counter group'
  | 'histogram'
  | 'histogram group'
  | 'summary'
  | 'summary group'

interface Entry {
  kind: Kind
  metric: Made
  calculators: Array<CalculateMetric<Value>>
}

/**
 * Reads the calculated value of a metric: undefined when it has no
 * calculator, null when every calculator failed.
 */
type Read = () => Promise<Value | undefined | null>

export interface MeshMetricsInit {
  /**
   * Whether the process's own figures (CPU, memory, event loop lag, GC) are
   * added to this node's. A daemon wants them; an application embedding
   * several nodes reads them once itself.
   *
   * @default false
   */
  processMetrics?: boolean
  /** Where a failing calculation is logged. */
  logger?: ComponentLogger
}

/** The process's own figures, gathered once for every node that asks. */
let processRegistry: prom.Registry | undefined

/**
 * One node's metrics. `createMeshNode()` makes one and hands it to libp2p as
 * its metrics component, and to mycel's parts; `node.metrics` reads it.
 */
export class MeshMetrics implements Metrics {
  /** The registry every metric of this node is in (the process's figures are not). */
  readonly registry = new prom.Registry()
  private readonly process?: prom.Registry
  private readonly made = new Map<string, Entry>()
  private readonly transfer = new TransferCounts()
  private readonly log?: Logger

  constructor(init: MeshMetricsInit = {}) {
    this.log = init.logger?.forComponent('mycel:metrics')

    if (init.processMetrics === true) {
      if (processRegistry === undefined) {
        processRegistry = new prom.Registry()
        prom.collectDefaultMetrics({ register: processRegistry })
      }

      this.process = processRegistry
    }

    this.registerCounterGroup('libp2p_data_transfer_bytes_total', {
      label: 'protocol',
      help: 'Bytes sent and received, by protocol ("global" for whole connections)',
      calculate: () => this.transfer.totals()
    })
  }

  readonly [Symbol.toStringTag] = 'mycel:metrics'

  /** The Prometheus text exposition of every metric, the process's too when asked for. */
  async text(): Promise<string> {
    const own = await this.registry.metrics()

    return this.process === undefined ? own : `${own}\n${await this.process.metrics()}`
  }

  /** A register for gossipsub's own metrics, into this node's registry. */
  gossipsub(): MetricsRegister {
    return gossipsubRegister(this.registry)
  }

  /** The content type `text()` is in. */
  get contentType(): string {
    return this.registry.contentType
  }

  trackMultiaddrConnection(maConn: MultiaddrConnection): void {
    this.transfer.track(maConn, 'global')
  }

  trackProtocolStream(stream: Stream): void {
    if (stream.protocol !== undefined && stream.protocol !== '') {
      this.transfer.track(stream, stream.protocol)
    }
  }

  registerMetric(name: string, options: AnyOptions = {}): Metric {
    return this.make('gauge', name, options, (read) => {
      const gauge = new prom.Gauge({
        ...this.base(name, options, []),
        ...this.collecting<prom.Gauge>(read, (metric, value) => metric.set(total(value)))
      })

      return {
        update: (value) => gauge.set(value),
        increment: (value = 1) => gauge.inc(value),
        decrement: (value = 1) => gauge.dec(value),
        reset: () => gauge.reset(),
        timer: () => gauge.startTimer() as StopTimer
      }
    })
  }

  registerMetricGroup(name: string, options: AnyOptions = {}): MetricGroup {
    return this.make('gauge group', name, options, (read) => {
      const label = labelOf(name, options)
      const gauge = new prom.Gauge({
        ...this.base(name, options, [label]),
        // a key gone from the calculation (a closed listener, a protocol no longer used) goes too
        ...this.collecting<prom.Gauge>(read, (metric, values) => {
          metric.reset()
          for (const [key, value] of entries(values)) metric.set({ [label]: key }, value)
        })
      })

      return {
        update: (values) => eachOf(values, (key, value) => gauge.set({ [label]: key }, value)),
        increment: (values) => eachOf(values, (key, value) => gauge.inc({ [label]: key }, value)),
        decrement: (values) => eachOf(values, (key, value) => gauge.dec({ [label]: key }, value)),
        reset: () => gauge.reset(),
        timer: (key) => gauge.startTimer({ [label]: key }) as StopTimer
      }
    })
  }

  registerCounter(name: string, options: AnyOptions = {}): Counter {
    return this.make('counter', name, options, (read) => {
      const counter = new prom.Counter({
        ...this.base(name, options, []),
        ...this.collecting<prom.Counter>(read, (metric, value) => {
          metric.reset()
          metric.inc(total(value))
        })
      })

      return { increment: (value = 1) => counter.inc(value), reset: () => counter.reset() }
    })
  }

  registerCounterGroup(name: string, options: AnyOptions = {}): CounterGroup {
    return this.make('counter group', name, options, (read) => {
      const label = labelOf(name, options)
      const counter = new prom.Counter({
        ...this.base(name, options, [label]),
        ...this.collecting<prom.Counter>(read, (metric, values) => {
          metric.reset()
          for (const [key, value] of entries(values)) metric.inc({ [label]: key }, value)
        })
      })

      return {
        increment: (values) => eachOf(values, (key, value) => counter.inc({ [label]: key }, value)),
        reset: () => counter.reset()
      }
    })
  }

  registerHistogram(name: string, options: AnyOptions = {}): Histogram {
    return this.make('histogram', name, options, (read) => {
      const histogram = new prom.Histogram({
        ...this.base(name, options, []),
        ...(options.buckets === undefined ? {} : { buckets: options.buckets }),
        ...this.collecting<prom.Histogram>(read, (metric, value) => metric.observe(total(value)))
      })

      return {
        observe: (value) => histogram.observe(value),
        reset: () => histogram.reset(),
        timer: () => histogram.startTimer() as StopTimer
      }
    })
  }

  registerHistogramGroup(name: string, options: AnyOptions = {}): HistogramGroup {
    return this.make('histogram group', name, options, (read) => {
      const label = labelOf(name, options)
      const histogram = new prom.Histogram({
        ...this.base(name, options, [label]),
        ...(options.buckets === undefined ? {} : { buckets: options.buckets }),
        ...this.collecting<prom.Histogram>(read, (metric, values) => {
          for (const [key, value] of entries(values)) metric.observe({ [label]: key }, value)
        })
      })

      return {
        observe: (values) =>
          eachOf(values, (key, value) => histogram.observe({ [label]: key }, value)),
        reset: () => histogram.reset(),
        timer: (key) => histogram.startTimer({ [label]: key }) as StopTimer
      }
    })
  }

  registerSummary(name: string, options: AnyOptions = {}): Summary {
    return this.make('summary', name, options, (read) => {
      const summary = new prom.Summary({
        ...this.base(name, options, []),
        ...summaryOptions(options),
        ...this.collecting<prom.Summary>(read, (metric, value) => metric.observe(total(value)))
      })

      return {
        observe: (value) => summary.observe(value),
        reset: () => summary.reset(),
        timer: () => summary.startTimer() as StopTimer
      }
    })
  }

  registerSummaryGroup(name: string, options: AnyOptions = {}): SummaryGroup {
    return this.make('summary group', name, options, (read) => {
      const label = labelOf(name, options)
      const summary = new prom.Summary({
        ...this.base(name, options, [label]),
        ...summaryOptions(options),
        ...this.collecting<prom.Summary>(read, (metric, values) => {
          for (const [key, value] of entries(values)) metric.observe({ [label]: key }, value)
        })
      })

      return {
        observe: (values) =>
          eachOf(values, (key, value) => summary.observe({ [label]: key }, value)),
        reset: () => summary.reset(),
        timer: (key) => summary.startTimer({ [label]: key }) as StopTimer
      }
    })
  }

  /** Tracing is not collected: the function runs as it is. */
  traceFunction<F>(_name: string, fn: F): F {
    return fn
  }

  createTrace(): undefined {
    return undefined
  }

  /**
   * The metric registered under `name`, made by `create` the first time;
   * a later `calculate` joins the earlier ones.
   *
   * @throws {InvalidParametersError} when the name is taken by another kind of metric
   */
  private make<T extends Made>(
    kind: Kind,
    name: string,
    options: AnyOptions,
    create: (read: Read) => T
  ): T {
    const key = metricName(name)
    let entry = this.made.get(key)

    if (entry !== undefined && entry.kind !== kind) {
      throw new InvalidParametersError(`the metric ${key} is a ${entry.kind}, not a ${kind}`)
    }

    if (entry === undefined) {
      const calculators: Array<CalculateMetric<Value>> = []
      entry = { kind, calculators, metric: create(() => this.calculate(key, calculators)) }
      this.made.set(key, entry)
    }

    if (options.calculate !== undefined) {
      entry.calculators.push(options.calculate)
    }

    return entry.metric as T
  }

  /** What the calculators answer, merged; one that throws is logged and left out. */
  private async calculate(
    key: string,
    calculators: ReadonlyArray<CalculateMetric<Value>>
  ): Promise<Value | undefined | null> {
    let merged: Value | undefined

    for (const calculator of calculators) {
      try {
        merged = merge(merged, await calculator())
      } catch (err) {
        this.log?.error('calculating the metric %s failed - %e', key, err)
      }
    }

    return merged ?? (calculators.length === 0 ? undefined : null)
  }

  /** prom-client's `collect` hook: applies the calculated value, when there is one, at each scrape. */
  private collecting<M extends { reset(): void }>(
    read: Read,
    apply: (metric: M, value: Value) => void
  ): { collect: (this: M) => Promise<void> } {
    const log = this.log

    return {
      async collect(this: M): Promise<void> {
        const value = await read()

        if (value === undefined) return

        try {
          if (value === null) this.reset()
          else apply(this, value)
        } catch (err) {
          // what is left of a half-applied value would mislead
          this.reset()
          log?.error('a metric could not take its calculated value - %e', err)
        }
      }
    }
  }

  private base(name: string, options: AnyOptions, labelNames: string[]) {
    const key = metricName(name)

    return { name: key, help: options.help ?? key, labelNames, registers: [this.registry] }
  }
}

function labelOf(name: string, options: AnyOptions): string {
  return metricName(options.label ?? name)
}
