import { describe, expect, it } from 'vitest'
import { Advert } from '../../src/adverts/pb/advert.js'
import type { RejectReason } from '../../src/adverts/validate.js'
import { advert } from '../adverts/fixtures.js'
import { waitFor } from '../helpers/wait.js'
import {
  expectIntact,
  expectMetric,
  honestTraffic,
  hostileSetup,
  memoryAfterGc,
  memoryChange,
  metric
} from './fixtures.js'

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64')

/** A valid advert of now, with some fields changed. */
function forged(overrides: Partial<Advert> = {}): string {
  const now = Date.now()

  return base64(Advert.encode(advert({ seq: now * 10, time: now, ...overrides })))
}

describe('forged adverts', () => {
  const setup = hostileSetup()

  it('are rejected by reason, change nothing of the view, and cost nothing', async () => {
    const { mesh, attacker } = await setup()
    const { victim, storer } = mesh
    const storerId = storer.peerId.toString()
    const peer = victim.peerId.toString()
    const blocks = victim.store.local.count
    const memory = memoryAfterGc()
    const left: string[] = []
    victim.view.addEventListener('peer:left', (evt) => left.push(evt.detail.peerId))
    const before = {
      ...victim.adverts.stats().rejected,
      signature: await metric(victim, 'gossipsub_msg_received_invalid_total', {
        error: 'invalid_signature'
      })
    }
    const storerBefore = victim.view.get(storerId)?.advert
    const rejected = (): number =>
      Object.values(victim.adverts.stats().rejected).reduce((sum, n) => sum + n, 0)
    const rejectedBefore = rejected()

    // each bad advert from an identity of its own: three rejections graylist a sender
    const cases: Array<[RejectReason, string]> = [
      ['impossible-values', forged({ cpu: { cores: 0, model: 'x', load1: 0 } })],
      ['impossible-values', forged({ memory: { total: 1e9, free: 2e9 } })],
      ['impossible-values', forged({ slots: { total: 2, busy: 9, queued: 0 } })],
      ['impossible-values', forged({ disk: { capacity: -1, free: 0 } })],
      ['impossible-values', forged({ store: { capacity: 1e9, used: -5, blocks: 0 } })],
      ['impossible-values', forged({ cpu: { cores: 4, model: 'x', load1: Number.NaN } })],
      ['from-future', forged({ time: Date.now() + 3_600_000 })]
    ]
    const attack = Promise.all([
      ...cases.map(([, data]) => attacker.run('publish', { peer, data })),
      // an advert under the storer's name, with a signature the attacker could not make
      attacker.run('forge', {
        peer,
        protocol: '/meshsub/1.2.0',
        topic: victim.adverts.topic,
        from: storerId,
        data: forged({ slots: { total: 64, busy: 0, queued: 999 } })
      }),
      // a valid advert of its own that says the storer has left the mesh
      attacker.run('publish', {
        peer,
        data: forged({
          departed: [
            {
              peer: storer.peerId.toMultihash().bytes,
              seq: (storerBefore?.seq ?? 0) + 1_000_000
            }
          ]
        })
      })
    ])
    // honest work once the first bad advert has reached the victim
    await waitFor(() => rejected() > rejectedBefore)
    const honest = await honestTraffic(mesh)
    const departer = ((await attack).at(-1) as { from: string }).from

    const expected: Partial<Record<RejectReason, number>> = {}
    for (const [reason] of cases) expected[reason] = (expected[reason] ?? 0) + 1
    await waitFor(
      () =>
        Object.entries(expected).every(
          ([reason, n]) =>
            victim.adverts.stats().rejected[reason as RejectReason] ===
            before[reason as RejectReason] + n
        ),
      { message: `not every bad advert was counted: ${JSON.stringify(victim.adverts.stats())}` }
    )
    await waitFor(
      async () =>
        (await metric(victim, 'gossipsub_msg_received_invalid_total', {
          error: 'invalid_signature'
        })) > before.signature,
      { message: 'the forged signature was not counted' }
    )

    // the storer's entry is its own, and it stays: the victim checked the departure itself
    await waitFor(() => victim.view.get(departer)?.advert.departed.length === 1, {
      message: 'the advert telling of a departure was not taken'
    })
    const detector = (victim.adverts as unknown as { detector: { pending: number } }).detector
    await waitFor(() => detector.pending === 0, {
      message: 'the victim never settled the suspicion'
    })
    expect(victim.view.get(storerId)?.advert.slots?.queued).not.toBe(999)
    expect(left).not.toContain(storerId)
    expect(victim.view.has(storerId)).toBe(true)
    await expectMetric(
      victim,
      'mycel_adverts_rejected_total',
      { reason: 'impossible-values' },
      () => victim.adverts.stats().rejected['impossible-values']
    )

    // honest adverts still flow
    storer.adverts.setSlots({ queued: 3 })
    await waitFor(() => victim.view.get(storerId)?.advert.slots?.queued === 3)
    const growth = memoryAfterGc() - memory
    console.log(
      `forged adverts: rejected ${JSON.stringify(victim.adverts.stats().rejected)}; ` +
        `honest task ${honest.taskMs} ms, get ${honest.getMs} ms; ` +
        `memory ${memoryChange(memory, growth)}`
    )
    expect(growth).toBeLessThan(16e6)
    await expectIntact(mesh, blocks)
  })
})
