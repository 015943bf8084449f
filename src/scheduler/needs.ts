/**
 * A task's needs against what nodes offer: whether a node could ever run a
 * task, and, when no live node could, why, so "why is my task pending?" has
 * an answer. Also the short text form of needs used on the command line.
 * Pure; `unmet` runs once per node per task, so it allocates nothing.
 */
import type { Advert } from '../adverts/pb/advert.js'
import { InvalidTaskError } from '../errors.js'
import { assertLabels, parseLabel } from '../repo/config.js'
import { DEFAULT_NEEDS, MAX_GPUS, MAX_MEMORY, MAX_SLOTS } from './spec.js'
import type { TaskNeeds } from './task.js'

/** What one node offers tasks, read from its advert. */
export interface NodeOffer {
  /** The task kinds it runs. */
  kinds: ReadonlySet<string>
  /** Its execution slots in total. */
  slots: number
  /** Slots neither busy nor promised to queued tasks: total - busy - queued, at least 0. */
  free: number
  /** Slot units running and queued. */
  taken: number
  /** Its memory in total, in MiB. */
  memory: number
  /** Its memory free, in MiB. */
  memoryFree: number
  /** Its GPUs. */
  gpu: number
  labels: Readonly<Record<string, string>>
}

const MIB = 1024 * 1024 // bytes
/** The units `parseNeeds` reads after a memory figure, in MiB, by their lower-case names. */
const MEMORY_UNITS: Readonly<Record<string, number>> = { mib: 1, gib: 1024, tib: 1024 * 1024 }
const NEED_KEYS = 'slots, mem (or memory), gpu, label'

/** What a node offers, from its advert; a part the advert lacks counts as nothing. */
export function offerOf(advert: Advert): NodeOffer {
  const total = advert.slots?.total ?? 0
  const taken = (advert.slots?.busy ?? 0) + (advert.slots?.queued ?? 0)

  return {
    kinds: new Set(advert.kinds),
    slots: total,
    free: Math.max(0, total - taken),
    taken,
    memory: Math.floor((advert.memory?.total ?? 0) / MIB),
    memoryFree: Math.floor((advert.memory?.free ?? 0) / MIB),
    gpu: advert.gpu?.count ?? 0,
    labels: Object.fromEntries(advert.labels.map(({ key, value }) => [key, value]))
  }
}

/**
 * The first need a node can never meet, however idle it is, or undefined when
 * it could run the task: the kind, then slots, memory and GPUs in total, then
 * labels. Current load is the bidder's business, not this.
 *
 * @returns a short reason such as `has 2 slots, the task needs 4`
 */
export function unmet(kind: string, needs: TaskNeeds, offer: NodeOffer): string | undefined {
  if (!offer.kinds.has(kind)) {
    return `does not run ${JSON.stringify(kind)}`
  }

  if (offer.slots < needs.slots) {
    return `has ${plural(offer.slots, 'slot')}, the task needs ${needs.slots}`
  }

  if (offer.memory < needs.memory) {
    return `has ${offer.memory} MiB of memory, the task needs ${needs.memory} MiB`
  }

  if (offer.gpu < needs.gpu) {
    return `has ${plural(offer.gpu, 'GPU')}, the task needs ${needs.gpu}`
  }

  for (const key in needs.labels) {
    const want = needs.labels[key]
    const have = Object.hasOwn(offer.labels, key) ? offer.labels[key] : undefined

    if (have !== want) {
      const had = have === undefined ? '' : ` (has ${key}=${have})`

      return `lacks label ${key}=${want}${had}`
    }
  }

  return undefined
}

interface Label {
  key: string
  value: string
}

/**
 * Why no live node could run a task, as narrowly as the offers allow. Each
 * check looks only at the nodes that passed the ones before it: the kind,
 * each label, then GPUs, slots and memory in total. When some node could run
 * the task after all, it says how many could and how many have room now.
 *
 * @param offers - the live nodes of the view
 * @example
 * ```ts
 * explainUnplaceable('render', { slots: 1, memory: 0, gpu: 2, labels: {} }, offers)
 * // 'no live node that runs "render" has 2 GPUs (the most is 1)'
 * ```
 */
export function explainUnplaceable(
  kind: string,
  needs: TaskNeeds,
  offers: readonly NodeOffer[]
): string {
  if (offers.length === 0) {
    return 'no live node'
  }

  const name = JSON.stringify(kind)
  const runners = offers.filter((offer) => offer.kinds.has(kind))

  if (runners.length === 0) {
    return `no live node runs kind ${name}`
  }

  const none = `no live node that runs ${name}`
  const labels = Object.entries(needs.labels).map(([key, value]) => ({ key, value }))
  const missing = labels.find((label) => !runners.some(carrying(label)))

  if (missing !== undefined) {
    return `${none} offers label ${missing.key}=${missing.value}`
  }

  // each label is offered by some node; are they offered together?
  let pool = runners

  for (const [i, label] of labels.entries()) {
    pool = pool.filter(carrying(label))

    if (pool.length === 0) {
      const before = labelList(labels.slice(0, i))

      return `${none} with ${before} offers label ${label.key}=${label.value}`
    }
  }

  // what the pool has in common beyond the kind, to say which nodes a message is about
  const having = labels.length === 0 ? [] : [labelList(labels)]
  // [the need, what a node has of it, its unit]
  const totals: Array<[number, (offer: NodeOffer) => number, 'GPU' | 'slot' | 'MiB']> = [
    [needs.gpu, (offer) => offer.gpu, 'GPU'],
    [needs.slots, (offer) => offer.slots, 'slot'],
    [needs.memory, (offer) => offer.memory, 'MiB']
  ]

  for (const [need, of, unit] of totals) {
    const amount = (n: number): string => (unit === 'MiB' ? `${n} MiB of memory` : plural(n, unit))
    const next = pool.filter((offer) => of(offer) >= need)

    if (next.length === 0) {
      const max = pool.reduce((most, offer) => Math.max(most, of(offer)), 0)
      const which = having.length === 0 ? '' : ` with ${listed(having)}`
      const most = unit === 'MiB' ? `${max} MiB` : max

      return `${none}${which} has ${amount(need)} (the most is ${most})`
    }

    // a need at its default (1 slot, no GPU) narrows nothing worth naming
    if (need > (unit === 'slot' ? DEFAULT_NEEDS.slots : 0)) {
      having.push(amount(need))
    }

    pool = next
  }

  const room = pool.filter((o) => o.free >= needs.slots && o.memoryFree >= needs.memory).length
  const can = `${plural(pool.length, 'live node')} can run it`

  return `${can}, ${room === 0 ? 'none' : room} with room now`
}

/**
 * Reads needs in their command-line form, such as `slots=2,mem=4GiB,gpu=1,label=zone=eu`.
 * Memory is whole MiB, or a figure with the unit MiB, GiB or TiB (rounded up to a whole MiB);
 * `label` may repeat, each key once. Only the needs given are in the result.
 *
 * @throws {InvalidTaskError} quoting the part that is wrong
 * @example
 * ```ts
 * parseNeeds('mem=1.5GiB,label=zone=eu') // { memory: 1536, labels: { zone: 'eu' } }
 * ```
 */
export function parseNeeds(text: string): Partial<TaskNeeds> {
  if (text.trim() === '') {
    throw new InvalidTaskError(
      'expected needs such as "slots=2,mem=4GiB,label=zone=eu", got an empty text'
    )
  }

  const needs: Partial<TaskNeeds> = {}
  const labels: Record<string, string> = {}

  for (const part of text.split(',').map((p) => p.trim())) {
    const at = part.indexOf('=')
    const key = at < 0 ? part : part.slice(0, at)
    const value = at < 0 ? undefined : part.slice(at + 1)
    const field = key === 'mem' ? 'memory' : key

    if (key !== 'label' && Object.hasOwn(needs, field)) {
      throw new InvalidTaskError(`expected need "${field}" once, got it again in "${part}"`)
    }

    if (key === 'slots') {
      needs.slots = needCount(part, key, value, 1, MAX_SLOTS)
    } else if (key === 'gpu') {
      needs.gpu = needCount(part, key, value, 0, MAX_GPUS)
    } else if (key === 'mem' || key === 'memory') {
      needs.memory = needMemory(part, key, value)
    } else if (key === 'label') {
      const [name, label] = rethrown(`in need "${part}"`, () => parseLabel(value ?? ''))

      if (Object.hasOwn(labels, name)) {
        throw new InvalidTaskError(`expected label "${name}" once, got it again in "${part}"`)
      }

      labels[name] = label
      needs.labels = labels
    } else {
      const got = part === '' ? 'an empty need' : `"${part}"`

      throw new InvalidTaskError(`unknown need ${got} in "${text}"; expected ${NEED_KEYS}`)
    }
  }

  if (needs.labels !== undefined) {
    rethrown('in needs', () => assertLabels(labels))
  }

  return needs
}

/**
 * Needs in their command-line form for display, leaving out what is the
 * default: `''` when all is. `parseNeeds` reads it back, unless a label's
 * value holds a comma.
 */
export function formatNeeds(needs: TaskNeeds): string {
  const parts: string[] = []

  if (needs.slots !== DEFAULT_NEEDS.slots) {
    parts.push(`slots=${needs.slots}`)
  }

  if (needs.memory !== DEFAULT_NEEDS.memory) {
    parts.push(`mem=${formatMemory(needs.memory)}`)
  }

  if (needs.gpu !== DEFAULT_NEEDS.gpu) {
    parts.push(`gpu=${needs.gpu}`)
  }

  for (const [key, value] of Object.entries(needs.labels)) {
    parts.push(`label=${key}=${value}`)
  }

  return parts.join(',')
}

/** MiB in the largest unit that divides them: 2048 is 2GiB, 1536 stays 1536MiB. */
function formatMemory(mib: number): string {
  const [unit, size] =
    mib % 1024 ** 2 === 0 ? ['TiB', 1024 ** 2] : mib % 1024 === 0 ? ['GiB', 1024] : ['MiB', 1]

  return `${mib / size}${unit}`
}

function needCount(
  part: string,
  key: string,
  value: string | undefined,
  min: number,
  max: number
): number {
  if (value === undefined || !/^\d+$/.test(value)) {
    throw new InvalidTaskError(`expected need "${key}=<n>", got "${part}"`)
  }

  const n = Number(value)

  if (n < min || n > max) {
    throw new InvalidTaskError(`expected need "${key}=<n>" from ${min} to ${max}, got "${part}"`)
  }

  return n
}

function needMemory(part: string, key: string, value: string | undefined): number {
  const match = /^(\d+(?:\.\d+)?)([MGT]iB)?$/i.exec(value ?? '')
  const figure = match?.[1]
  const unit = match?.[2]

  // a bare figure is whole MiB; a fraction needs a unit
  if (figure === undefined || (unit === undefined && figure.includes('.'))) {
    throw new InvalidTaskError(`expected need "${key}=<MiB>" or "${key}=<n>GiB", got "${part}"`)
  }

  const mib = Math.ceil(Number(figure) * (MEMORY_UNITS[unit?.toLowerCase() ?? 'mib'] ?? 1))

  if (mib > MAX_MEMORY) {
    throw new InvalidTaskError(`expected need "${key}" of at most 16TiB, got "${part}"`)
  }

  return mib
}

/** What `fn` returns, its error rethrown as an `InvalidTaskError` that says where. */
function rethrown<R>(where: string, fn: () => R): R {
  try {
    return fn()
  } catch (err) {
    throw new InvalidTaskError(`${where}: ${(err as Error).message}`, { cause: err })
  }
}

/** A test of whether a node carries a label. */
function carrying({ key, value }: Label): (offer: NodeOffer) => boolean {
  return (offer) => Object.hasOwn(offer.labels, key) && offer.labels[key] === value
}

function labelList(labels: readonly Label[]): string {
  const list = labels.map(({ key, value }) => `${key}=${value}`).join(', ')

  return `${labels.length === 1 ? 'label' : 'labels'} ${list}`
}

/** `a`, `a and b`, `a, b and c`. */
function listed(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`
}
