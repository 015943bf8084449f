/**
 * How numbers read on the dashboard: bytes in binary units, durations in
 * their two largest units, shares as percentages, ids shortened. Pure.
 */

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']

/** A byte count in binary units: `512 B`, `3.2 GiB`, `931 GiB`. */
export function formatBytes(bytes: number): string {
  const [value, unit] = scaleBytes(bytes)

  return `${formatScaled(value, unit)} ${BYTE_UNITS[unit]}`
}

/**
 * Two byte counts sharing one unit where they can: `3.2 / 15.6 GiB`,
 * `512 MiB / 15.6 GiB`.
 */
export function formatBytesPair(part: number, whole: number): string {
  const [wholeValue, unit] = scaleBytes(whole)
  const partValue = part / 1024 ** unit

  if (partValue >= 1 || part === 0) {
    const scaled = `${formatScaled(partValue, unit)} / ${formatScaled(wholeValue, unit)}`
    return `${scaled} ${BYTE_UNITS[unit]}`
  }

  return `${formatBytes(part)} / ${formatBytes(whole)}`
}

function scaleBytes(bytes: number): [number, number] {
  let value = Number.isFinite(bytes) ? Math.max(0, bytes) : 0
  let unit = 0

  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024
    unit++
  }

  return [value, unit]
}

function formatScaled(value: number, unit: number): string {
  if (unit === 0 || value >= 100) return Math.round(value).toString()
  return value.toFixed(1)
}

const DURATION_UNITS: Array<[number, string]> = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'min'],
  [1000, 's']
]

/** A duration in ms: `850 ms`, `1.2 s`, `12 s`, `3 min 12 s`, `2 h 5 min`, `4 d 3 h`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—'
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 10_000) return `${(ms / 1000).toFixed(1).replace(/\.0$/, '')} s`
  if (ms < 60_000) return `${Math.floor(ms / 1000)} s`

  let rest = Math.floor(ms / 1000) * 1000
  const parts: string[] = []

  for (const [size, unit] of DURATION_UNITS) {
    const count = Math.floor(rest / size)
    rest %= size

    if (count > 0 || parts.length > 0) parts.push(`${count} ${unit}`)
  }

  const [first, second] = parts
  return second === undefined || second.startsWith('0 ') ? (first ?? '0 s') : `${first} ${second}`
}

/** How old something is, in tenths of a second under a minute: `0.8 s`, `42.0 s`, `3 min 2 s`. */
export function formatAge(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—'
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  return formatDuration(ms)
}

/** A fraction from 0 to 1 as a percentage: `33.3%`, `0%`, `100%`. */
export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return '—'

  const percent = fraction * 100
  if (percent === 0 || percent === 100) return `${percent}%`
  if (percent < 0.1) return '<0.1%'

  return `${percent.toFixed(1)}%`
}

/** A count per second: `4.2/s`, `0/s`, `12/s`. */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return '0/s'
  if (perSecond >= 10) return `${Math.round(perSecond)}/s`
  return `${perSecond.toFixed(1)}/s`
}

/** A peer id as its last 8 characters, the way a task's history names peers: `…x7Yz9aQb`. */
export function shortPeerId(id: string): string {
  return id.length > 12 ? `…${id.slice(-8)}` : id
}

/** A task id as its first 8 characters. */
export function shortTaskId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id
}

const CLOCK = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23'
})

const DATE_TIME = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'medium',
  hourCycle: 'h23'
})

/** A time of day, ms since the epoch: `14:03:22`. */
export function formatClock(at: number): string {
  return CLOCK.format(at)
}

/** A date and time, ms since the epoch, for tooltips. */
export function formatDateTime(at: number): string {
  return DATE_TIME.format(at)
}

/** A load average with two significant decimals: `0.42`, `3.10`, `12.5`. */
export function formatLoad(load: number): string {
  if (!Number.isFinite(load)) return '—'
  return load >= 10 ? load.toFixed(1) : load.toFixed(2)
}
