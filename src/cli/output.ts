/**
 * Everything the CLI prints goes through here: results to stdout, notes and
 * errors to stderr, so a script can read stdout alone.
 */

/** Writes one or more lines to stdout. */
export function print(...lines: string[]): void {
  process.stdout.write(`${lines.join('\n')}\n`)
}

/** Writes a note or a warning to stderr. */
export function note(...lines: string[]): void {
  process.stderr.write(`${lines.join('\n')}\n`)
}

/** Writes a value as pretty JSON to stdout. */
export function printJson(value: unknown): void {
  print(JSON.stringify(value, null, 2))
}

/** Text with control characters replaced, so what a peer sent cannot drive the terminal. */
export function printable(text: string): string {
  return text.replace(/\p{Cc}/gu, '\uFFFD')
}

/** Lays rows out in columns under a header; cells are made printable. */
export function formatTable(
  header: readonly string[],
  cells: readonly (readonly string[])[]
): string {
  const rows = cells.map((row) => row.map(printable))
  const widths = header.map((title, col) =>
    Math.max(title.length, ...rows.map((row) => (row[col] ?? '').length))
  )
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, col) => (col === cells.length - 1 ? cell : cell.padEnd(widths[col] ?? 0)))
      .join('  ')

  return [line(header), ...rows.map(line)].join('\n')
}

/** Lays out `label value` pairs with the values aligned; a list value takes several lines. */
export function formatFields(fields: ReadonlyArray<readonly [string, string | string[]]>): string {
  const width = Math.max(...fields.map(([label]) => label.length))

  return fields
    .flatMap(([label, value]) => {
      const values = Array.isArray(value) ? value : [value]
      const first = `${label.padEnd(width)}  ${values[0] ?? '-'}`

      return [first, ...values.slice(1).map((v) => `${' '.repeat(width)}  ${v}`)]
    })
    .join('\n')
}

const DURATION_UNITS: Array<[number, string]> = [
  [86_400, 'd'],
  [3_600, 'h'],
  [60, 'm'],
  [1, 's']
]

/** A duration in ms as its two largest units: `4d 3h`, `2h 0m`, `3m 12s`, `12s`. */
export function formatDuration(ms: number): string {
  let rest = Math.floor(ms / 1000)
  const parts: string[] = []

  for (const [size, unit] of DURATION_UNITS) {
    const count = Math.floor(rest / size)
    rest %= size

    if (count > 0 || parts.length > 0) {
      parts.push(`${count}${unit}`)
    }
  }

  return parts.length === 0 ? '0s' : parts.slice(0, 2).join(' ')
}

/** A peer id shortened for tables: the first and last characters. */
export function shortPeerId(id: string): string {
  return id.length > 16 ? `${id.slice(0, 8)}…${id.slice(-6)}` : id
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']

/** A byte count in binary units: `512 B`, `1.5 GiB`. */
export function formatBytes(bytes: number): string {
  let value = bytes
  let unit = 0

  while (Math.abs(value) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024
    unit++
  }

  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${BYTE_UNITS[unit]}`
}
