/**
 * Checks a task spec from a user (a library call or the JSON body of an HTTP
 * request) and fills in its defaults. Pure: a value in, a `Task` or an
 * `InvalidTaskError` out.
 *
 * Every message names the field, what was expected and what came, on one
 * line, so the CLI and the HTTP API can hand it back as it is.
 */
import { CID } from 'multiformats/cid'
import { isText, MAX_KIND_LENGTH } from '../adverts/validate.js'
import { InvalidCidError, InvalidTaskError } from '../errors.js'
import { assertLabels } from '../repo/config.js'
import { checkCid, parseCid } from '../store/block.js'
import {
  DEFAULT_RETRIES,
  DEFAULT_TIMEOUT,
  MAX_ARGS_BYTES,
  MAX_INPUTS,
  MAX_PRIORITY,
  MAX_RETRIES,
  MAX_TASK_ID,
  MAX_TIMEOUT,
  type Task,
  type TaskNeeds
} from './task.js'

/** Most slots one task may take. */
export const MAX_SLOTS = 1_024
/** Most memory one task may ask for: 16 TiB. */
export const MAX_MEMORY = 16 * 1024 * 1024 // MiB
/** Most GPUs one task may ask for. */
export const MAX_GPUS = 64
/** Task kinds: letters, digits and `._-`, starting with a letter or digit. */
export const KIND_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

/** What a task needs when its spec does not say; labels default to none. */
export const DEFAULT_NEEDS = {
  slots: 1,
  memory: 0, // MiB
  gpu: 0
} as const satisfies Partial<TaskNeeds>

/** How much of a bad value an error message shows. */
const SHOWN_LENGTH = 40 // characters

const SPEC_FIELDS = ['kind', 'args', 'inputs', 'needs', 'priority', 'timeout', 'retries']
const NEED_FIELDS = ['slots', 'memory', 'gpu', 'labels']

/**
 * Checks a task spec and fills in its defaults: 1 slot, no memory, GPU or
 * labels, priority 0, `DEFAULT_TIMEOUT`, `DEFAULT_RETRIES`, and `null` args.
 * A field given as `undefined` or `null` takes its default, as in the config
 * file.
 *
 * @param spec - the spec as the user gave it, not yet trusted
 * @param id - the id the node gave the task
 * @throws {InvalidTaskError} naming the first field that is wrong
 * @example
 * ```ts
 * const task = normalizeSpec({ kind: 'sha256', inputs: [cid], needs: { memory: 512 } }, id)
 * ```
 */
export function normalizeSpec(spec: unknown, id: string): Task {
  if (!isRecord(spec)) {
    throw new InvalidTaskError(`expected the task spec to be an object, got ${showValue(spec)}`)
  }

  assertKnownFields(spec, SPEC_FIELDS, 'the task spec')

  return {
    id: assertId(id),
    kind: assertKind(spec.kind),
    args: argsText(spec.args),
    inputs: assertInputs(spec.inputs ?? []),
    needs: assertNeeds(spec.needs),
    priority: assertInteger('priority', spec.priority ?? 0, -MAX_PRIORITY, MAX_PRIORITY),
    timeout: assertInteger('timeout', spec.timeout ?? DEFAULT_TIMEOUT, 1, MAX_TIMEOUT, 'ms'),
    retries: assertInteger('retries', spec.retries ?? DEFAULT_RETRIES, 0, MAX_RETRIES)
  }
}

/**
 * Checks a task kind: 1 to `MAX_KIND_LENGTH` letters, digits or `._-`, starting with a
 * letter or digit.
 *
 * @throws {InvalidTaskError} when it is not
 */
export function assertKind(kind: unknown): string {
  if (typeof kind !== 'string' || kind.length > MAX_KIND_LENGTH || !KIND_PATTERN.test(kind)) {
    throw new InvalidTaskError(
      `expected kind to be 1 to ${MAX_KIND_LENGTH} letters, digits or ._- starting with ` +
        `a letter or digit, got ${showValue(kind)}`
    )
  }

  return kind
}

/**
 * Checks what a task needs and fills in the defaults of `DEFAULT_NEEDS`.
 *
 * @throws {InvalidTaskError} naming the first need that is wrong
 */
export function assertNeeds(value: unknown): TaskNeeds {
  if (value === undefined || value === null) {
    return { ...DEFAULT_NEEDS, labels: {} }
  }

  if (!isRecord(value)) {
    throw new InvalidTaskError(
      `expected needs to be an object of slots, memory, gpu and labels, got ${showValue(value)}`
    )
  }

  assertKnownFields(value, NEED_FIELDS, 'needs')

  return {
    slots: assertInteger('needs.slots', value.slots ?? DEFAULT_NEEDS.slots, 1, MAX_SLOTS),
    memory: assertInteger('needs.memory', value.memory ?? 0, 0, MAX_MEMORY, 'MiB'),
    gpu: assertInteger('needs.gpu', value.gpu ?? 0, 0, MAX_GPUS),
    labels: assertNeedLabels(value.labels ?? {})
  }
}

/**
 * A value as an error message shows it: JSON, cut to about 40 characters, on one line.
 * Values JSON cannot write are named instead (`undefined`, `a function`, `12n`).
 */
export function showValue(value: unknown): string {
  let text: string | undefined

  try {
    text = typeof value === 'bigint' ? `${value}n` : JSON.stringify(value)
  } catch {
    return 'a value that is not JSON'
  }

  if (text === undefined) {
    return typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`
  }

  // JSON escapes C0 controls but leaves C1 controls and the two Unicode line breaks
  const oneLine = text.replace(
    /[\u0080-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
  )

  return oneLine.length > SHOWN_LENGTH ? `${oneLine.slice(0, SHOWN_LENGTH)}…` : oneLine
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Refuses a field that is not in `known`: most often a typo of one that is. */
function assertKnownFields(value: object, known: readonly string[], where: string): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new InvalidTaskError(
        `unknown field ${showValue(key)} in ${where}; expected ${known.join(', ')}`
      )
    }
  }
}

function assertId(id: unknown): string {
  if (typeof id !== 'string' || id === '' || !isText(id, MAX_TASK_ID)) {
    throw new InvalidTaskError(
      `expected the task id to be text of 1 to ${MAX_TASK_ID} characters, got ${showValue(id)}`
    )
  }

  return id
}

function assertInteger(field: string, value: unknown, min: number, max: number, unit = ''): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const what = unit === '' ? 'an integer' : `an integer number of ${unit}`

    throw new InvalidTaskError(
      `expected ${field} to be ${what} from ${min} to ${max}, got ${showValue(value)}`
    )
  }

  return value
}

/** The arguments as JSON text, refusing what JSON would drop or mangle without a word. */
function argsText(args: unknown): string {
  if (args === undefined) {
    return 'null'
  }

  let text: string | undefined

  try {
    text = JSON.stringify(args, refuseNonJson)
  } catch (err) {
    if (err instanceof InvalidTaskError) {
      throw err
    }

    // a cycle, or a toJSON that threw; V8's cycle message runs over several lines
    const reason = /circular/i.test(String(err)) ? 'a circular structure' : 'a value JSON refuses'

    throw new InvalidTaskError(`expected args to be a JSON value, got ${reason}`, { cause: err })
  }

  const bytes = utf8Length(text ?? '')

  if (bytes > MAX_ARGS_BYTES) {
    throw new InvalidTaskError(
      `expected args of at most ${MAX_ARGS_BYTES} bytes as JSON, got ${bytes} bytes`
    )
  }

  return text ?? 'null'
}

/**
 * A `JSON.stringify` replacer that throws on values JSON cannot hold: functions and symbols
 * (silently dropped from objects), BigInts and numbers that are not finite (written as null).
 * `undefined` passes: JSON leaves it out of objects and writes null for it in arrays.
 */
function refuseNonJson(key: string, value: unknown): unknown {
  const type = typeof value
  const bad =
    type === 'function' ||
    type === 'symbol' ||
    type === 'bigint' ||
    (type === 'number' && !Number.isFinite(value))

  if (bad) {
    const where = key === '' ? '' : ` at key ${JSON.stringify(key)}`
    const what = type === 'number' ? String(value) : `a ${type}`

    throw new InvalidTaskError(`expected args to be a JSON value, got ${what}${where}`)
  }

  return value
}

/** Bytes of `text` as UTF-8; JSON text holds no lone surrogates, so each half of a pair is 2. */
function utf8Length(text: string): number {
  let bytes = text.length

  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)

    if (c >= 0x80) {
      bytes += c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 1 : 2
    }
  }

  return bytes
}

function assertInputs(value: unknown): CID[] {
  if (!Array.isArray(value)) {
    throw new InvalidTaskError(`expected inputs to be a list of CIDs, got ${showValue(value)}`)
  }

  if (value.length > MAX_INPUTS) {
    throw new InvalidTaskError(`expected at most ${MAX_INPUTS} inputs, got ${value.length}`)
  }

  const cids: CID[] = []

  // an index loop, not map: a hole in a sparse array is an input that is missing
  for (let i = 0; i < value.length; i++) {
    try {
      cids.push(inputCid(value[i]))
    } catch (err) {
      throw new InvalidTaskError(`input ${i}: ${(err as Error).message}`, { cause: err })
    }
  }

  return cids
}

/** One input: a CID's text, or a CID object, that names a block mycel can hold. */
function inputCid(input: unknown): CID {
  if (typeof input === 'string') {
    return parseCid(input)
  }

  const cid = CID.asCID(input)

  if (cid === null) {
    throw new InvalidCidError(`expected a CID or its text, got ${showValue(input)}`)
  }

  checkCid(cid)

  return cid
}

function assertNeedLabels(value: unknown): Record<string, string> {
  try {
    return assertLabels(value)
  } catch (err) {
    throw new InvalidTaskError(`needs: ${(err as Error).message}`, { cause: err })
  }
}
