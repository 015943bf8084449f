import { describe, expect, it } from 'vitest'
import { protocolId } from '../../src/index.js'
import { TaskRefs } from '../../src/scheduler/pb/tasks.js'
import { waitFor } from '../helpers/wait.js'
import {
  expectIntact,
  expectMetric,
  honestTraffic,
  hostileSetup,
  memoryAfterGc,
  memoryChange
} from './fixtures.js'

const TASKS = protocolId('hostile', 'tasks')
/** The victim's limit on calls for proposals from one peer. */
const CFP_PER_SECOND = 1_000
/** What the attacker sends, and for how long. */
const FLOOD_RATE = 10_000
const FLOOD_SECONDS = 4
/** Least rate the attacker must reach for the flood to count as one: four times the limit. */
const MIN_FLOOD_RATE = 4 * CFP_PER_SECOND

interface Flood {
  sent: number
  elapsed: number
  counts: Record<string, number>
  heldBack: number
  unanswered: number
}

describe('a flood of calls for proposals', () => {
  const setup = hostileSetup({ victim: { limits: { cfpPerSecond: CFP_PER_SECOND } } })

  it('refuses what is over the rate, counts it, and still places honest work', async () => {
    const { mesh, attacker } = await setup()
    const { victim } = mesh
    const blocks = victim.store.local.count
    const memory = memoryAfterGc()
    const before = victim.tasks.stats().protocol
    const limitedBefore = before.refused.RateLimitedError ?? 0
    const answered = (): number => {
      const now = victim.tasks.stats().protocol

      return (
        (now.served.cfp ?? 0) -
        (before.served.cfp ?? 0) +
        (now.refused.RateLimitedError ?? 0) -
        limitedBefore
      )
    }

    let flooding = true
    const flood = attacker
      .run<Flood>('flood', {
        peer: victim.peerId.toString(),
        protocol: TASKS,
        rate: FLOOD_RATE,
        seconds: FLOOD_SECONDS
      })
      .finally(() => {
        flooding = false
      })

    // honest work begins once the flood is in full swing, and must end before it does
    await waitFor(() => answered() >= 2_000, { message: 'the flood never reached the victim' })
    const honest = await honestTraffic(mesh, 3_000)
    const endedDuringFlood = flooding
    const result = await flood
    const after = victim.tasks.stats().protocol
    const served = (after.served.cfp ?? 0) - (before.served.cfp ?? 0)
    const limited = (after.refused.RateLimitedError ?? 0) - limitedBefore
    const seconds = result.elapsed / 1_000
    console.log(
      `cfp flood: ${result.sent} sent in ${seconds.toFixed(1)} s ` +
        `(${Math.round(result.sent / seconds)}/s), victim served ${served} and refused ` +
        `${limited} as RateLimitedError; the attacker heard ${JSON.stringify(result.counts)}; ` +
        `honest task ${honest.taskMs} ms, get ${honest.getMs} ms`
    )

    // the attacker sent thousands a second (one process on two shared cores does not
    // always reach the full 10,000; the refusals below are what the test is about)
    expect(result.sent / seconds).toBeGreaterThan(MIN_FLOOD_RATE)
    expect(endedDuringFlood).toBe(true)

    // what is over the limit is refused by name and counted, in the stats and the metrics
    // (a burst of twice the rate, then the rate; the victim goes on answering what is in
    // flight for a moment after the attacker stops sending, hence a second to spare)
    expect(served).toBeLessThanOrEqual(CFP_PER_SECOND * (seconds + 3))
    expect(limited).toBeGreaterThanOrEqual(result.sent - result.unanswered - served)
    expect(result.counts.RateLimitedError).toBe(limited)
    await expectMetric(
      victim,
      'mycel_tasks_rpc_refused_total',
      { error: 'RateLimitedError' },
      after.refused.RateLimitedError as number
    )

    // the attacker's reservations lapse, and nothing of it stays
    await waitFor(() => {
      const { slots } = victim.tasks.stats()
      return slots.busy === 0 && slots.queued === 0
    })
    const growth = memoryAfterGc() - memory
    console.log(`cfp flood: victim memory ${memoryChange(memory, growth)}`)
    expect(growth).toBeLessThan(24e6)
    await expectIntact(mesh, blocks)
  })

  // a request past the `maxInFlight` a stream serves at once is answered BusyError by the
  // channel, before the protocol sees it; the protocol counts it all the same
  it('counts the requests it refuses as busy', async () => {
    const { mesh, attacker } = await setup()
    const { victim } = mesh
    const before = victim.tasks.stats().protocol.refused.BusyError ?? 0

    const answers = await attacker.run<Record<string, number>>('burst', {
      peer: victim.peerId.toString(),
      protocol: TASKS,
      method: 'release',
      body: Buffer.from(TaskRefs.encode({ tasks: [] })).toString('base64'),
      count: 200
    })

    expect(answers.BusyError).toBeGreaterThan(0)
    expect((victim.tasks.stats().protocol.refused.BusyError ?? 0) - before).toBe(answers.BusyError)
  })
})
