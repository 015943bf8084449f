import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { InvalidArgumentError } from 'commander'
import { Key } from 'interface-datastore'
import { CID } from 'multiformats/cid'
import { describe, expect, it } from 'vitest'
import {
  createLogger,
  formatMessage,
  LOG_LEVELS,
  type LogFormat,
  type LogLevel,
  parseLogFormat,
  parseLogLevel
} from '../../src/cli/logger.js'

const PEER = '12D3KooWB6MiaPmKd9cUNdoypYMZFS1fMGLBmu1yfaGvkUs35hCy'
const CID_V1 = 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku'

interface Entry {
  time: string
  level: string
  component: string
  msg: string
  error?: { name?: string; message: string; stack?: string }
}

/** A logger writing to an array, one string per line, and the array. */
function capture(level: LogLevel, format: LogFormat = 'json') {
  const lines: string[] = []
  const logger = createLogger({
    level,
    format,
    stream: {
      write: (chunk: string) => {
        lines.push(chunk)
      }
    }
  })

  return { logger, lines, entries: () => lines.map((line) => JSON.parse(line) as Entry) }
}

/** Logs once at each kind of call from a mycel and a libp2p component. */
function logEverything(level: LogLevel): string[] {
  const { logger, entries } = capture(level)

  for (const name of ['mycel:store', 'libp2p:dht']) {
    const log = logger.forComponent(name)
    log('log')
    log.error('error')
    log.trace('trace')
  }

  return entries().map((entry) => `${entry.level} ${entry.component} ${entry.msg}`)
}

const msg = (formatter: unknown, ...args: unknown[]): string => formatMessage(formatter, args).msg

describe('the daemon logger', () => {
  it('writes only what each level lets through', () => {
    expect(logEverything('silent')).toEqual([])
    expect(logEverything('error')).toEqual(['error mycel:store error', 'error libp2p:dht error'])
    expect(logEverything('info')).toEqual([
      'info mycel:store log',
      'error mycel:store error',
      'error libp2p:dht error'
    ])
    expect(logEverything('debug')).toEqual([
      'info mycel:store log',
      'error mycel:store error',
      'debug libp2p:dht log',
      'error libp2p:dht error'
    ])
    expect(logEverything('trace')).toEqual([
      'info mycel:store log',
      'error mycel:store error',
      'trace mycel:store trace',
      'debug libp2p:dht log',
      'error libp2p:dht error',
      'trace libp2p:dht trace'
    ])
  })

  it('says which levels are enabled, so hot code can skip formatting', () => {
    const { logger } = capture('info')
    const mycel = logger.forComponent('mycel:tasks')
    const libp2p = logger.forComponent('libp2p:connection-manager')

    expect(mycel.enabled).toBe(true)
    expect(libp2p.enabled).toBe(false)
    expect((mycel.error as unknown as { enabled: boolean }).enabled).toBe(true)
    expect((mycel.trace as unknown as { enabled: boolean }).enabled).toBe(false)
    expect(capture('silent').logger.forComponent('mycel:x').enabled).toBe(false)
  })

  it('never formats the arguments of a disabled call', () => {
    const { logger, lines } = capture('error')
    const costly = {
      toString: () => {
        throw new Error('formatted although disabled')
      }
    }

    logger.forComponent('libp2p:dht').trace('peer %s', costly)
    logger.forComponent('mycel:store')('peer %s', costly)
    expect(lines).toEqual([])
  })

  it('keeps the mycel prefix in a new scope', () => {
    const { logger, entries } = capture('info')

    logger.forComponent('mycel:store').newScope('repair')('scoped')
    logger.forComponent('libp2p').newScope('mycel')('not ours')
    expect(entries()).toMatchObject([{ component: 'mycel:store:repair', level: 'info' }])
  })

  it('writes JSON lines that parse, with an ISO time', () => {
    const { logger, lines, entries } = capture('info')

    logger.forComponent('mycel:daemon')('running on %s\nand "quoted"', 'here')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^\{.*\}\n$/)
    const [entry] = entries()
    expect(entry).toMatchObject({
      level: 'info',
      component: 'mycel:daemon',
      msg: 'running on here\nand "quoted"'
    })
    expect(new Date(entry!.time).toISOString()).toBe(entry!.time)
  })

  it('writes text lines of time, level, component and message, on one line', () => {
    const { logger, lines } = capture('info', 'text')

    logger.forComponent('mycel:api')('first\nsecond\r\tthird \u001b[2J')
    expect(lines).toHaveLength(1)
    const [time, rest] = [lines[0]!.slice(0, 24), lines[0]!.slice(24)]
    expect(new Date(time).toISOString()).toBe(time)
    expect(rest).toBe(' info  mycel:api first\\nsecond\\r\\tthird \uFFFD[2J\n')
  })

  it('adds the error to a JSON line, with its stack only at debug and trace', () => {
    const failure = new TypeError('disk on fire')

    for (const level of ['error', 'info'] as const) {
      const { logger, entries } = capture(level)
      logger.forComponent('mycel:store').error('put failed - %e', failure)
      expect(entries()).toEqual([
        expect.objectContaining({
          msg: 'put failed - disk on fire',
          error: { name: 'TypeError', message: 'disk on fire' }
        })
      ])
    }

    for (const level of ['debug', 'trace'] as const) {
      const { logger, entries } = capture(level)
      logger.forComponent('mycel:store').error('put failed - %e', failure)
      expect(entries()[0]?.error?.stack).toMatch(/^TypeError: disk on fire\n\s+at /)
    }
  })

  it('does not throw for an argument that cannot be printed', () => {
    const { logger, entries } = capture('trace')
    const hostile = {
      toString: () => {
        throw new Error('no')
      }
    }
    const badError = new Error('x')
    Object.defineProperty(badError, 'message', {
      get: () => {
        throw new Error('no message')
      }
    })
    const log = logger.forComponent('mycel:rpc')

    expect(() => log('a %s b %p c', hostile, hostile)).not.toThrow()
    expect(() => log.error('failed - %e', badError)).not.toThrow()
    expect(entries().map((entry) => entry.msg)).toEqual([
      'a [unprintable] b [unprintable] c',
      'failed - [unprintable]'
    ])
  })

  it('does not throw when the stream does', () => {
    const logger = createLogger({
      level: 'trace',
      stream: {
        write: () => {
          throw new Error('EPIPE')
        }
      }
    })

    expect(() => logger.forComponent('mycel:node')('hello')).not.toThrow()
  })
})

describe('log message formatting', () => {
  it("prints printf's placeholders as Node does", () => {
    expect(msg('%s and %s', 'text', 12n)).toBe('text and 12n')
    expect(msg('%d %i %f', '42', '42.9', '1.5')).toBe('42 42 1.5')
    expect(msg('%j', { a: [1, 'b'] })).toBe('{"a":[1,"b"]}')
    expect(msg('%O', { a: { b: 1 } })).toBe('{ a: { b: 1 } }')
    expect(msg('%o', [1])).toBe('[ 1, [length]: 1 ]')
    expect(msg('100%% done')).toBe('100% done')
  })

  it("prints libp2p's placeholders for peers, CIDs, keys, addresses and errors", () => {
    expect(msg('%p', peerIdFromString(PEER))).toBe(PEER)
    expect(msg('%c', CID.parse(CID_V1))).toBe(CID_V1)
    expect(msg('%k', new Key('/peers/abc'))).toBe('/peers/abc')
    expect(msg('%a', multiaddr('/ip4/127.0.0.1/tcp/4300'))).toBe('/ip4/127.0.0.1/tcp/4300')
    expect(msg('failed - %e', new Error('refused'))).toBe('failed - refused')
    const dials = new AggregateError([new Error('a'), new Error('b')], 'all dials failed')
    expect(msg('%e', dials)).toBe('all dials failed: a; b')
    expect(msg('%p %e', undefined, null)).toBe('undefined undefined')
  })

  it('prints bytes in base58btc, base32 and base64, without multibase prefixes', () => {
    const bytes = Uint8Array.from([0, 1, 2, 3, 250])

    expect(msg('%b', bytes)).toBe('12VfYm')
    expect(msg('%t', bytes)).toBe('aaaqea72')
    expect(msg('%m', bytes)).toBe('AAECA/o')
  })

  it('appends arguments without a placeholder and keeps unknown placeholders', () => {
    expect(msg('count', 3, 'peers', { a: 1 })).toBe('count 3 peers { a: 1 }')
    expect(msg('%z %s', 'x')).toBe('%z x')
    expect(msg('%s and %s', 'one')).toBe('one and %s')
  })

  it('prints a non-string first argument as an object, and an error as its message', () => {
    expect(msg({ a: 1 })).toBe('{ a: 1 }')
    expect(msg(new Error('bare'))).toBe('bare')
  })
})

describe('the log flags', () => {
  it('accepts each level and format', () => {
    for (const level of LOG_LEVELS) {
      expect(parseLogLevel(level)).toBe(level)
    }

    expect(parseLogFormat('json')).toBe('json')
    expect(parseLogFormat('text')).toBe('text')
  })

  it('refuses anything else, naming what is allowed', () => {
    expect(() => parseLogLevel('loud')).toThrow(InvalidArgumentError)
    expect(() => parseLogLevel('loud')).toThrow(
      'expected one of silent, error, info, debug, trace, got "loud"'
    )
    expect(() => parseLogFormat('xml')).toThrow('expected one of text, json, got "xml"')
  })
})
