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
  it('merges the calculations registered under one name, the later winning', async () => {
    const metrics = new MeshMetrics()
    // two listeners, one address each
    metrics.registerMetricGroup('inbound', { label: 'address', calculate: () => ({ a: 1 }) })
    metrics.registerMetricGroup('inbound', { label: 'address', calculate: () => ({ b: 5 }) })
    // a part started twice registers twice, and reads the same thing
    const connections = { inbound: 2 }
    metrics.registerMetricGroup('connections', { label: 'dir', calculate: () => connections })
    metrics.registerMetricGroup('connections', { label: 'dir', calculate: () => connections })

    const scraped = await samples(metrics)
    expect(scraped.get('inbound{address="a"}')).toBe(1)
    expect(scraped.get('inbound{address="b"}')).toBe(5)
    expect(scraped.get('connections{dir="inbound"}')).toBe(2)
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

  it('resets a metric whose calculation fails, and serves the rest', async () => {
    const metrics = new MeshMetrics()
    metrics.registerMetric('broken', {
      calculate: () => {
        throw new Error('no figures today')
      }
    })
    metrics.registerMetric('fine', { calculate: () => 7 })
    metrics.registerCounter('backwards_total', { calculate: () => -1 })
    let good = true
    metrics.registerMetricGroup('flaky', {
      label: 'k',
      calculate: () => {
        if (!good) throw new Error('gone')
        return { a: 1 }
      }
    })

    expect((await samples(metrics)).get('flaky{k="a"}')).toBe(1)
    good = false
    const scraped = await samples(metrics)
    expect(scraped.get('fine')).toBe(7)
    expect(scraped.get('broken')).toBe(0)
    expect(scraped.get('backwards_total')).toBe(0)
    // a value that can no longer be calculated is not served stale
    expect(scraped.has('flaky{k="a"}')).toBe(false)
  })

  it('refuses a name taken by another kind of metric', () => {
    const metrics = new MeshMetrics()
    metrics.registerCounter('taken_total')

    expect(() => metrics.registerHistogram('taken_total')).toThrow(InvalidParametersError)
    expect(() => metrics.registerCounterGroup('taken_total')).toThrow(InvalidParametersError)
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
