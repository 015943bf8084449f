/**
 * How the figures are shown: a Markdown table of runs, and an SVG chart of
 * how messages per task and scheduling efficiency change with the mesh's
 * size.
 */
import type { Figures } from './figures.js'

const COLUMNS: Array<[string, (f: Figures) => string]> = [
  ['workload', (f) => f.workload],
  ['nodes', (f) => String(f.nodes)],
  ['tasks', (f) => `${f.completed}/${f.tasks}`],
  ['tasks/s', (f) => String(f.tasksPerSecond)],
  ['makespan / ideal', (f) => `${secs(f.makespan)} / ${secs(f.idealMakespan)}`],
  ['wait p50 / p99', (f) => `${f.wait.p50} / ${f.wait.p99} ms`],
  ['efficiency', (f) => String(f.efficiency)],
  ['msgs/task', (f) => String(f.messagesPerTask)],
  ['advert msgs/node/s', (f) => String(f.adverts.sentPerNodePerSecond)],
  ['bids/auction', (f) => String(f.bidsPerAuction)],
  ['local', (f) => (f.local === undefined ? '' : `${Math.round(f.local * 100)} %`)],
  [
    'blocks moved / ideal',
    (f) => (f.blocks === undefined ? '' : `${f.blocks.moved} / ${f.blocks.idealMoved}`)
  ],
  [
    'recovery tasks / blocks',
    (f) =>
      f.recovery === undefined ? '' : `${secs(f.recovery.tasksMs)} / ${secs(f.recovery.blocksMs)}`
  ],
  ['lost tasks / blocks', (f) => `${f.lost} / ${f.blocks?.lost ?? 0}`],
  ['wall', (f) => `${f.wallSeconds} s`]
]

export function table(runs: readonly Figures[]): string {
  const rows = [
    COLUMNS.map(([name]) => name),
    ...runs.map((f) => COLUMNS.map(([, cell]) => cell(f)))
  ]

  return rows
    .map((cells, i) => {
      const line = `| ${cells.join(' | ')} |`
      return i === 0 ? `${line}\n|${cells.map(() => ' --- |').join('')}` : line
    })
    .join('\n')
}

/** Messages per task by kind, for the runs given. */
export function messageTable(runs: readonly Figures[]): string {
  const kinds = [...new Set(runs.flatMap((f) => Object.keys(f.messagesByKind)))].sort()
  const header = `| workload | nodes | ${kinds.join(' | ')} |\n|${' --- |'.repeat(kinds.length + 2)}`
  const lines = runs.map(
    (f) =>
      `| ${f.workload} | ${f.nodes} | ${kinds.map((k) => f.messagesByKind[k] ?? 0).join(' | ')} |`
  )

  return [header, ...lines].join('\n')
}

/** A line chart of messages per task (left axis) and efficiency (right axis) against nodes. */
export function chart(runs: readonly Figures[]): string {
  const width = 640
  const height = 360
  const pad = { left: 60, right: 60, top: 60, bottom: 50 }
  const sorted = [...runs].sort((a, b) => a.nodes - b.nodes)
  const xs = sorted.map((f) => Math.log10(f.nodes))
  const [xMin, xMax] = [Math.min(...xs), Math.max(...xs, Math.min(...xs) + 1)]
  const msgMax = Math.max(1, ...sorted.map((f) => f.messagesPerTask)) * 1.2
  const x = (v: number): number =>
    pad.left + ((v - xMin) / (xMax - xMin)) * (width - pad.left - pad.right)
  const y = (fraction: number): number =>
    height - pad.bottom - fraction * (height - pad.top - pad.bottom)
  const line = (values: number[], colour: string): string =>
    `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${values
      .map((v, i) => `${x(xs[i] as number).toFixed(1)},${y(v).toFixed(1)}`)
      .join(' ')}"/>` +
    values
      .map(
        (v, i) =>
          `<circle cx="${x(xs[i] as number).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3" fill="${colour}"/>`
      )
      .join('')
  const ticks = sorted
    .map(
      (f, i) =>
        `<text x="${x(xs[i] as number).toFixed(1)}" y="${height - pad.bottom + 18}" text-anchor="middle">${f.nodes}</text>`
    )
    .join('')
  const leftTicks = [0, 0.5, 1]
    .map(
      (t) =>
        `<text x="${pad.left - 8}" y="${y(t) + 4}" text-anchor="end">${Math.round(t * msgMax)}</text>`
    )
    .join('')
  const rightTicks = [0, 0.5, 1]
    .map((t) => `<text x="${width - pad.right + 8}" y="${y(t) + 4}">${t}</text>`)
    .join('')

  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">mycel simulated: messages per task and scheduling efficiency by mesh size</text>
<line x1="${pad.left}" y1="${y(0)}" x2="${width - pad.right}" y2="${y(0)}" stroke="#888"/>
<line x1="${pad.left}" y1="${y(0)}" x2="${pad.left}" y2="${y(1)}" stroke="#888"/>
<line x1="${width - pad.right}" y1="${y(0)}" x2="${width - pad.right}" y2="${y(1)}" stroke="#888"/>
${ticks}${leftTicks}${rightTicks}
${line(
  sorted.map((f) => f.messagesPerTask / msgMax),
  '#1f77b4'
)}
${line(
  sorted.map((f) => f.efficiency),
  '#d62728'
)}
<text x="${width / 2}" y="${height - 10}" text-anchor="middle">nodes (log scale)</text>
<text x="${pad.left}" y="${pad.top - 14}" fill="#1f77b4">messages per task</text>
<text x="${width - pad.right}" y="${pad.top - 14}" text-anchor="end" fill="#d62728">efficiency (ideal = 1)</text>
</svg>
`
}

function secs(ms: number): string {
  return `${(ms / 1_000).toFixed(1)} s`
}
