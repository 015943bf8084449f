/**
 * A request/response protocol's metrics, read from its counters when
 * scraped: `mycel_<part>_rpc_*`, for the part (`store`, `tasks`) it serves.
 */
import type { Metrics } from '@libp2p/interface'
import type { RpcStats } from './rpc.js'

/** Registers the metrics of the protocol whose counters `stats` reads, under `mycel_<part>_rpc_`. */
export function registerRpcMetrics(metrics: Metrics, part: string, stats: () => RpcStats): void {
  const prefix = `mycel_${part}_rpc`

  metrics.registerCounter(`${prefix}_sent_total`, {
    help: `Requests of the ${part} protocol this node sent`,
    calculate: () => stats().sent
  })
  metrics.registerCounter(`${prefix}_failed_total`, {
    help: `Requests of the ${part} protocol this node sent that failed (timeout, error, stream lost)`,
    calculate: () => stats().failed
  })
  metrics.registerCounterGroup(`${prefix}_served_total`, {
    label: 'method',
    help: `Requests of the ${part} protocol this node served, by method`,
    calculate: () => stats().served
  })
  metrics.registerCounterGroup(`${prefix}_refused_total`, {
    label: 'error',
    help: `Requests of the ${part} protocol this node refused, by the error's name`,
    calculate: () => stats().refused
  })
  metrics.registerCounterGroup(`${prefix}_streams_closed_total`, {
    label: 'reason',
    help: `Streams of the ${part} protocol closed, by reason`,
    calculate: () => stats().closed as Record<string, number>
  })
}
