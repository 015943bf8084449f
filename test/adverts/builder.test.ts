import { describe, expect, it } from 'vitest'
import { AdvertBuilder, fromLabels, toLabels } from '../../src/adverts/builder.js'
import { isMeaningfulChange } from '../../src/adverts/change.js'
import { advert } from './fixtures.js'

const resources = {
  cpu: { cores: 2, model: 'cpu', load1: 0.2 },
  memory: { total: 100, free: 50 },
  disk: { capacity: 1000, free: 400 }
}

describe('building adverts', () => {
  it('numbers them upwards from the start time, across restarts', () => {
    const first = new AdvertBuilder({
      interval: 1_000,
      software: 's',
      startedAt: 5_000,
      slots: 2,
      labels: {}
    })
    const a = first.build(resources, 5_000)
    const b = first.build(resources, 5_000)
    const restarted = new AdvertBuilder({
      interval: 1_000,
      software: 's',
      startedAt: 6_000,
      slots: 2,
      labels: {}
    })

    expect(b.seq).toBeGreaterThan(a.seq)
    expect(restarted.build(resources, 6_000).seq).toBeGreaterThan(b.seq)
  })

  it('carries slots, kinds and labels, and says when they change', () => {
    const builder = new AdvertBuilder({
      interval: 500,
      software: 'mycel/x',
      startedAt: 0,
      slots: 3,
      labels: { zone: 'eu', gpu: 'none' }
    })

    expect(builder.setSlots({ busy: 1 })).toBe(true)
    expect(builder.setSlots({ busy: 1 })).toBe(false)
    expect(builder.setKinds(['sha256', 'echo', 'echo'])).toBe(true)
    expect(builder.setKinds(['echo', 'sha256'])).toBe(false)
    expect(builder.setStore({ capacity: 100, used: 10, blocks: 2 })).toBe(true)
    expect(builder.setStore({ capacity: 100, used: 10, blocks: 2 })).toBe(false)
    expect(builder.setStore({ capacity: 100, used: 10, blocks: 3 })).toBe(true)

    const built = builder.build(resources, 2_000, true)
    expect(built).toMatchObject({
      interval: 500,
      leaving: true,
      slots: { total: 3, busy: 1, queued: 0 },
      kinds: ['echo', 'sha256'],
      store: { capacity: 100, used: 10, blocks: 3 },
      labels: [
        { key: 'gpu', value: 'none' },
        { key: 'zone', value: 'eu' }
      ],
      uptime: 2_000
    })
    expect(fromLabels(built.labels)).toEqual({ zone: 'eu', gpu: 'none' })
    expect(toLabels({ b: '2', a: '1' })).toEqual([
      { key: 'a', value: '1' },
      { key: 'b', value: '2' }
    ])
  })
})

describe('a meaningful change', () => {
  const base = advert()

  it('is any change of slots, kinds or labels', () => {
    expect(isMeaningfulChange(base, advert())).toBe(false)
    expect(isMeaningfulChange(base, advert({ slots: { total: 4, busy: 2, queued: 0 } }))).toBe(true)
    expect(isMeaningfulChange(base, advert({ kinds: ['echo'] }))).toBe(true)
    expect(isMeaningfulChange(base, advert({ labels: [{ key: 'a', value: 'b' }] }))).toBe(true)
  })

  it('is a jump in load, free memory or free disk, not a wobble', () => {
    expect(
      isMeaningfulChange(base, advert({ cpu: { cores: 4, model: 'test cpu', load1: 0.7 } }))
    ).toBe(false)
    expect(
      isMeaningfulChange(base, advert({ cpu: { cores: 4, model: 'test cpu', load1: 1.0 } }))
    ).toBe(true)
    expect(isMeaningfulChange(base, advert({ memory: { total: 8e9, free: 4.2e9 } }))).toBe(false)
    expect(isMeaningfulChange(base, advert({ memory: { total: 8e9, free: 3e9 } }))).toBe(true)
    expect(isMeaningfulChange(base, advert({ disk: { capacity: 1e12, free: 4e11 } }))).toBe(true)
  })
})
