/**
 * The daemon's log: a libp2p `ComponentLogger` that writes one line per entry
 * to a stream (stderr in the daemon), as text or as JSON, kept to one level.
 *
 * Each level adds to the one before it: `silent` writes nothing; `error` the
 * `log.error()` calls of every component; `info` the `log()` calls of mycel's
 * own components (`mycel:*`); `debug` the `log()` calls of libp2p's too;
 * `trace` every `log.trace()`. An entry carries the lowest level that shows
 * it, so a `log()` of mycel's is `info` and one of libp2p's is `debug`.
 *
 * The default is `error`: mycel's `log()` calls include lines per request
 * served and per peer dialled, which would flood a busy daemon's log at `info`.
 * When `--log-level` is not given and `DEBUG` is set, the daemon keeps
 * libp2p's own logger instead, so `DEBUG=libp2p:*` works as libp2p documents.
 *
 * A level that is off costs one call of an empty function, and its logger's
 * `enabled` is false so hot code can skip building arguments. A log call never
 * throws: an argument that cannot be printed is written as `[unprintable]`,
 * and a failed write to the stream is dropped.
 *
 * Text lines read `<ISO time> <level> <component> <message>`, with newlines
 * and control characters escaped. JSON lines read
 * `{"time","level","component","msg"}`, plus for the first `%e` an `"error"`
 * object with its `name` and `message`, and its `stack` at `debug` and `trace`.
 *
 * @example
 * ```ts
 * const logger = createLogger({ level: 'info', format: 'json', stream: process.stderr })
 * logger.forComponent('mycel:daemon')('listening on %a', addr)
 * // {"time":"2025-…Z","level":"info","component":"mycel:daemon","msg":"listening on /ip4/…"}
 * ```
 */
import { format, type InspectOptions, inspect } from 'node:util'
import type { ComponentLogger, Logger } from '@libp2p/interface'
import { InvalidArgumentError } from 'commander'
import { base32 } from 'multiformats/bases/base32'
import { base58btc } from 'multiformats/bases/base58'
import { base64 } from 'multiformats/bases/base64'
import { printable } from './output.js'

/** The levels `--log-level` takes, from quietest to loudest. */
export const LOG_LEVELS = ['silent', 'error', 'info', 'debug', 'trace'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

/** The forms `--log-format` takes. */
export const LOG_FORMATS = ['text', 'json'] as const
export type LogFormat = (typeof LOG_FORMATS)[number]

export const DEFAULT_LOG_LEVEL: LogLevel = 'error'
export const DEFAULT_LOG_FORMAT: LogFormat = 'text'

/** Where log lines go: `process.stderr`, or anything with a `write`. */
export interface LogStream {
  write(line: string): unknown
  on?(event: 'error', listener: (err: Error) => void): unknown
}

export interface LoggerInit {
  /**
   * The loudest level written.
   *
   * @default 'error'
   */
  level?: LogLevel
  /**
   * One line of text per entry, or one JSON object per line.
   *
   * @default 'text'
   */
  format?: LogFormat
  /**
   * Where the lines go.
   *
   * @default process.stderr
   */
  stream?: LogStream
}

/** The level an entry is written at: a level of {@link LOG_LEVELS} that writes something. */
type EntryLevel = Exclude<LogLevel, 'silent'>

/** What the first `%e` of an entry was, for the JSON form. */
interface ErrorDetail {
  name?: string
  message: string
  stack?: string
}

/** Writes entries that pass the level; shared by every component's logger. */
interface Sink {
  enables(level: EntryLevel): boolean
  write(component: string, level: EntryLevel, formatter: unknown, args: unknown[]): void
}

/** A log function: the callable part of a {@link Logger}, or its `error` or `trace`. */
type LogFunction = ((formatter: unknown, ...args: unknown[]) => void) & { enabled: boolean }

/**
 * A component logger that writes to a stream, for libp2p's components and
 * mycel's alike.
 */
export function createLogger(init: LoggerInit = {}): ComponentLogger {
  const level = init.level ?? DEFAULT_LOG_LEVEL
  const lineOf = (init.format ?? DEFAULT_LOG_FORMAT) === 'json' ? jsonLine : textLine
  const stream = init.stream ?? process.stderr
  const threshold = LOG_LEVELS.indexOf(level)
  const withStack = threshold >= LOG_LEVELS.indexOf('debug')

  ignoreErrors(stream)

  const sink: Sink = {
    enables: (entry) => LOG_LEVELS.indexOf(entry) <= threshold,
    write: (component, entry, formatter, args) => {
      try {
        const line = lineOf(component, entry, formatMessage(formatter, args, withStack))

        stream.write(`${line}\n`)
      } catch {
        // a log line is never worth stopping the node for
      }
    }
  }

  return { forComponent: (name) => componentLogger(name, sink) }
}

/**
 * Parses `--log-level`.
 *
 * @throws {InvalidArgumentError} naming the levels, for any other value
 */
export function parseLogLevel(value: string): LogLevel {
  return oneOf(LOG_LEVELS, value)
}

/**
 * Parses `--log-format`.
 *
 * @throws {InvalidArgumentError} naming the formats, for any other value
 */
export function parseLogFormat(value: string): LogFormat {
  return oneOf(LOG_FORMATS, value)
}

function oneOf<T extends string>(allowed: readonly T[], value: string): T {
  const found = allowed.find((candidate) => candidate === value)

  if (found === undefined) {
    throw new InvalidArgumentError(`expected one of ${allowed.join(', ')}, got "${value}"`)
  }

  return found
}

/** Streams already told to drop their write errors, so none gets a listener per logger. */
const quieted = new WeakSet<LogStream>()

/** Drops the stream's `error` events: a closed stderr must not crash the daemon. */
function ignoreErrors(stream: LogStream): void {
  if (stream.on === undefined || quieted.has(stream)) {
    return
  }

  quieted.add(stream)
  stream.on('error', () => {})
}

/** A component's logger: its `log()` shows at `info` for mycel's components, `debug` for others. */
function componentLogger(name: string, sink: Sink): Logger {
  const own = name === 'mycel' || name.startsWith('mycel:')

  return Object.assign(logFunction(name, own ? 'info' : 'debug', sink), {
    error: logFunction(name, 'error', sink),
    trace: logFunction(name, 'trace', sink),
    newScope: (scope: string) => componentLogger(`${name}:${scope}`, sink)
  })
}

/** A function writing at one level, or an empty one when the sink drops that level. */
function logFunction(name: string, level: EntryLevel, sink: Sink): LogFunction {
  if (!sink.enables(level)) {
    return Object.assign(() => {}, { enabled: false })
  }

  return Object.assign(
    (formatter: unknown, ...args: unknown[]) => sink.write(name, level, formatter, args),
    { enabled: true }
  )
}

/** The width of the level in a text line, so messages line up: `error` and `debug`. */
const LEVEL_WIDTH = 5 // characters

function textLine(component: string, level: EntryLevel, message: FormattedMessage): string {
  const time = new Date().toISOString()

  return `${time} ${level.padEnd(LEVEL_WIDTH)} ${component} ${oneLine(message.msg)}`
}

function jsonLine(component: string, level: EntryLevel, message: FormattedMessage): string {
  const { msg, error } = message

  return JSON.stringify({
    time: new Date().toISOString(),
    level,
    component,
    msg,
    ...(error === undefined ? {} : { error })
  })
}

const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }

/** Text on one line: line breaks and tabs escaped, other control characters replaced. */
function oneLine(text: string): string {
  return printable(text.replace(/[\n\r\t]/g, (c) => ESCAPES[c] ?? c))
}

interface FormattedMessage {
  msg: string
  error?: ErrorDetail
}

const PLACEHOLDER = /%([a-zA-Z%])/g
/** How objects print: on one line, as deep as `debug`'s `%o` goes. */
const INSPECT: InspectOptions = { breakLength: Number.POSITIVE_INFINITY, depth: 2 }
/** How many errors of an `AggregateError` `%e` names; the rest are counted. */
const MAX_AGGREGATED = 3

/**
 * The message of a log call, printf style as libp2p's logger reads it: each
 * placeholder takes the next argument, unknown ones stay as written, and the
 * arguments left over are appended space-separated.
 */
export function formatMessage(
  formatter: unknown,
  args: readonly unknown[],
  withStack = false
): FormattedMessage {
  const rest = typeof formatter === 'string' ? [...args] : [formatter, ...args]
  const template =
    typeof formatter === 'string' ? formatter : formatter instanceof Error ? '%e' : '%O'
  let error: ErrorDetail | undefined

  const msg = template.replace(PLACEHOLDER, (match, letter: string) => {
    if (letter === '%') {
      return '%'
    }

    const convert = CONVERSIONS[letter]

    if (convert === undefined || rest.length === 0) {
      return match
    }

    const value = rest.shift()

    if (letter === 'e' && error === undefined) {
      error = safely(() => errorDetail(value, withStack))
    }

    return safely(() => convert(value)) ?? UNPRINTABLE
  })
  const tail = rest.map((value) => safely(() => appended(value)) ?? UNPRINTABLE)

  return {
    msg: [msg, ...tail].join(' '),
    ...(error === undefined ? {} : { error })
  }
}

/** What an argument that cannot be printed (its `toString` throws) prints as. */
const UNPRINTABLE = '[unprintable]'

/** An argument no placeholder took, as `util.format` appends it: a string as it is. */
const appended = (value: unknown): string =>
  typeof value === 'string' ? value : inspect(value, INSPECT)

/** The result of `fn`, or undefined when it throws: an argument's `toString` may. */
function safely<T>(fn: () => T): T | undefined {
  try {
    return fn()
  } catch {
    return undefined
  }
}

/** Prints a value as `toString()` does, `undefined` for none: libp2p's `%p %c %k %a`. */
const stringOf = (value: unknown): string => (value == null ? 'undefined' : String(value))

/** Encodes bytes with a multibase encoder, without its prefix, as libp2p's `%b %t %m` do. */
const bytesIn =
  (encoder: { baseEncode(bytes: Uint8Array): string }) =>
  (value: unknown): string =>
    value instanceof Uint8Array ? encoder.baseEncode(value) : stringOf(value)

/** The text each placeholder letter turns its argument into. */
const CONVERSIONS: Record<string, (value: unknown) => string> = {
  s: (value) => format('%s', value),
  d: (value) => format('%d', value),
  i: (value) => format('%i', value),
  f: (value) => format('%f', value),
  j: (value) => format('%j', value),
  o: (value) => inspect(value, { ...INSPECT, showHidden: true, depth: 4 }),
  O: (value) => inspect(value, INSPECT),
  p: stringOf,
  c: stringOf,
  k: stringOf,
  a: stringOf,
  e: errorText,
  b: bytesIn(base58btc),
  t: bytesIn(base32),
  m: bytesIn(base64)
}

/** An error as `%e` prints it: its message, and an `AggregateError`'s first errors' too. */
function errorText(value: unknown): string {
  if (!(value instanceof Error)) {
    return stringOf(value)
  }

  if (!(value instanceof AggregateError) || value.errors.length === 0) {
    return value.message || value.name
  }

  const inner = value.errors.slice(0, MAX_AGGREGATED).map(errorText)
  const more = value.errors.length - inner.length
  const list = more > 0 ? [...inner, `${more} more`] : inner

  return `${value.message || value.name}: ${list.join('; ')}`
}

function errorDetail(value: unknown, withStack: boolean): ErrorDetail {
  if (!(value instanceof Error)) {
    return { message: stringOf(value) }
  }

  return {
    name: value.name,
    message: errorText(value),
    ...(withStack && value.stack !== undefined ? { stack: value.stack } : {})
  }
}
