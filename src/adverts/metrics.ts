/**
 * The advert service's metrics, read from its counters when scraped:
 * `mycel_adverts_*`.
 */
import type { Metrics } from '@libp2p/interface'
import type { AdvertStats } from './service-init.js'

export interface AdvertMetricsSource {
  /** Live nodes in the view, this one included. */
  readonly view: { readonly size: number }
  stats(): AdvertStats
}

/** Registers the advert metrics of `adverts` in `metrics`. */
export function registerAdvertMetrics(metrics: Metrics, adverts: AdvertMetricsSource): void {
  metrics.registerMetric('mycel_adverts_live_peers', {
    help: "Live nodes in this node's view of the mesh, itself included",
    calculate: () => adverts.view.size
  })
  metrics.registerCounter('mycel_adverts_sent_total', {
    help: 'Adverts this node published',
    calculate: () => adverts.stats().published
  })
  metrics.registerCounter('mycel_adverts_received_total', {
    help: 'Adverts received from peers, whatever became of them',
    calculate: () => {
      const { accepted, ignored, rejected } = adverts.stats()
      return accepted + sum(ignored) + sum(rejected)
    }
  })
  metrics.registerCounter('mycel_adverts_accepted_total', {
    help: 'Adverts received and taken into the view',
    calculate: () => adverts.stats().accepted
  })
  metrics.registerCounterGroup('mycel_adverts_ignored_total', {
    label: 'reason',
    help: 'Adverts dropped without blame (stale, duplicate, rate-limited, view full), by reason',
    calculate: () => adverts.stats().ignored
  })
  metrics.registerCounter('mycel_adverts_probes_served_total', {
    help: 'Liveness probes this node made at the request of a peer',
    calculate: () => adverts.stats().probes.served
  })
  metrics.registerCounterGroup('mycel_adverts_probes_refused_total', {
    label: 'reason',
    help: 'Probe requests refused, by reason (malformed for one that could not be read)',
    calculate: () => adverts.stats().probes.refused
  })
  metrics.registerCounterGroup('mycel_adverts_rejected_total', {
    label: 'reason',
    help: 'Adverts refused as invalid, counted against their sender, by reason',
    calculate: () => adverts.stats().rejected
  })
}

function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((total, n) => total + n, 0)
}
