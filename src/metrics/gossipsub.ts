/**
 * Gossipsub's own metrics (mesh peers per topic, scores, messages by
 * outcome) in a node's registry. Gossipsub does not use libp2p's `Metrics`
 * interface but a register of its own whose gauges and histograms take
 * the same calls as prom-client's, plus `addCollect` and min/avg/max sets.
 */
import type {
  AvgMinMax,
  AvgMinMaxConfig,
  Gauge,
  GaugeConfig,
  Histogram,
  HistogramConfig,
  MetricsRegister
} from '@libp2p/gossipsub/metrics'
import * as prom from 'prom-client'

type Labels = Record<string, string | number>
type Collect = (metric: never) => void

/** A gossipsub metrics register that puts what gossipsub makes into `registry`. */
export function gossipsubRegister(registry: prom.Registry): MetricsRegister {
  return {
    gauge<L extends Labels>(config: GaugeConfig<L>): Gauge<L> {
      const collects: Collect[] = []
      const gauge = new prom.Gauge({
        name: config.name,
        help: config.help,
        labelNames: (config.labelNames ?? []) as string[],
        registers: [registry],
        collect() {
          for (const collect of collects) collect(adapter as never)
        }
      })
      const adapter = Object.assign(gauge, {
        addCollect: (collect: Collect) => collects.push(collect)
      })

      return adapter as unknown as Gauge<L>
    },

    histogram<L extends Labels>(config: HistogramConfig<L>): Histogram<L> {
      return new prom.Histogram({
        name: config.name,
        help: config.help,
        labelNames: (config.labelNames ?? []) as string[],
        ...(config.buckets === undefined ? {} : { buckets: config.buckets }),
        registers: [registry]
      }) as unknown as Histogram<L>
    },

    /** One gauge with a `stat` label: the average, least and greatest of what is set. */
    avgMinMax<L extends Labels>(config: AvgMinMaxConfig<L>): AvgMinMax<L> {
      const gauge = new prom.Gauge({
        name: config.name,
        help: `${config.help} (stat: avg, min, max)`,
        labelNames: [...((config.labelNames ?? []) as string[]), 'stat'],
        registers: [registry]
      })
      const set = (labels: Labels, values: number[]): void => {
        const stats =
          values.length === 0
            ? { avg: 0, min: 0, max: 0 }
            : {
                avg: values.reduce((sum, v) => sum + v, 0) / values.length,
                min: Math.min(...values),
                max: Math.max(...values)
              }

        for (const [stat, value] of Object.entries(stats)) gauge.set({ ...labels, stat }, value)
      }

      return {
        set: (first: Labels | number[], second?: number[]) =>
          Array.isArray(first) ? set({}, first) : set(first, second ?? [])
      } as AvgMinMax<L>
    }
  }
}
