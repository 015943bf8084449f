/**
 * Checks adverts from peers before they reach the view. Pure: bytes, the last
 * sequence number seen from the sender and a clock in; a decision out.
 *
 * A rejected advert is counted by its reason and penalises the peer that
 * sent it in gossipsub's score; see `REJECT_REASONS`.
 */
import { multiaddr } from '@multiformats/multiaddr'
import { Advert } from './pb/advert.js'

/** The advert schema version this code reads and writes. */
export const ADVERT_VERSION = 1
/** Largest advert accepted, in bytes. */
export const MAX_ADVERT_BYTES = 4_096
/** How far ahead of our clock an advert's time may be. */
export const MAX_CLOCK_SKEW = 30_000 // ms
/** Labels an advert may carry, and the longest key and value: 16 full ones fit in 4 KiB. */
export const MAX_LABELS = 16
export const MAX_LABEL_KEY = 63
export const MAX_LABEL_VALUE = 128
/** Label keys: letters, digits and `._/-`, starting with a letter or digit. */
export const LABEL_KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,62}$/
/** Task kinds an advert may list, and the longest name. */
export const MAX_KINDS = 64
export const MAX_KIND_LENGTH = 64
/** Departures an advert may tell of. */
export const MAX_DEPARTED = 16
/** Most listen addresses an advert carries. */
export const MAX_ADVERT_ADDRS = 8
/** Longest listen address, in bytes. */
export const MAX_ADDR_BYTES = 128
/** Longest software, CPU or GPU model text. */
export const MAX_TEXT = 128
/** Shortest and longest publish interval an advert may announce. */
export const MIN_ADVERT_INTERVAL = 100 // ms
export const MAX_ADVERT_INTERVAL = 60_000 // ms

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

/**
 * Why an advert was dropped without blame: one already seen (`duplicate`),
 * or an older one overtaken on another path (`stale`: its sequence number
 * and its time are both behind what we have). Relays are not at fault.
 */
export type IgnoreReason = 'duplicate' | 'stale'

export type Validation =
  | { ok: true; advert: Advert }
  | { ok: false; reason: RejectReason; detail: string }
  | { ok: false; reason: IgnoreReason; detail: string }

export interface ValidationContext {
  /** Our clock, ms since the epoch. */
  now: number
  /** The highest sequence number seen from the sender, and that advert's time, if any. */
  last?: { seq: number; time: number }
}

/** Decodes and checks one advert. Never throws. */
export function validateAdvert(bytes: Uint8Array, context: ValidationContext): Validation {
  if (bytes.byteLength > MAX_ADVERT_BYTES) {
    return reject('too-large', `${bytes.byteLength} bytes, the limit is ${MAX_ADVERT_BYTES}`)
  }

  let advert: Advert

  try {
    advert = Advert.decode(bytes, {
      limits: {
        kinds: MAX_KINDS,
        labels: MAX_LABELS,
        departed: MAX_DEPARTED,
        addrs: MAX_ADVERT_ADDRS
      }
    })
  } catch (err) {
    return reject('undecodable', (err as Error).message)
  }

  if (advert.version !== ADVERT_VERSION) {
    return reject('wrong-version', `expected version ${ADVERT_VERSION}, got ${advert.version}`)
  }

  const { last } = context

  if (last !== undefined && advert.seq === last.seq) {
    return { ok: false, reason: 'duplicate', detail: `seq ${advert.seq} seen already` }
  }

  if (last !== undefined && advert.seq < last.seq) {
    // older in both respects: overtaken on the way; a later time with a lower seq: the author's fault
    return advert.time <= last.time
      ? { ok: false, reason: 'stale', detail: `seq ${advert.seq} after ${last.seq}` }
      : reject('seq-backwards', `expected seq above ${last.seq}, got ${advert.seq}`)
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
    [
      advert.store !== undefined &&
        !(
          advert.store.capacity >= 0 &&
          advert.store.used >= 0 &&
          advert.store.blocks >= 0 &&
          Number.isSafeInteger(advert.store.capacity + advert.store.used + advert.store.blocks)
        ),
      `store used ${advert.store?.used} of ${advert.store?.capacity} in ${advert.store?.blocks} blocks`
    ],
    [gpu !== undefined && (gpu.count < 1 || gpu.count > 1_024), `gpu count ${gpu?.count}`],
    [
      advert.interval < MIN_ADVERT_INTERVAL || advert.interval > MAX_ADVERT_INTERVAL,
      `interval ${advert.interval} ms`
    ],
    [
      advert.labels.some(
        (l) => !LABEL_KEY_PATTERN.test(l.key) || !isText(l.value, MAX_LABEL_VALUE)
      ),
      'a label'
    ],
    [advert.kinds.some((kind) => kind === '' || !isText(kind, MAX_KIND_LENGTH)), 'a task kind'],
    [advert.departed.some((d) => d.peer.byteLength === 0 || d.peer.byteLength > 64), 'a departure'],
    [advert.addrs.some((addr) => !isMultiaddr(addr)), 'a listen address'],
    [
      [advert.software, cpu?.model ?? '', gpu?.model ?? ''].some((t) => !isText(t, MAX_TEXT)),
      'software or model text'
    ]
  ]

  return checks.find(([bad]) => bad)?.[1]
}

/** Whether bytes are one multiaddr of at most `MAX_ADDR_BYTES`. */
function isMultiaddr(bytes: Uint8Array): boolean {
  if (bytes.byteLength === 0 || bytes.byteLength > MAX_ADDR_BYTES) {
    return false
  }

  try {
    multiaddr(bytes)
    return true
  } catch {
    return false
  }
}

/** Printable text of at most `max` characters: no control characters to reach a terminal. */
export function isText(text: string, max: number): boolean {
  return text.length <= max && !/\p{Cc}/u.test(text)
}
