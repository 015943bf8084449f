/**
 * Progress of a long `put`, `get` or `run --each`, written to stderr. On a terminal it is one
 * line redrawn in place; in a log or a pipe, a plain line every few seconds. Either way a last
 * line sums up. It counts bytes unless given a unit, such as tasks.
 */
import { formatBytes, formatDuration, printable } from './output.js'

/** Least time between two redraws on a terminal. */
export const DEFAULT_REDRAW_INTERVAL = 100 // ms
/** Least time between two lines when the stream is not a terminal. */
export const DEFAULT_LOG_INTERVAL = 2_000 // ms
/** Terminal width when the stream does not say, or says 0. */
const DEFAULT_COLUMNS = 80 // characters
/** Widest and narrowest bar; with less room than the narrowest, no bar. */
const MAX_BAR_WIDTH = 30 // characters
const MIN_BAR_WIDTH = 10 // characters
/** Narrowest a long label is cut to before the figures are cut instead. */
const MIN_LABEL_WIDTH = 12 // characters
/** Erases from the cursor to the end of the line. */
const CLEAR_TO_END = '\u001b[K'

/** Where progress goes: `process.stderr`, or anything that takes text and says if it is a TTY. */
export interface ProgressStream {
  write(text: string): unknown
  isTTY?: boolean
  columns?: number
}

/** Options for `createProgress`. */
export interface ProgressInit {
  /** What is moving, such as `put data.bin`; made printable. */
  label: string
  /** Bytes (or units) to move, when known; without it there is no bar, percentage or ETA. */
  total?: number
  /**
   * What is counted, as a plural noun such as `'tasks'`: figures are then whole counts
   * (`8/20 tasks  3.2 tasks/s`).
   *
   * @default bytes, in binary units
   */
  unit?: string
  stream: ProgressStream
  /**
   * The clock, in ms.
   *
   * @default Date.now
   */
  now?: () => number
}

/** A progress display. */
export interface Progress {
  /** Reports `done` bytes (or units) so far; draws only when enough time has passed since the last. */
  update(done: number): void
  /** Writes the closing line: bytes, time taken and rate. Later calls do nothing. */
  finish(): void
  /** Ends a transfer that failed: clears the bar from a terminal and writes no closing line. */
  abandon(): void
}

/**
 * Starts a progress display; its clock starts now.
 *
 * @example
 * ```ts
 * const progress = createProgress({ label: 'put data.bin', total: size, stream: process.stderr })
 *
 * for await (const piece of chunk(fileSource('data.bin'))) {
 *   done += piece.byteLength
 *   progress.update(done)
 * }
 *
 * progress.finish()
 * ```
 */
export function createProgress(init: ProgressInit): Progress {
  const { stream, total } = init
  const figures = figuresOf(init.unit)
  const now = init.now ?? Date.now
  const label = printable(init.label)
  const tty = stream.isTTY === true
  const interval = tty ? DEFAULT_REDRAW_INTERVAL : DEFAULT_LOG_INTERVAL
  const start = now()
  // a terminal shows the first update at once; a log waits a whole interval
  let drawn = tty ? Number.NEGATIVE_INFINITY : start
  let done = 0
  let finished = false

  return {
    update(bytes: number): void {
      done = bytes
      const at = now()

      if (finished || at - drawn < interval) {
        return
      }

      drawn = at
      const stats = { label, done, total, rate: rate(done, at - start), format: figures }

      if (tty) {
        // a terminal that does not know its size (a pty from `script`, some CI runners) says 0
        const columns = stream.columns || DEFAULT_COLUMNS
        stream.write(`\r${statusLine(stats, columns)}${CLEAR_TO_END}`)
      } else {
        stream.write(`${statusLine(stats)}\n`)
      }
    },

    finish(): void {
      if (finished) {
        return
      }

      finished = true
      const elapsed = now() - start
      const speed = rate(done, elapsed)
      const line =
        `${label} ${figures.amount(done)} in ${formatDuration(elapsed)}` +
        (speed === undefined ? '' : `  ${figures.rate(speed)}`)

      stream.write(tty ? `\r${line}${CLEAR_TO_END}\n` : `${line}\n`)
    },

    abandon(): void {
      if (finished) {
        return
      }

      finished = true

      if (tty && Number.isFinite(drawn)) {
        stream.write(`\r${CLEAR_TO_END}`)
      }
    }
  }
}

interface Stats {
  label: string
  done: number
  total: number | undefined
  /** Bytes (or units) a second since the start, unknown before any time has passed. */
  rate: number | undefined
  format: Figures
}

/** How amounts and rates read: bytes in binary units, or counts of a unit. */
interface Figures {
  amount(n: number): string
  /** Done against the total: `40.0 MiB / 100.0 MiB`, `8/20 tasks`. */
  ratio(done: number, total: number): string
  rate(perSecond: number): string
}

function figuresOf(unit: string | undefined): Figures {
  if (unit === undefined) {
    return {
      amount: formatBytes,
      ratio: (done, total) => `${formatBytes(done)} / ${formatBytes(total)}`,
      rate: (perSecond) => `${formatBytes(Math.round(perSecond))}/s`
    }
  }

  const name = printable(unit)

  return {
    amount: (n) => `${n} ${name}`,
    ratio: (done, total) => `${done}/${total} ${name}`,
    rate: (perSecond) => `${perSecond.toFixed(1)} ${name}/s`
  }
}

/**
 * `label [####......] 40%  40.0 MiB / 100.0 MiB  9.8 MiB/s  ETA 6s`; without the bar when
 * `columns` is not given, and made to fit when it is.
 */
function statusLine(stats: Stats, columns?: number): string {
  const { done, total, rate, format } = stats
  const parts: string[] = []

  if (total !== undefined) {
    const fraction = total > 0 ? Math.min(done / total, 1) : 1
    const left = Math.max(total - done, 0)
    const eta = rate === undefined || rate === 0 ? '-' : formatDuration((left / rate) * 1000)

    parts.push(
      `${Math.floor(fraction * 100)}%`,
      format.ratio(done, total),
      rate === undefined ? '-/s' : format.rate(rate),
      `ETA ${eta}`
    )
  } else {
    parts.push(format.amount(done), rate === undefined ? '-/s' : format.rate(rate))
  }

  if (columns === undefined) {
    return `${stats.label} ${parts.join('  ')}`
  }

  // one column spare, so the line never wraps and `\r` always returns to its start; when short
  // of room, the label is cut first, then the figures from the end
  const room = columns - 1
  const shortestLabel = Math.min(stats.label.length, MIN_LABEL_WIDTH)

  while (parts.length > 1 && shortestLabel + 1 + parts.join('  ').length > room) {
    parts.pop()
  }

  const figures = parts.join('  ')
  const labelWidth = Math.max(room - figures.length - 1, MIN_LABEL_WIDTH)
  const label = truncate(stats.label, labelWidth)
  const barWidth = Math.min(MAX_BAR_WIDTH, room - label.length - figures.length - 4)
  const bar =
    total === undefined || barWidth < MIN_BAR_WIDTH
      ? ''
      : `${drawBar(total > 0 ? done / total : 1, barWidth)} `

  return truncate(`${label} ${bar}${figures}`, room)
}

/** `[####......]` with `width` characters between the brackets. */
function drawBar(fraction: number, width: number): string {
  const filled = Math.floor(Math.min(Math.max(fraction, 0), 1) * width)

  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`
}

/** Text cut to `width` characters, ending in `…` when cut. */
function truncate(text: string, width: number): string {
  if (text.length <= width) {
    return text
  }

  return width <= 0 ? '' : `${text.slice(0, width - 1)}…`
}

function rate(done: number, elapsed: number): number | undefined {
  return elapsed > 0 ? (done / elapsed) * 1000 : undefined
}
