/** The parts of `parse-prometheus-text-format` the tests use; it ships no types. */
declare module 'parse-prometheus-text-format' {
  export interface Sample {
    labels?: Record<string, string>
    /** Counters and gauges. */
    value?: string
    /** Histograms: cumulative counts by upper bound, and their count and sum. */
    buckets?: Record<string, string>
    count?: string
    sum?: string
  }

  export interface MetricFamily {
    name: string
    help: string
    type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED'
    metrics: Sample[]
  }

  export default function parsePrometheusTextFormat(text: string): MetricFamily[]
}
