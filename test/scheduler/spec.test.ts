import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { describe, expect, it } from 'vitest'
import { assertKind, assertNeeds, normalizeSpec, showValue } from '../../src/scheduler/spec.js'
import {
  DEFAULT_RETRIES,
  DEFAULT_TIMEOUT,
  MAX_ARGS_BYTES,
  MAX_INPUTS,
  MAX_PRIORITY,
  MAX_RETRIES,
  MAX_TIMEOUT
} from '../../src/scheduler/task.js'
import { blockCid } from '../../src/store/block.js'
import { thrown } from '../helpers/errors.js'

const CID_TEXT = 'bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e'
const ID = 'task-1'

/** The message `normalizeSpec` refuses a spec with, after checking the error's name. */
function refusal(spec: unknown, id = ID): string {
  const err = thrown(() => normalizeSpec(spec, id))

  expect(err.name).toBe('InvalidTaskError')
  expect(err.message).not.toContain('\n')

  return err.message
}

describe('normalizeSpec', () => {
  it('fills in every default when only the kind is given', () => {
    expect(normalizeSpec({ kind: 'sha256' }, ID)).toEqual({
      id: ID,
      kind: 'sha256',
      args: 'null',
      inputs: [],
      needs: { slots: 1, memory: 0, gpu: 0, labels: {} },
      priority: 0,
      timeout: DEFAULT_TIMEOUT,
      retries: DEFAULT_RETRIES
    })
  })

  it('keeps every field given', () => {
    const task = normalizeSpec(
      {
        kind: 'render.v2_x-1',
        args: { frames: [1, 2], name: 'été' },
        inputs: [CID_TEXT],
        needs: { slots: 4, memory: 2048, gpu: 1, labels: { zone: 'eu' } },
        priority: -5,
        timeout: 1,
        retries: 0
      },
      ID
    )

    expect(task).toMatchObject({
      kind: 'render.v2_x-1',
      args: '{"frames":[1,2],"name":"été"}',
      needs: { slots: 4, memory: 2048, gpu: 1, labels: { zone: 'eu' } },
      priority: -5,
      timeout: 1,
      retries: 0
    })
    expect(task.inputs.map(String)).toEqual([CID_TEXT])
  })

  it('takes null for a default, as the config file does', () => {
    const task = normalizeSpec({ kind: 'k', args: null, needs: null, priority: null }, ID)

    expect(task).toMatchObject({ args: 'null', priority: 0, needs: { slots: 1 } })
  })

  it('refuses a spec that is not an object', () => {
    expect(refusal(null)).toBe('expected the task spec to be an object, got null')
    expect(refusal([])).toBe('expected the task spec to be an object, got []')
    expect(refusal('sha256')).toBe('expected the task spec to be an object, got "sha256"')
    expect(refusal(undefined)).toBe('expected the task spec to be an object, got undefined')
  })

  it('names an unknown field and lists the known ones, to catch typos', () => {
    expect(refusal({ kind: 'k', prority: 1 })).toBe(
      'unknown field "prority" in the task spec; ' +
        'expected kind, args, inputs, needs, priority, timeout, retries'
    )
    expect(refusal(JSON.parse('{"kind":"k","__proto__":{}}'))).toMatch(/unknown field "__proto__"/)
  })

  it('checks the id it is given', () => {
    expect(refusal({ kind: 'k' }, '')).toBe(
      'expected the task id to be text of 1 to 64 characters, got ""'
    )
    expect(refusal({ kind: 'k' }, 'x'.repeat(65))).toMatch(/^expected the task id .*got "x{39}…$/)
  })

  it('refuses a kind that is missing, not a name or too long', () => {
    const expected =
      'expected kind to be 1 to 64 letters, digits or ._- starting with a letter or digit'

    expect(refusal({})).toBe(`${expected}, got undefined`)
    expect(refusal({ kind: 'a b' })).toBe(`${expected}, got "a b"`)
    expect(refusal({ kind: '.hidden' })).toBe(`${expected}, got ".hidden"`)
    expect(refusal({ kind: '' })).toBe(`${expected}, got ""`)
    expect(refusal({ kind: 7 })).toBe(`${expected}, got 7`)
    expect(refusal({ kind: 'k'.repeat(65) })).toMatch(/got "k{39}…$/)
    expect(normalizeSpec({ kind: 'k'.repeat(64) }, ID).kind).toHaveLength(64)
  })

  it('refuses args JSON cannot hold, naming the key', () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic

    expect(refusal({ kind: 'k', args: { run: () => 1 } })).toBe(
      'expected args to be a JSON value, got a function at key "run"'
    )
    expect(refusal({ kind: 'k', args: 1n })).toBe('expected args to be a JSON value, got a bigint')
    expect(refusal({ kind: 'k', args: [Symbol('s')] })).toMatch(/got a symbol at key "0"$/)
    expect(refusal({ kind: 'k', args: { n: Number.NaN } })).toMatch(/got NaN at key "n"$/)
    expect(refusal({ kind: 'k', args: cyclic })).toBe(
      'expected args to be a JSON value, got a circular structure'
    )
  })

  it('writes undefined in arrays as null and leaves it out of objects, as JSON does', () => {
    const task = normalizeSpec({ kind: 'k', args: { a: [undefined, 1], b: undefined } }, ID)

    expect(task.args).toBe('{"a":[null,1]}')
  })

  it('refuses args over the limit, counted as UTF-8', () => {
    const fits = 'x'.repeat(MAX_ARGS_BYTES - 2) // the quotes make up the rest
    const wide = 'é'.repeat(MAX_ARGS_BYTES / 2) // 2 bytes each in UTF-8

    expect(normalizeSpec({ kind: 'k', args: fits }, ID).args).toHaveLength(MAX_ARGS_BYTES)
    expect(refusal({ kind: 'k', args: `${fits}x` })).toBe(
      `expected args of at most ${MAX_ARGS_BYTES} bytes as JSON, got ${MAX_ARGS_BYTES + 1} bytes`
    )
    expect(refusal({ kind: 'k', args: wide })).toMatch(`got ${MAX_ARGS_BYTES + 2} bytes`)
    expect(refusal({ kind: 'k', args: '😀'.repeat(MAX_ARGS_BYTES / 4) })).toMatch(
      `got ${MAX_ARGS_BYTES + 2} bytes`
    )
  })

  it('reads inputs given as text or as CID objects', async () => {
    const cid = await blockCid(new TextEncoder().encode('x'))
    const task = normalizeSpec({ kind: 'k', inputs: [CID_TEXT, cid] }, ID)

    expect(task.inputs.map(String)).toEqual([CID_TEXT, cid.toString()])
    expect(task.inputs[0]).toBeInstanceOf(CID)
  })

  it('refuses inputs that are not a list, too many, or not CIDs mycel holds', async () => {
    const v0 = CID.createV0(await sha256.digest(new Uint8Array(1)))

    expect(refusal({ kind: 'k', inputs: CID_TEXT })).toMatch(
      /^expected inputs to be a list of CIDs, got "bafkrei/
    )
    expect(refusal({ kind: 'k', inputs: Array(MAX_INPUTS + 1).fill(CID_TEXT) })).toBe(
      `expected at most ${MAX_INPUTS} inputs, got ${MAX_INPUTS + 1}`
    )
    expect(refusal({ kind: 'k', inputs: [CID_TEXT, CID_TEXT, 'nope'] })).toBe(
      "input 2: expected a CID such as bafkrei…, got 'nope'"
    )
    expect(refusal({ kind: 'k', inputs: [42] })).toBe('input 0: expected a CID or its text, got 42')
    expect(refusal({ kind: 'k', inputs: [v0] })).toMatch(/^input 0: expected a CIDv1/)
    // a hole in a sparse array is a missing input, not a skipped one
    const sparse: unknown[] = []
    sparse[1] = CID_TEXT

    expect(refusal({ kind: 'k', inputs: sparse })).toMatch(/^input 0: .*got undefined$/)
  })

  it('checks the numbers against their ranges', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ priority: 1.5 }, `priority to be an integer from -${MAX_PRIORITY} to ${MAX_PRIORITY}`],
      [{ priority: MAX_PRIORITY + 1 }, 'priority to be an integer'],
      [{ priority: '1' }, 'priority to be an integer'],
      [{ timeout: 0 }, `timeout to be an integer number of ms from 1 to ${MAX_TIMEOUT}, got 0`],
      [{ timeout: MAX_TIMEOUT + 1 }, 'timeout to be'],
      [{ retries: -1 }, `retries to be an integer from 0 to ${MAX_RETRIES}, got -1`],
      [{ retries: MAX_RETRIES + 1 }, 'retries to be']
    ]

    for (const [fields, message] of cases) {
      expect(refusal({ kind: 'k', ...fields })).toContain(`expected ${message}`)
    }

    const edges = { priority: -MAX_PRIORITY, timeout: MAX_TIMEOUT, retries: MAX_RETRIES }

    expect(normalizeSpec({ kind: 'k', ...edges }, ID)).toMatchObject(edges)
  })
})

describe('assertNeeds', () => {
  it('fills in the needs left out, with labels of its own', () => {
    const a = assertNeeds({ gpu: 2 })
    const b = assertNeeds(undefined)

    expect(a).toEqual({ slots: 1, memory: 0, gpu: 2, labels: {} })
    expect(b.labels).not.toBe(assertNeeds(undefined).labels)
  })

  it('names the need that is wrong', () => {
    const refuse = (needs: unknown): string => refusal({ kind: 'k', needs })

    expect(refuse([])).toBe(
      'expected needs to be an object of slots, memory, gpu and labels, got []'
    )
    expect(refuse({ mem: 1 })).toBe(
      'unknown field "mem" in needs; expected slots, memory, gpu, labels'
    )
    expect(refuse({ slots: 0 })).toBe('expected needs.slots to be an integer from 1 to 1024, got 0')
    expect(refuse({ slots: 1025 })).toMatch(/got 1025$/)
    expect(refuse({ memory: -1 })).toBe(
      'expected needs.memory to be an integer number of MiB from 0 to 16777216, got -1'
    )
    expect(refuse({ gpu: 65 })).toBe('expected needs.gpu to be an integer from 0 to 64, got 65')
    expect(refuse({ labels: ['zone'] })).toBe(
      'needs: expected labels to be an object of key: value strings'
    )
    expect(refuse({ labels: { '-x': 'y' } })).toMatch(/^needs: expected a label key/)
    expect(refuse({ labels: { zone: 1 } })).toMatch(/^needs: expected label zone to be printable/)
  })
})

describe('assertKind', () => {
  it('returns a good kind and refuses a bad one', () => {
    expect(assertKind('sha256')).toBe('sha256')
    expect(thrown(() => assertKind('a/b')).name).toBe('InvalidTaskError')
  })
})

describe('showValue', () => {
  it('shows JSON on one line, cut short, and names what JSON cannot write', () => {
    expect(showValue('a\nb')).toBe('"a\\nb"')
    expect(showValue('a\u2028b\u0085')).toBe('"a\\u2028b\\u0085"')
    expect(showValue('y'.repeat(100))).toBe(`"${'y'.repeat(39)}…`)
    expect(showValue(undefined)).toBe('undefined')
    expect(showValue(() => 1)).toBe('a function')
    expect(showValue(12n)).toBe('12n')
  })
})
