import { generateKeyPair } from '@libp2p/crypto/keys'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterEach, describe, expect, it } from 'vitest'
import type { NodeOffer } from '../../src/scheduler/needs.js'
import {
  Acceptances,
  Awards,
  CallForProposals,
  Proposals,
  type Report,
  Reports,
  Status
} from '../../src/scheduler/pb/tasks.js'
import type { TaskRecord } from '../../src/scheduler/record.js'
import { normalizeSpec } from '../../src/scheduler/spec.js'
import { Submitter } from '../../src/scheduler/submitter.js'
import { offer } from './offers.js'
import { report } from './reports.js'

async function peer(): Promise<string> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
}

function done(id: string, attempt: number, json: string): Report {
  return report(id, attempt, Status.DONE, { progress: 1, json })
}

/**
 * A scripted worker: it takes tasks while it runs fewer than its one slot,
 * and answers an award with whatever `extra` reports the test sets.
 */
interface Worker {
  id: string
  /** Its advert's offer: full while it runs a task. */
  offer: NodeOffer
  running: Map<string, number>
  /** Reports its answers to awards carry. */
  extra: (awarded: Array<{ id: string; attempt: number; args: string }>) => Report[]
}

async function worker(kinds: string[], extra: Worker['extra'] = () => []): Promise<Worker> {
  return {
    id: await peer(),
    offer: offer({ kinds, slots: 1, free: 1 }),
    running: new Map(),
    extra
  }
}

/** What a worker's advert says: no room while it runs a task, as its queue is full. */
function advertOf(w: Worker): NodeOffer {
  return w.running.size > 0 ? { ...w.offer, free: 0, taken: 1_000 } : w.offer
}

/** What a worker answers to a request. */
function answer(w: Worker, method: string, body: Uint8Array): Uint8Array {
  if (method === 'cfp') {
    const full = w.running.size > 0
    return Proposals.encode({
      room: full ? 0 : 1,
      proposals: CallForProposals.decode(body).offers.map(({ id }) =>
        full
          ? { id, refusal: 'busy: 1 of 1 slots running' }
          : { id, refusal: '', bid: { startDelay: 0, runTime: 1, fetchBytes: 0, expires: 2_000 } }
      )
    })
  }

  if (method === 'award') {
    const awards = Awards.decode(body).awards
    const taken = awards.filter((a) => {
      if (w.running.size > 0) return false
      w.running.set(a.id, a.attempt)
      return true
    })
    return Acceptances.encode({
      acceptances: awards.map((a) => ({
        id: a.id,
        accepted: taken.includes(a),
        reason: taken.includes(a) ? '' : 'busy: 1 of 1 slots running'
      })),
      reports: w.extra(taken)
    })
  }

  return new Uint8Array()
}

function submitterOf(workers: Worker[]): Submitter {
  const byId = new Map(workers.map((w) => [w.id, w]))
  const submitter = new Submitter({
    request: async (to, method, body) => answer(byId.get(to.toString()) as Worker, method, body),
    peers: () => workers.map((w) => ({ peerId: w.id, offer: advertOf(w) })),
    offer: (id) => {
      const w = byId.get(id)
      return w === undefined ? undefined : advertOf(w)
    },
    owners: () => [],
    heartbeatTimeout: 60_000,
    onChange: () => {},
    log: defaultLogger().forComponent('test:submitter')
  })
  submitter.start()

  return submitter
}

/** The worker says the task it runs is done. */
async function finish(submitter: Submitter, w: Worker, id: string): Promise<void> {
  const attempt = w.running.get(id) as number
  w.running.delete(id)
  const peerId = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
  const from = { ...peerId, toString: () => w.id } as typeof peerId
  await submitter.handlers().report?.(Reports.encode({ reports: [done(id, attempt, '"ok"')] }), {
    peer: from,
    signal: new AbortController().signal
  })
}

function spec(kind: string, id: string, priority = 0): ReturnType<typeof normalizeSpec> {
  return normalizeSpec({ kind, priority }, id)
}

describe('Submitter', () => {
  const started: Submitter[] = []
  afterEach(() => {
    for (const submitter of started.splice(0)) submitter.stop()
  })

  it('takes the result of a lone task from the answer to its direct award', async () => {
    const w = await worker(['echo'], (awarded) => awarded.map((a) => done(a.id, a.attempt, '"hi"')))
    const submitter = submitterOf([w])
    started.push(submitter)

    const record = submitter.submit(spec('echo', 'lone'))

    expect(await record.done).toEqual({ json: '"hi"' })
    expect(record.node).toBe(w.id)
    expect(submitter.stats()).toMatchObject({ completed: 1, refusedReports: 0, rounds: 1 })
  })

  it('refuses reports riding an answer for tasks not awarded to their sender, and leaves out a bad one alone', async () => {
    let forged: Report[] = []
    const w = await worker(['echo'], () => forged)
    const submitter = submitterOf([w])
    started.push(submitter)
    // a task of this submitter's that is not the worker's to report on
    const other = submitter.submit(normalizeSpec({ kind: 'echo', needs: { gpu: 1 } }, 'other'))
    await expect.poll(() => other.pendingReason).toMatch(/GPU/)
    forged = [
      done('other', 1, '"forged"'),
      done('never-was', 1, '"forged"'),
      { ...done('mine', 1, '"ok"'), progress: Number.NaN }
    ]

    const record = submitter.submit(spec('echo', 'mine'))

    // the acceptance stands though a report beside it broke a limit
    await expect.poll(() => record.state).toBe('awarded')
    expect(submitter.stats().refusedReports).toBe(3)
    expect(other.state).toBe('pending')
    expect(other.result).toBeUndefined()
  })

  it('brings a waiting task back when the node that can run it frees a slot, before lower ones', async () => {
    const a = await worker(['render', 'echo'])
    const b = await worker(['echo'])
    const submitter = submitterOf([a, b])
    started.push(submitter)
    const first = submitter.submit(spec('render', 'first'))
    await expect.poll(() => first.state).toBe('awarded')
    const low = submitter.submit(spec('render', 'low', 0))
    const high = submitter.submit(spec('render', 'high', 5))
    await expect
      .poll(() => [low.state, high.state, low.pendingReason])
      .toEqual(['pending', 'pending', expect.stringMatching(/busy|waiting for room/)])

    // adverts from a node that cannot run them put them through no round
    const rounds = submitter.stats().rounds
    for (let i = 0; i < 20; i++) {
      submitter.viewChanged({ peerId: b.id, offer: b.offer })
      await new Promise((resolve) => setImmediate(resolve))
    }
    expect(submitter.stats().rounds).toBe(rounds)

    await finish(submitter, a, 'first')
    await expect.poll(() => high.state).toBe('awarded')
    expect(low.state).toBe('pending')

    await finish(submitter, a, 'high')
    await expect.poll(() => low.state).toBe('awarded')
    expect(submitter.stats()).toMatchObject({ completed: 2, duplicates: 0 })
  })

  it('takes a repeat of a result from the node that sent it as no second run', async () => {
    const w = await worker(['echo'], (awarded) => awarded.map((a) => done(a.id, a.attempt, '"1"')))
    const submitter = submitterOf([w])
    started.push(submitter)
    const record: TaskRecord = submitter.submit(spec('echo', 'once'))
    await record.done
    w.running.set('once', record.attempt)

    await finish(submitter, w, 'once')

    expect(submitter.stats()).toMatchObject({ completed: 1, duplicates: 0 })
  })
  it('refuses a result that names an attempt not awarded to its sender', async () => {
    const w = await worker(['echo'])
    const submitter = submitterOf([w])
    started.push(submitter)
    const record: TaskRecord = submitter.submit(spec('echo', 'held'))
    await expect.poll(() => record.state).toBe('awarded')

    w.running.set('held', record.attempt + 1)
    await finish(submitter, w, 'held')

    expect(record.state).toBe('awarded')
    expect(submitter.stats()).toMatchObject({ refusedReports: 1, completed: 0 })
  })

  it('sends a task held back for want of room once an advert shows room', async () => {
    const w = await worker(['echo'])
    w.running.set('elsewhere', 1)
    const submitter = submitterOf([w])
    started.push(submitter)

    const record = submitter.submit(spec('echo', 'later'))
    // the turn on which the submitter looked for room, found none and held the task back
    await new Promise((resolve) => setImmediate(resolve))
    expect(submitter.stats()).toMatchObject({ pending: 1, rounds: 0 })

    w.running.clear()
    submitter.viewChanged({ peerId: w.id, offer: advertOf(w) })

    // at once, not at the next probe, a second after the task was held back
    await expect.poll(() => record.state, { timeout: 500 }).toBe('awarded')
  })

  it('keeps a task cancelled while its round was out cancelled', async () => {
    const w = await worker(['echo'])
    let answerCalls: () => void = () => {}
    const calls = new Promise<void>((resolve) => {
      answerCalls = resolve
    })
    const submitter = new Submitter({
      request: async (_to, method, body) => {
        await calls
        return answer(w, method, body)
      },
      peers: () => [{ peerId: w.id, offer: advertOf(w) }],
      offer: () => advertOf(w),
      owners: () => [],
      heartbeatTimeout: 60_000,
      onChange: () => {},
      log: defaultLogger().forComponent('test:submitter')
    })
    submitter.start()
    started.push(submitter)
    // one round: a task to auction, and one no node can run
    const placed = submitter.submit(spec('echo', 'placed'))
    const gpu = submitter.submit(normalizeSpec({ kind: 'echo', needs: { gpu: 1 } }, 'gpu'))
    await expect.poll(() => gpu.pendingReason).toMatch(/GPU/)

    submitter.cancel(gpu)
    answerCalls()

    await expect.poll(() => placed.state).toBe('awarded')
    expect(gpu.state).toBe('cancelled')
    expect(submitter.stats()).toMatchObject({ pending: 0, cancelled: 1 })
  })
})
