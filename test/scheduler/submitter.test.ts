import { generateKeyPair } from '@libp2p/crypto/keys'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterEach, describe, expect, it } from 'vitest'
import { Acceptances, Awards, Failure, type Report, Status } from '../../src/scheduler/pb/tasks.js'
import { normalizeSpec } from '../../src/scheduler/spec.js'
import { Submitter } from '../../src/scheduler/submitter.js'
import { offer } from './offers.js'

async function peer(): Promise<string> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
}

function done(id: string, attempt: number, json: string): Report {
  return {
    id,
    attempt,
    status: Status.DONE,
    progress: 1,
    message: '',
    json,
    cidJson: false,
    failure: Failure.ERROR,
    error: '',
    elapsed: 0
  }
}

/**
 * A submitter whose only worker is `worker`, which runs `echo` on one slot
 * and answers each award as `answer` says.
 */
function submitterFor(
  worker: string,
  answer: (awards: ReturnType<typeof Awards.decode>['awards']) => Uint8Array
): Submitter {
  const submitter = new Submitter({
    request: async (_peer, method, body) => {
      if (method !== 'award') throw new Error(`unexpected ${method}`)
      return answer(Awards.decode(body).awards)
    },
    peers: () => [{ peerId: worker, offer: offer({ kinds: ['echo'], slots: 1, free: 1 }) }],
    owners: () => [],
    heartbeatTimeout: 60_000,
    onChange: () => {},
    log: defaultLogger().forComponent('test:submitter')
  })
  submitter.start()

  return submitter
}

describe('Submitter', () => {
  const started: Submitter[] = []
  afterEach(() => {
    for (const submitter of started.splice(0)) submitter.stop()
  })

  it('takes the result of a lone task from the answer to its direct award', async () => {
    const worker = await peer()
    const submitter = submitterFor(worker, (awards) =>
      Acceptances.encode({
        acceptances: awards.map((a) => ({ id: a.id, accepted: true, reason: '' })),
        reports: awards.map((a) => done(a.id, a.attempt, a.args))
      })
    )
    started.push(submitter)

    const record = submitter.submit(normalizeSpec({ kind: 'echo', args: 'hi' }, 'lone'))

    expect(await record.done).toEqual({ json: '"hi"' })
    expect(record.node).toBe(worker)
    expect(submitter.stats()).toMatchObject({ completed: 1, refusedReports: 0, rounds: 1 })
  })

  it('refuses reports riding an answer for tasks that were not awarded to the node that sent them', async () => {
    const worker = await peer()
    let forged: Report[] = []
    const submitter = submitterFor(worker, (awards) =>
      Acceptances.encode({
        acceptances: awards.map((a) => ({ id: a.id, accepted: true, reason: '' })),
        reports: forged
      })
    )
    started.push(submitter)
    // a task of this submitter's that is not the worker's to report on
    const other = submitter.submit(normalizeSpec({ kind: 'echo', needs: { gpu: 1 } }, 'other'))
    await expect.poll(() => other.pendingReason).toMatch(/GPU/)
    forged = [done('other', 1, '"forged"'), done('never-was', 1, '"forged"')]

    const record = submitter.submit(normalizeSpec({ kind: 'echo', args: 1 }, 'mine'))

    await expect.poll(() => record.state).toBe('awarded')
    expect(submitter.stats().refusedReports).toBe(2)
    expect(other.state).toBe('pending')
    expect(other.result).toBeUndefined()
  })
  it('sends parked tasks through a round again at most once per wake-up interval, however many adverts come', async () => {
    const worker = await peer()
    const submitter = submitterFor(worker, () => new Uint8Array())
    started.push(submitter)
    const parked = Array.from({ length: 100 }, (_, i) =>
      submitter.submit(normalizeSpec({ kind: 'echo', needs: { labels: { zone: 'x' } } }, `p${i}`))
    )
    await expect.poll(() => parked.every((r) => r.pendingReason !== undefined)).toBe(true)
    // the rounds one pass over the parked tasks takes
    const before = submitter.stats().rounds

    // an advert on each of 20 turns of the event loop, as a large mesh sends them
    for (let i = 0; i < 20; i++) {
      submitter.viewChanged()
      await new Promise((resolve) => setImmediate(resolve))
    }

    // one pass at once and perhaps one more should a pause outlast the
    // interval; a pass per advert would be twenty
    expect(submitter.stats().rounds - before).toBeLessThanOrEqual(2 * before)
    expect(parked.every((r) => r.state === 'pending')).toBe(true)
  })
})
