import { describe, expect, it } from 'vitest'
import { MAX_CHUNK_SIZE } from '../../src/store/chunker.js'
import {
  assertReplicas,
  DEFAULT_CACHE_BYTES,
  DEFAULT_MEMORY_QUOTA,
  DEFAULT_QUOTA,
  DEFAULT_REPAIR_INTERVAL,
  DEFAULT_REPAIR_RATE,
  DEFAULT_REPLICAS,
  DEFAULT_SETTLE_TIME,
  DEFAULT_STREAM_IDLE_TIMEOUT,
  DEFAULT_WRITE_QUORUM,
  MAX_REPLICAS,
  parseBytes,
  resolveStoreInit,
  type StoreInit
} from '../../src/store/init.js'
import { thrown } from '../helpers/errors.js'

const KiB = 1024
const MiB = 1024 ** 2
const GiB = 1024 ** 3
const TiB = 1024 ** 4

describe('parseBytes', () => {
  it.each([
    ['10GiB', 10 * GiB],
    ['512MiB', 512 * MiB],
    ['1.5TiB', 1.5 * TiB],
    ['4KiB', 4 * KiB],
    ['10GB', 10e9],
    ['2MB', 2e6],
    ['3kb', 3e3],
    ['1T', 1e12],
    ['7g', 7e9],
    ['100B', 100],
    ['123', 123],
    ['0', 0],
    [' 64 mib ', 64 * MiB]
  ])('reads %j as %d bytes', (text, bytes) => {
    expect(parseBytes('quota', text)).toBe(bytes)
  })

  it('takes a whole number of bytes as it is', () => {
    expect(parseBytes('quota', 123)).toBe(123)
    expect(parseBytes('quota', 0)).toBe(0)
    expect(parseBytes('quota', Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER)
  })

  it.each(['lots', '', '10XB', '10 GiBs', '-5GB', '1e9', '1,5GB', '.5GB', '10GiB extra'])(
    'refuses the text %j, naming the field and quoting what came',
    (text) => {
      const err = thrown(() => parseBytes('quota', text))

      expect(err.name).toBe('InvalidConfigError')
      expect(err.message).toContain('expected quota to be a size')
      expect(err.message).toContain(JSON.stringify(text))
    }
  )

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 1])(
    'refuses the number %d, naming the field',
    (value) => {
      const err = thrown(() => parseBytes('quota', value))

      expect(err.name).toBe('InvalidConfigError')
      expect(err.message).toContain('expected quota to be an integer from 0')
      expect(err.message).toContain(String(value))
    }
  )

  it('refuses what is neither a number nor text', () => {
    for (const value of [null, undefined, true, {}, [10]]) {
      const err = thrown(() => parseBytes('cache', value))

      expect(err.name).toBe('InvalidConfigError')
      expect(err.message).toContain('expected cache to be a size')
    }
  })

  it('refuses a size too large to count exactly', () => {
    const err = thrown(() => parseBytes('quota', '9000TiB'))

    expect(err.name).toBe('InvalidConfigError')
    expect(err.message).toContain('expected quota to be an integer')
  })

  // 8.2 * 1e6 is 8199999.999999999 in floating point, and Math.floor takes it down a byte
  it('reads a decimal size to the exact byte, such as 8.2MB', () => {
    expect(parseBytes('quota', '8.2MB')).toBe(8_200_000)
    expect(parseBytes('quota', '2.01KB')).toBe(2_010)
  })
})

describe('resolveStoreInit', () => {
  const defaults = {
    replicas: DEFAULT_REPLICAS,
    writeQuorum: DEFAULT_WRITE_QUORUM,
    chunkSize: 1_048_576,
    cacheBytes: DEFAULT_CACHE_BYTES,
    repairInterval: DEFAULT_REPAIR_INTERVAL,
    repairRate: DEFAULT_REPAIR_RATE,
    settleTime: DEFAULT_SETTLE_TIME,
    streamIdleTimeout: DEFAULT_STREAM_IDLE_TIMEOUT
  }

  it('offers 10 GiB on disk and 256 MiB in memory unless told otherwise', () => {
    expect(resolveStoreInit({}, true)).toEqual({ quota: DEFAULT_QUOTA, ...defaults })
    expect(resolveStoreInit({}, false)).toEqual({ quota: DEFAULT_MEMORY_QUOTA, ...defaults })
    expect(DEFAULT_QUOTA).toBe(10 * GiB)
    expect(DEFAULT_MEMORY_QUOTA).toBe(256 * MiB)
  })

  it('reads the quota as text or as a number, and lets a node offer nothing', () => {
    expect(resolveStoreInit({ quota: '1GiB' }, true).quota).toBe(GiB)
    expect(resolveStoreInit({ quota: 5_000 }, false).quota).toBe(5_000)
    expect(resolveStoreInit({ quota: 0 }, true).quota).toBe(0)
  })

  it('keeps every option it is given', () => {
    const init = {
      quota: 1,
      replicas: 5,
      writeQuorum: 4,
      chunkSize: 4096,
      cacheBytes: 0,
      repairInterval: 1_000,
      repairRate: 2_048,
      settleTime: 0,
      streamIdleTimeout: 500
    } satisfies StoreInit

    expect(resolveStoreInit(init, true)).toEqual(init)
  })

  it.each([
    ['replicas', 1, MAX_REPLICAS],
    ['writeQuorum', 1, MAX_REPLICAS],
    ['chunkSize', 1, MAX_CHUNK_SIZE],
    ['cacheBytes', 0, Number.MAX_SAFE_INTEGER],
    ['repairInterval', 100, 86_400_000],
    ['repairRate', 1024, Number.MAX_SAFE_INTEGER],
    ['settleTime', 0, 600_000],
    ['streamIdleTimeout', 100, 3_600_000]
  ] as const)('takes %s from %d to %d and refuses what lies outside', (field, min, max) => {
    expect(resolveStoreInit({ [field]: min }, true)[field]).toBe(min)
    expect(resolveStoreInit({ [field]: max }, true)[field]).toBe(max)

    for (const bad of [min - 1, max + 1, min + 0.5, Number.NaN, String(min)]) {
      const err = thrown(() => resolveStoreInit({ [field]: bad } as StoreInit, true))

      expect(err.name).toBe('InvalidConfigError')
      expect(err.message).toBe(
        `expected ${field} to be an integer from ${min} to ${max}, got ${String(bad)}`
      )
    }
  })

  it('refuses a bad quota, naming it', () => {
    const err = thrown(() => resolveStoreInit({ quota: '10 parsecs' }, true))

    expect(err.name).toBe('InvalidConfigError')
    expect(err.message).toContain('quota')
  })

  it('names the first option that is wrong', () => {
    const err = thrown(() => resolveStoreInit({ replicas: 0, writeQuorum: 0 }, true))

    expect(err.message).toContain('expected replicas')
  })
})

describe('assertReplicas', () => {
  it('takes the number of copies a put asks for, from 1 to MAX_REPLICAS', () => {
    expect(assertReplicas(1)).toBe(1)
    expect(assertReplicas(MAX_REPLICAS)).toBe(MAX_REPLICAS)

    for (const bad of [0, MAX_REPLICAS + 1, 2.5, '3', undefined]) {
      const err = thrown(() => assertReplicas(bad))

      expect(err.name).toBe('InvalidConfigError')
      expect(err.message).toContain('expected replicas to be an integer from 1 to 16')
    }
  })
})
