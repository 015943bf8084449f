import { describe, expect, it } from 'vitest'
import {
  explainUnplaceable,
  formatNeeds,
  offerOf,
  parseNeeds,
  unmet
} from '../../src/scheduler/needs.js'
import type { TaskNeeds } from '../../src/scheduler/task.js'
import { advert } from '../adverts/fixtures.js'
import { thrown } from '../helpers/errors.js'
import { offer } from './offers.js'

const MIB = 1024 * 1024

function needs(overrides: Partial<TaskNeeds> = {}): TaskNeeds {
  return { slots: 1, memory: 0, gpu: 0, labels: {}, ...overrides }
}

/** The message `parseNeeds` refuses `text` with, after checking the error's name. */
function refusal(text: string): string {
  const err = thrown(() => parseNeeds(text))

  expect(err.name).toBe('InvalidTaskError')

  return err.message
}

describe('offerOf', () => {
  it('reads the offer from an advert, in MiB, less busy and queued slots', () => {
    const ad = advert({
      kinds: ['sha256', 'render'],
      memory: { total: 8192 * MIB + 5, free: 1.5 * MIB },
      slots: { total: 8, busy: 3, queued: 2 },
      gpu: { count: 2, model: 'test gpu' },
      labels: [{ key: 'zone', value: 'eu' }]
    })

    expect(offerOf(ad)).toEqual({
      kinds: new Set(['sha256', 'render']),
      slots: 8,
      free: 3,
      taken: 5,
      memory: 8192,
      memoryFree: 1,
      gpu: 2,
      labels: { zone: 'eu' }
    })
  })

  it('counts what the advert lacks as nothing, and never less than no free slot', () => {
    const { memory, slots, gpu, ...bare } = advert()

    expect(offerOf({ ...bare, slots: { total: 2, busy: 2, queued: 5 } })).toMatchObject({
      free: 0,
      taken: 7
    })
    expect(offerOf(bare)).toMatchObject({
      slots: 0,
      free: 0,
      taken: 0,
      memory: 0,
      memoryFree: 0,
      gpu: 0
    })
  })
})

describe('unmet', () => {
  it('is undefined when the node could run the task, however busy it is', () => {
    const busy = offer({ free: 0, memoryFree: 0, labels: { zone: 'eu', os: 'linux' } })

    expect(unmet('sha256', needs({ slots: 4, memory: 8192 }), busy)).toBeUndefined()
    expect(unmet('sha256', needs({ labels: { zone: 'eu' } }), busy)).toBeUndefined()
  })

  it('names the first need the node can never meet', () => {
    const node = offer({ slots: 2, gpu: 1, labels: { zone: 'us' } })

    expect(unmet('render', needs(), node)).toBe('does not run "render"')
    expect(unmet('sha256', needs({ slots: 4, gpu: 9 }), node)).toBe('has 2 slots, the task needs 4')
    expect(unmet('sha256', needs({ slots: 2, memory: 9000 }), offer({ slots: 1 }))).toBe(
      'has 1 slot, the task needs 2'
    )
    expect(unmet('sha256', needs({ memory: 9000 }), node)).toBe(
      'has 8192 MiB of memory, the task needs 9000 MiB'
    )
    expect(unmet('sha256', needs({ gpu: 2 }), node)).toBe('has 1 GPU, the task needs 2')
    expect(unmet('sha256', needs({ gpu: 1 }), offer())).toBe('has 0 GPUs, the task needs 1')
    expect(unmet('sha256', needs({ labels: { gpu: 'true' } }), node)).toBe('lacks label gpu=true')
    expect(unmet('sha256', needs({ labels: { zone: 'eu' } }), node)).toBe(
      'lacks label zone=eu (has zone=us)'
    )
  })

  it('does not take what an object inherits for a label', () => {
    expect(unmet('sha256', needs({ labels: { constructor: 'x' } }), offer())).toBe(
      'lacks label constructor=x'
    )
  })
})

describe('explainUnplaceable', () => {
  const kind = 'sha256'

  it('says when there is no live node at all', () => {
    expect(explainUnplaceable(kind, needs(), [])).toBe('no live node')
  })

  it('says when no live node runs the kind', () => {
    expect(explainUnplaceable(kind, needs(), [offer({ kinds: ['render'] })])).toBe(
      'no live node runs kind "sha256"'
    )
  })

  it('names the first label no node that runs the kind offers', () => {
    const nodes = [
      offer({ labels: { zone: 'eu' } }),
      offer({ kinds: ['x'], labels: { os: 'bsd' } })
    ]

    expect(explainUnplaceable(kind, needs({ labels: { zone: 'eu', os: 'bsd' } }), nodes)).toBe(
      'no live node that runs "sha256" offers label os=bsd'
    )
  })

  it('says when labels each offered are never offered together', () => {
    const nodes = [offer({ labels: { zone: 'eu' } }), offer({ labels: { os: 'bsd' } })]

    expect(explainUnplaceable(kind, needs({ labels: { zone: 'eu', os: 'bsd' } }), nodes)).toBe(
      'no live node that runs "sha256" with label zone=eu offers label os=bsd'
    )
  })

  it('names a label no node offers before labels not offered together', () => {
    const nodes = [offer({ labels: { zone: 'eu' } }), offer({ labels: { os: 'bsd' } })]
    const wanted = needs({ labels: { zone: 'eu', os: 'bsd', arch: 'arm' } })

    expect(explainUnplaceable(kind, wanted, nodes)).toBe(
      'no live node that runs "sha256" offers label arch=arm'
    )
  })

  it('gives the most GPUs among the nodes that run the kind', () => {
    const nodes = [offer({ gpu: 1 }), offer({ kinds: ['x'], gpu: 8 })]

    expect(explainUnplaceable(kind, needs({ gpu: 2 }), nodes)).toBe(
      'no live node that runs "sha256" has 2 GPUs (the most is 1)'
    )
  })

  it('looks for GPUs only among the nodes with the labels', () => {
    const nodes = [offer({ gpu: 1, labels: { zone: 'eu' } }), offer({ gpu: 4 })]

    expect(explainUnplaceable(kind, needs({ gpu: 2, labels: { zone: 'eu' } }), nodes)).toBe(
      'no live node that runs "sha256" with label zone=eu has 2 GPUs (the most is 1)'
    )
  })

  it('gives the most slots among the nodes with enough GPUs', () => {
    const nodes = [offer({ gpu: 2, slots: 2 }), offer({ slots: 16 })]

    expect(explainUnplaceable(kind, needs({ slots: 32 }), nodes)).toBe(
      'no live node that runs "sha256" has 32 slots (the most is 16)'
    )
    expect(explainUnplaceable(kind, needs({ gpu: 2, slots: 4 }), nodes)).toBe(
      'no live node that runs "sha256" with 2 GPUs has 4 slots (the most is 2)'
    )
  })

  it('gives the most memory among the nodes with enough GPUs and slots', () => {
    const nodes = [
      offer({ gpu: 1, slots: 8, memory: 2048, labels: { zone: 'eu', os: 'linux' } }),
      offer({ memory: 65_536 })
    ]
    const wanted = needs({ gpu: 1, slots: 8, memory: 4096, labels: { zone: 'eu', os: 'linux' } })

    expect(explainUnplaceable(kind, wanted, nodes)).toBe(
      'no live node that runs "sha256" with labels zone=eu, os=linux, 1 GPU and 8 slots ' +
        'has 4096 MiB of memory (the most is 2048 MiB)'
    )
    expect(explainUnplaceable(kind, needs({ memory: 100_000 }), nodes)).toBe(
      'no live node that runs "sha256" has 100000 MiB of memory (the most is 65536 MiB)'
    )
  })

  it('says how many nodes could run the task and how many have room now', () => {
    const nodes = [offer({ free: 0 }), offer({ memoryFree: 10 }), offer(), offer({ kinds: ['x'] })]

    expect(explainUnplaceable(kind, needs({ memory: 512 }), nodes)).toBe(
      '3 live nodes can run it, 1 with room now'
    )
    expect(explainUnplaceable(kind, needs(), [offer({ free: 0 })])).toBe(
      '1 live node can run it, none with room now'
    )
  })
})

describe('parseNeeds', () => {
  it('reads each need, leaving out those not given', () => {
    expect(parseNeeds('slots=2,mem=512,gpu=1,label=zone=eu,label=gpu=true')).toEqual({
      slots: 2,
      memory: 512,
      gpu: 1,
      labels: { zone: 'eu', gpu: 'true' }
    })
    expect(parseNeeds('gpu=0')).toEqual({ gpu: 0 })
    expect(parseNeeds(' slots=3 , label=a=b=c ')).toEqual({ slots: 3, labels: { a: 'b=c' } })
  })

  it('reads memory as MiB or with a unit, rounding a fraction up', () => {
    expect(parseNeeds('memory=2GiB').memory).toBe(2048)
    expect(parseNeeds('mem=1.5gib').memory).toBe(1536)
    expect(parseNeeds('mem=0.3GiB').memory).toBe(308)
    expect(parseNeeds('mem=64MiB').memory).toBe(64)
    expect(parseNeeds('mem=16TiB').memory).toBe(16 * 1024 * 1024)
  })

  it('names the part that is wrong', () => {
    expect(refusal('')).toBe(
      'expected needs such as "slots=2,mem=4GiB,label=zone=eu", got an empty text'
    )
    expect(refusal('slots=x')).toBe('expected need "slots=<n>", got "slots=x"')
    expect(refusal('slots')).toBe('expected need "slots=<n>", got "slots"')
    expect(refusal('slots=-1')).toBe('expected need "slots=<n>", got "slots=-1"')
    expect(refusal('slots=0')).toBe('expected need "slots=<n>" from 1 to 1024, got "slots=0"')
    expect(refusal('gpu=65')).toBe('expected need "gpu=<n>" from 0 to 64, got "gpu=65"')
    expect(refusal('mem=1.5')).toBe('expected need "mem=<MiB>" or "mem=<n>GiB", got "mem=1.5"')
    expect(refusal('memory=2GB')).toMatch(/^expected need "memory=<MiB>" .*got "memory=2GB"$/)
    expect(refusal('mem=17TiB')).toBe('expected need "mem" of at most 16TiB, got "mem=17TiB"')
  })

  it('refuses unknown needs, listing the known ones', () => {
    expect(refusal('slots=1,cpu=2')).toBe(
      'unknown need "cpu=2" in "slots=1,cpu=2"; expected slots, mem (or memory), gpu, label'
    )
    expect(refusal('slots=1,')).toMatch(/^unknown need an empty need in "slots=1,"/)
  })

  it('refuses a need or a label given twice', () => {
    expect(refusal('slots=1,slots=2')).toBe('expected need "slots" once, got it again in "slots=2"')
    expect(refusal('mem=1,memory=2')).toBe(
      'expected need "memory" once, got it again in "memory=2"'
    )
    expect(refusal('label=a=1,label=a=2')).toBe(
      'expected label "a" once, got it again in "label=a=2"'
    )
  })

  it('checks labels as the config file does', () => {
    expect(refusal('label=zone')).toBe(
      'in need "label=zone": expected a label as key=value, got "zone"'
    )
    expect(refusal('label=-x=1')).toMatch(/^in need "label=-x=1": expected a label key/)

    const many = Array.from({ length: 17 }, (_, i) => `label=k${i}=v`).join(',')

    expect(refusal(many)).toBe('in needs: expected at most 16 labels, got 17')
  })
})

describe('formatNeeds', () => {
  it('is empty when every need is the default', () => {
    expect(formatNeeds(needs())).toBe('')
  })

  it('writes what parseNeeds reads back, memory in the largest unit that fits', () => {
    const all = needs({ slots: 2, memory: 1536, gpu: 1, labels: { zone: 'eu', gpu: 'true' } })

    expect(formatNeeds(all)).toBe('slots=2,mem=1536MiB,gpu=1,label=zone=eu,label=gpu=true')
    expect(formatNeeds(needs({ memory: 2048 }))).toBe('mem=2GiB')
    expect(formatNeeds(needs({ memory: 1024 * 1024 }))).toBe('mem=1TiB')
    expect(parseNeeds(formatNeeds(all))).toEqual(all)
  })
})
