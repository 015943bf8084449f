import { InvalidParametersError } from '@libp2p/interface'
import parsePrometheusTextFormat from 'parse-prometheus-text-format'
import { describe, expect, it } from 'vitest'
import { MeshMetrics } from '../../src/metrics/registry.js'

/** Each sample of a scrape as `name{label="value"}` → value. */
async function samples(metrics: MeshMetrics): Promise<Map<string, number>> {
  const out = new Map<string, number>()

  for (const family of parsePrometheusTextFormat(await metrics.text())) {
    for (const sample of family.metrics) {
      const labels = Object.entries(sample.labels ?? {})
        .map(([k, v]) => `${k}="${v}"`)
        .join(',')
      out.set(labels === '' ? family.name : `${family.name}{${labels}}`, Number(sample.value))
    }
  }

  return out
}

describe("a node's metrics registry", () => {
  it('adds up the calculations registered under one name', async () => {
    const metrics = new MeshMetrics()
    metrics.registerMetric('listeners_open', { calculate: () => 2 })
    metrics.registerMetric('listeners_open', { calculate: () => 3 })
    metrics.registerCounterGroup('events_total', { label: 'kind', calculate: () => ({ a: 1 }) })
    metrics.registerCounterGroup('events_total', {
      label: 'kind',
      calculate: () => ({ a: 2, b: 5 })
    })

    const scraped = await samples(metrics)
    expect(scraped.get('listeners_open')).toBe(5)
    expect(scraped.get('events_total{kind="a"}')).toBe(3)
    expect(scraped.get('events_total{kind="b"}')).toBe(5)
  })

  it('reports calculated counters as running totals, not increments', async () => {
    const metrics = new MeshMetrics()
    let total = 10
    metrics.registerCounter('things_total', { calculate: () => total })

    expect((await samples(metrics)).get('things_total')).toBe(10)
    total = 12
    expect((await samples(metrics)).get('things_total')).toBe(12)
  })

  it('drops the label values a calculation no longer answers', async () => {
    const metrics = new MeshMetrics()
    let streams: Record<string, number> = { '/a': 1, '/b': 2 }
    metrics.registerMetricGroup('streams', { label: 'protocol', calculate: () => streams })

    expect((await samples(metrics)).get('streams{protocol="/b"}')).toBe(2)
    streams = { '/a': 4 }
    const scraped = await samples(metrics)
    expect(scraped.get('streams{protocol="/a"}')).toBe(4)
    expect(scraped.has('streams{protocol="/b"}')).toBe(false)
  })

  it('leaves out a calculation that throws, and serves the rest', async () => {
    const metrics = new MeshMetrics()
    metrics.registerMetric('broken', {
      calculate: () => {
        throw new Error('no figures today')
      }
    })
    metrics.registerMetric('fine', { calculate: () => 7 })

    expect((await samples(metrics)).get('fine')).toBe(7)
  })

  it('refuses a name taken by another kind of metric', () => {
    const metrics = new MeshMetrics()
    metrics.registerCounter('taken_total')

    expect(() => metrics.registerHistogram('taken_total')).toThrow(InvalidParametersError)
    expect(metrics.registerCounter('taken_total')).toBe(metrics.registerCounter('taken_total'))
  })

  it("keeps two nodes' figures apart, and the process's once", async () => {
    const first = new MeshMetrics({ processMetrics: true })
    const second = new MeshMetrics({ processMetrics: true })
    first.registerCounter('work_total').increment(3)
    second.registerCounter('work_total').increment(1)

    const [a, b] = [await samples(first), await samples(second)]
    expect(a.get('work_total')).toBe(3)
    expect(b.get('work_total')).toBe(1)
    expect(a.has('process_cpu_seconds_total')).toBe(true)
    expect((await first.text()).match(/^process_cpu_seconds_total /gm)).toHaveLength(1)
    expect((await samples(new MeshMetrics())).has('process_cpu_seconds_total')).toBe(false)
  })
})
