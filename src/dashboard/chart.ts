/**
 * The throughput chart: tasks completed and failed per interval over the
 * snapshot's window, as stacked bars in an inline SVG drawn to the width of
 * its box, with the current rate per second beside the title.
 */
import type { Throughput } from '../api/dashboard/snapshot.js'
import { h, setText, svg } from './dom.js'
import { formatClock, formatDuration, formatRate } from './format.js'

/** Height of the plot, in CSS pixels. */
const HEIGHT = 190
const MARGIN = { top: 12, right: 18, bottom: 24, left: 44 }

/** The span the current rate is averaged over, in ms. */
const RATE_SPAN = 10_000

/** Steps the time axis is labelled at, in ms. */
const TIME_STEPS = [
  1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000,
  3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000
]

/** Where the chart lives in the page. */
export interface ChartElements {
  /** Where the SVG goes; its width sets the chart's. */
  plot: HTMLElement
  completedRate: HTMLElement
  failedRate: HTMLElement
  caption: HTMLElement
}

/** The `#throughput` card. */
export class ThroughputChart {
  private readonly elements: ChartElements
  private last: { throughput: Throughput; at: number } | undefined
  private width = 0

  constructor(elements: ChartElements) {
    this.elements = elements

    new ResizeObserver(() => {
      const width = Math.floor(elements.plot.clientWidth)
      if (width === this.width || this.last === undefined) return
      this.draw(this.last.throughput, this.last.at)
    }).observe(elements.plot)
  }

  render(throughput: Throughput, at: number): void {
    this.last = { throughput, at }
    this.draw(throughput, at)
  }

  private draw(throughput: Throughput, at: number): void {
    const { interval, completed, failed } = throughput
    const count = Math.max(completed.length, failed.length)
    this.width = Math.floor(this.elements.plot.clientWidth)

    this.showRates(throughput, count)

    if (count === 0 || !(interval > 0) || this.width < MARGIN.left + MARGIN.right + 10) {
      this.elements.plot.replaceChildren(h('p', 'muted chart-empty', 'No throughput yet'))
      return
    }

    const width = this.width
    const plotWidth = width - MARGIN.left - MARGIN.right
    const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom
    const totals = Array.from({ length: count }, (_, i) => (completed[i] ?? 0) + (failed[i] ?? 0))
    const [top, step] = niceScale(Math.max(1, ...totals))
    const y = (value: number): number => MARGIN.top + plotHeight - (value / top) * plotHeight
    const band = plotWidth / count
    const barWidth = Math.max(1, band > 4 ? band * 0.74 : band)

    const chart = svg('svg', {
      width,
      height: HEIGHT,
      viewBox: `0 0 ${width} ${HEIGHT}`,
      role: 'img',
      'aria-label': 'Tasks completed and failed per interval'
    })

    for (let value = 0; value <= top; value += step) {
      chart.append(
        svg('line', {
          class: 'grid',
          x1: MARGIN.left,
          x2: width - MARGIN.right,
          y1: y(value),
          y2: y(value)
        }),
        svg(
          'text',
          { class: 'tick', x: MARGIN.left - 6, y: y(value) + 4, 'text-anchor': 'end' },
          String(value)
        )
      )
    }

    const end = at - (at % interval) + interval
    for (let i = 0; i < count; i++) {
      const done = completed[i] ?? 0
      const lost = failed[i] ?? 0
      const x = MARGIN.left + i * band + (band - barWidth) / 2
      const from = end - (count - i) * interval
      const soFar = i === count - 1 ? ' (so far)' : ''
      const title = `${formatClock(from)}: ${done} completed, ${lost} failed${soFar}`
      const group = svg(
        'g',
        { class: i === count - 1 ? 'bar current' : 'bar' },
        svg('title', {}, title)
      )

      group.append(
        svg('rect', {
          class: 'hit',
          x: MARGIN.left + i * band,
          y: MARGIN.top,
          width: band,
          height: plotHeight
        })
      )
      if (done > 0) group.append(rect('completed', x, y(done), barWidth, y(0) - y(done)))
      if (lost > 0)
        group.append(rect('failed', x, y(done + lost), barWidth, y(done) - y(done + lost)))
      chart.append(group)
    }

    chart.append(
      svg('line', { class: 'axis', x1: MARGIN.left, x2: width - MARGIN.right, y1: y(0), y2: y(0) })
    )
    this.drawTimeAxis(chart, count * interval, plotWidth)
    this.elements.plot.replaceChildren(chart)
  }

  private drawTimeAxis(chart: SVGSVGElement, window: number, plotWidth: number): void {
    const maxLabels = Math.max(2, Math.floor(plotWidth / 70))
    const step = TIME_STEPS.find((candidate) => window / candidate <= maxLabels) ?? window
    const right = MARGIN.left + plotWidth
    const baseline = HEIGHT - MARGIN.bottom + 16

    for (let ago = 0; ago <= window; ago += step) {
      const x = right - (ago / window) * plotWidth
      const anchor = ago === 0 ? 'end' : x - MARGIN.left < 20 ? 'start' : 'middle'
      const label = ago === 0 ? 'now' : `−${formatDuration(ago)}`

      chart.append(
        svg('line', {
          class: 'tick-mark',
          x1: x,
          x2: x,
          y1: HEIGHT - MARGIN.bottom,
          y2: HEIGHT - MARGIN.bottom + 4
        }),
        svg('text', { class: 'tick', x, y: baseline, 'text-anchor': anchor }, label)
      )
    }
  }

  private showRates(throughput: Throughput, count: number): void {
    const { interval, completed, failed } = throughput
    const full = Math.max(0, count - 1)
    const span = Math.min(full, Math.max(1, Math.round(RATE_SPAN / interval)))
    const seconds = (span * interval) / 1000
    const sum = (values: number[]): number =>
      values.slice(full - span, full).reduce((total, value) => total + value, 0)

    setText(this.elements.completedRate, seconds > 0 ? formatRate(sum(completed) / seconds) : '—')
    setText(this.elements.failedRate, seconds > 0 ? formatRate(sum(failed) / seconds) : '—')

    const done = completed.reduce((total, value) => total + value, 0)
    const lost = failed.reduce((total, value) => total + value, 0)
    setText(
      this.elements.caption,
      `${done} completed, ${lost} failed in the last ${formatDuration(count * interval)}` +
        ` · bars per ${formatDuration(interval)}` +
        ` · rate over the last ${formatDuration(span * interval)}`
    )
  }
}

function rect(kind: string, x: number, y: number, width: number, height: number): SVGRectElement {
  return svg('rect', {
    class: kind,
    x,
    y,
    width,
    height: Math.max(0, height),
    rx: Math.min(2, width / 4)
  })
}

/** A round top for the y axis and a round step between its ticks, about 4 of them. */
function niceScale(max: number): [number, number] {
  const raw = max / 4
  const magnitude = 10 ** Math.floor(Math.log10(raw))
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw)

  return [Math.ceil(max / step) * step, step]
}
