/**
 * Checks adverts from peers before they reach the view. Pure: bytes, the last
 * sequence number seen from the sender and a clock in; a decision out.
 *
 * A rejected advert is counted by its reason and penalises the peer that
 * sent it in gossipsub's score; see `REJECT_REASONS`.
 */
import { Advert } from './pb/advert.js'

/** The advert schema version this code reads and writes. */
export const ADVERT_VERSION = 1
/** Largest advert accepted, in bytes. */
export const MAX_ADVERT_BYTES = 4_096
/** How far ahead of our clock an advert's time may be. */
export const MAX_CLOCK_SKEW = 30_000 // ms
/** Labels an advert may carry, and the longest key and value. */
export const MAX_LABELS = 32
export const MAX_LABEL_LENGTH = 128
/** Task kinds an advert may list, and the longest name. */
export const MAX_KINDS = 128
export const MAX_KIND_LENGTH = 128
/** Shortest and longest publish interval an advert may announce. */
export const MIN_ADVERT_INTERVAL = 50 // ms
export const MAX_ADVERT_INTERVAL = 3_600_000 // ms

/** Why an advert was refused. */
export const REJECT_REASONS = [
  'undecodable',
  'too-large',
  'wrong-version',
  'seq-backwards',
  'from-future',
  'impossible-values'
] as const

export type RejectReason = (typeof REJECT_REASONS)[number]

export type Validation =
  | { ok: true; advert: Advert }
  | { ok: false; reason: RejectReason; detail: string }
  /** The same advert again (same sequence number): dropped, not held against anyone. */
  | { ok: false; reason: 'duplicate'; detail: string }

export interface ValidationContext {
  /** Our clock, ms since the epoch. */
  now: number
  /** The highest sequence number seen from the sender, if any. */
  lastSeq?: number
}

/** Decodes and checks one advert. Never throws. */
export function validateAdvert(bytes: Uint8Array, context: ValidationContext): Validation {
  if (bytes.byteLength > MAX_ADVERT_BYTES) {
    return reject('too-large', `${bytes.byteLength} bytes, the limit is ${MAX_ADVERT_BYTES}`)
  }

  let advert: Advert

  try {
    advert = Advert.decode(bytes, {
      limits: { kinds: MAX_KINDS, labels: MAX_LABELS }
    })
  } catch (err) {
    return reject('undecodable', (err as Error).message)
  }

  if (advert.version !== ADVERT_VERSION) {
    return reject('wrong-version', `version ${advert.version}, expected ${ADVERT_VERSION}`)
  }

  if (context.lastSeq !== undefined && advert.seq < context.lastSeq) {
    return reject('seq-backwards', `seq ${advert.seq} after ${context.lastSeq}`)
  }

  if (context.lastSeq !== undefined && advert.seq === context.lastSeq) {
    return { ok: false, reason: 'duplicate', detail: `seq ${advert.seq} seen already` }
  }

  if (advert.time > context.now + MAX_CLOCK_SKEW) {
    return reject('from-future', `sent ${advert.time - context.now} ms in the future`)
  }

  const impossible = impossibleValue(advert)

  if (impossible !== undefined) {
    return reject('impossible-values', impossible)
  }

  return { ok: true, advert }
}

function reject(reason: RejectReason, detail: string): Validation {
  return { ok: false, reason, detail }
}

/** The first figure no real node could report, or undefined when all are possible. */
export function impossibleValue(advert: Advert): string | undefined {
  const { cpu, memory, disk, slots, gpu } = advert
  const checks: Array<[boolean, string]> = [
    [
      cpu === undefined || memory === undefined || disk === undefined || slots === undefined,
      'cpu, memory, disk and slots are required'
    ],
    [cpu !== undefined && (cpu.cores < 1 || cpu.cores > 65_536), `cores ${cpu?.cores}`],
    [cpu !== undefined && !(cpu.load1 >= 0 && Number.isFinite(cpu.load1)), `load ${cpu?.load1}`],
    [
      memory !== undefined && (memory.total <= 0 || memory.free < 0 || memory.free > memory.total),
      `memory free ${memory?.free} of ${memory?.total}`
    ],
    [
      disk !== undefined && (disk.capacity < 0 || disk.free < 0 || disk.free > disk.capacity),
      `disk free ${disk?.free} of ${disk?.capacity}`
    ],
    [
      slots !== undefined && slots.busy > slots.total,
      `slots busy ${slots?.busy} of ${slots?.total}`
    ],
    [gpu !== undefined && (gpu.count < 1 || gpu.count > 1_024), `gpu count ${gpu?.count}`],
    [
      advert.interval < MIN_ADVERT_INTERVAL || advert.interval > MAX_ADVERT_INTERVAL,
      `interval ${advert.interval} ms`
    ],
    [advert.labels.some((l) => l.key === '' || tooLong(l.key) || tooLong(l.value)), 'a label'],
    [advert.kinds.some((kind) => kind === '' || kind.length > MAX_KIND_LENGTH), 'a task kind']
  ]

  return checks.find(([bad]) => bad)?.[1]
}

function tooLong(text: string): boolean {
  return text.length > MAX_LABEL_LENGTH
}
