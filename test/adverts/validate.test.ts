import { describe, expect, it } from 'vitest'
import { Advert } from '../../src/adverts/pb/advert.js'
import { MAX_ADVERT_BYTES, validateAdvert } from '../../src/adverts/validate.js'
import { advert } from './fixtures.js'

const now = 1_000

function check(overrides: Partial<Advert>, last?: { seq: number; time: number }) {
  return validateAdvert(Advert.encode(advert(overrides)), {
    now,
    ...(last === undefined ? {} : { last })
  })
}

describe('advert validation', () => {
  it('takes a good advert and gives back what was sent, negative figures included', () => {
    const result = check({ labels: [{ key: 'zone', value: 'eu' }], kinds: ['echo'] })

    expect(result).toEqual({
      ok: true,
      advert: advert({ labels: [{ key: 'zone', value: 'eu' }], kinds: ['echo'] })
    })
    expect(Advert.decode(Advert.encode(advert({ memory: { total: 5, free: -5 } }))).memory).toEqual(
      {
        total: 5,
        free: -5
      }
    )
  })

  it('refuses what does not decode, and what is too large', () => {
    expect(validateAdvert(Uint8Array.of(0x08, 0xff, 0xff), { now })).toMatchObject({
      ok: false,
      reason: 'undecodable'
    })
    expect(validateAdvert(new Uint8Array(MAX_ADVERT_BYTES + 1), { now })).toMatchObject({
      reason: 'too-large'
    })
  })

  it('refuses other schema versions, and timestamps far in the future', () => {
    expect(check({ version: 2 })).toMatchObject({ reason: 'wrong-version' })
    expect(check({ time: now + 60_000 })).toMatchObject({ reason: 'from-future' })
    expect(check({ time: now + 5_000 }).ok).toBe(true)
  })

  it('refuses a sequence number that goes backwards while time goes forward', () => {
    const last = { seq: 1_000, time: 900 }

    expect(check({ seq: 999, time: 1_000 }, last)).toMatchObject({ reason: 'seq-backwards' })
    expect(check({ seq: 1_001, time: 1_000 }, last).ok).toBe(true)
  })

  it('drops a repeat, and an advert overtaken on the way, without blame', () => {
    const last = { seq: 1_000, time: 900 }

    expect(check({ seq: 1_000 }, last)).toMatchObject({ ok: false, reason: 'duplicate' })
    expect(check({ seq: 999, time: 850 }, last)).toMatchObject({ ok: false, reason: 'stale' })
  })

  it('refuses text that could drive a terminal', () => {
    expect(check({ labels: [{ key: 'zone', value: 'eu\u001b[2J' }] })).toMatchObject({
      reason: 'impossible-values'
    })
    expect(check({ software: 'mycel\u0007' })).toMatchObject({ reason: 'impossible-values' })
    expect(check({ labels: [{ key: 'bad key', value: 'x' }] })).toMatchObject({
      reason: 'impossible-values'
    })
  })

  it('refuses figures no real node could report', () => {
    const impossible: Array<Partial<Advert>> = [
      { cpu: { cores: 0, model: 'x', load1: 0 } },
      { cpu: { cores: 4, model: 'x', load1: -1 } },
      { cpu: { cores: 4, model: 'x', load1: Number.NaN } },
      { memory: { total: 0, free: 0 } },
      { memory: { total: 1e9, free: -1 } },
      { memory: { total: 1e9, free: 2e9 } },
      { disk: { capacity: 1e9, free: 2e9 } },
      { disk: { capacity: -1, free: 0 } },
      { slots: { total: 1, busy: 2, queued: 0 } },
      { store: { capacity: 1e9, used: -1, blocks: 0 } },
      { store: { capacity: 1e9, used: 0, blocks: -3 } },
      { gpu: { count: 0, model: 'x' } },
      { interval: 1 },
      { labels: [{ key: '', value: 'x' }] },
      { labels: [{ key: 'k', value: 'x'.repeat(500) }] },
      { kinds: [''] },
      { cpu: undefined }
    ]

    for (const overrides of impossible) {
      expect(check(overrides), JSON.stringify(overrides)).toMatchObject({
        ok: false,
        reason: 'impossible-values'
      })
    }
  })
})
