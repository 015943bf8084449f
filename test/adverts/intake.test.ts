import { describe, expect, it } from 'vitest'
import { AdvertIntake } from '../../src/adverts/intake.js'
import { Advert } from '../../src/adverts/pb/advert.js'
import { MAX_VIEW_PEERS, MeshView } from '../../src/adverts/view.js'
import { advert } from './fixtures.js'

const bytes = (overrides: Partial<Advert>) => Advert.encode(advert(overrides))

describe('taking in adverts', () => {
  it('puts good adverts in the view and counts every outcome by reason', () => {
    const view = new MeshView()
    const intake = new AdvertIntake(view)

    expect(intake.take('a', bytes({ seq: 1, time: 1 }), 1_000).result).toBe('accept')
    expect(intake.take('a', bytes({ seq: 1, time: 1 }), 1_000)).toMatchObject({
      result: 'ignore',
      reason: 'duplicate'
    })
    expect(intake.take('a', bytes({ version: 7, seq: 2 }), 1_000)).toMatchObject({
      result: 'reject',
      reason: 'wrong-version'
    })

    expect(view.has('a')).toBe(true)
    expect(intake.stats()).toMatchObject({
      accepted: 1,
      ignored: { duplicate: 1 },
      rejected: { 'wrong-version': 1 }
    })
  })

  it('drops, without blame, adverts of authors off the allow-list that members relay', () => {
    const view = new MeshView()
    const intake = new AdvertIntake(view, { allowed: (peer) => peer === 'member' })

    expect(intake.take('member', bytes({ seq: 1, time: 1 }), 1_000).result).toBe('accept')
    expect(intake.take('outsider', bytes({ seq: 1, time: 1 }), 1_000)).toMatchObject({
      result: 'ignore',
      reason: 'not-allowed'
    })
    expect(view.has('outsider')).toBe(false)
    expect(intake.stats().ignored['not-allowed']).toBe(1)
  })

  it('holds each author to a rate, without blame', () => {
    const intake = new AdvertIntake(new MeshView(), { burst: 3, rate: 2 })
    const verdicts = [1, 2, 3, 4].map((seq) => intake.take('a', bytes({ seq, time: seq }), 1_000))

    expect(verdicts.map((v) => v.result)).toEqual(['accept', 'accept', 'accept', 'ignore'])
    expect(verdicts[3]).toMatchObject({ reason: 'rate-limited' })
    // half a second later, one more token
    expect(intake.take('a', bytes({ seq: 5, time: 5 }), 1_500).result).toBe('accept')
    expect(intake.take('b', bytes({ seq: 1, time: 1 }), 1_500).result).toBe('accept')
  })

  it('admits no new author once the view is full, and keeps the ones it has', () => {
    const view = new MeshView()
    const intake = new AdvertIntake(view)

    for (let i = 0; i < MAX_VIEW_PEERS; i++) {
      view.apply(`peer-${i}`, advert({ seq: 1 }), 0)
    }

    expect(intake.take('newcomer', bytes({ seq: 1 }), 1_000)).toMatchObject({
      result: 'ignore',
      reason: 'view-full'
    })
    expect(intake.take('peer-7', bytes({ seq: 2 }), 1_000).result).toBe('accept')
    expect(view.size).toBe(MAX_VIEW_PEERS)
  })
})
