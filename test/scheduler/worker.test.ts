import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PeerId } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterEach, describe, expect, it } from 'vitest'
import { Bidder } from '../../src/scheduler/bidder.js'
import type { Handlers, Run } from '../../src/scheduler/handlers.js'
import {
  Acceptances,
  Awards,
  CallForProposals,
  type Report,
  type ReportAck,
  ReportAcks,
  Reports,
  Status
} from '../../src/scheduler/pb/tasks.js'
import type { JobResult } from '../../src/scheduler/pool.js'
import { type Awarded, TaskWorker } from '../../src/scheduler/worker.js'
import { waitFor } from '../helpers/wait.js'
import { shape } from './reports.js'

const HEARTBEAT = 20 // ms

/** A run the handler has started, which ends when the test says. */
interface Started {
  run: Run
  end(result: JobResult): void
}

/** A TaskWorker on one slot with fake parts: it records the reports it sends. */
class Harness {
  readonly worker: TaskWorker
  /** Every `report` request sent, in order. */
  readonly sent: Report[][] = []
  readonly started: Started[] = []
  /** How the submitter answers a batch of reports; every one accepted unless a test says. */
  acks: (reports: Report[]) => Promise<ReportAck[]> = async (reports) =>
    reports.map((r) => ({ id: r.id, accepted: true, reason: '' }))

  constructor(
    readonly submitter: PeerId,
    handle?: (run: Run) => Promise<JobResult>
  ) {
    this.worker = new TaskWorker({
      bidder: new Bidder<Awarded>({ slots: 1, gpu: 0, queueDepth: 8 }),
      handlers: { run: handle ?? ((run) => this.untilEnded(run)) } as unknown as Handlers,
      request: async (peer, method, body) => {
        expect(peer.equals(submitter)).toBe(true)
        expect(method).toBe('report')
        const { reports } = Reports.decode(body)
        this.sent.push(reports)

        return ReportAcks.encode({ acks: await this.acks(reports) })
      },
      self: () => ({
        kinds: new Set(['work']),
        slots: 1,
        memory: 1024,
        memoryFree: 1024,
        gpu: 0,
        labels: {}
      }),
      store: {
        held: () => true,
        getBytes: () => Promise.reject(new Error('no inputs here')),
        get: () => {
          throw new Error('no inputs here')
        },
        put: () => Promise.reject(new Error('no store here'))
      },
      onLoad: () => {},
      heartbeatInterval: HEARTBEAT,
      log: defaultLogger().forComponent('test:worker')
    })
  }

  /** Asks for a bid on a task, as an auction does before its award. */
  async cfp(id: string): Promise<void> {
    const body = CallForProposals.encode({
      offers: [
        {
          id,
          kind: 'work',
          inputs: [],
          needs: { slots: 1, memory: 0, gpu: 0, labels: [] },
          priority: 0
        }
      ]
    })
    await this.worker.handlers().cfp!(body, {
      peer: this.submitter,
      signal: new AbortController().signal
    })
  }

  /** Awards a task, directly (without an auction) unless told, and decodes the answer. */
  async award(id: string, attempt: number, direct = true): Promise<Acceptances> {
    const body = Awards.encode({
      awards: [
        {
          id,
          attempt,
          kind: 'work',
          args: '1',
          inputs: [],
          needs: { slots: 1, memory: 0, gpu: 0, labels: [] },
          priority: 0,
          timeout: 10_000,
          direct
        }
      ]
    })
    const handlers = this.worker.handlers()
    const answer = await handlers.award!(body, {
      peer: this.submitter,
      signal: new AbortController().signal
    })

    return Acceptances.decode(answer)
  }

  /** Every report sent in `report` requests on a task, in order. */
  reportsOn(id: string, status?: Status): Report[] {
    return this.sent
      .flat()
      .filter((r) => r.id === id && (status === undefined || r.status === status))
  }

  /** A handler that runs until the test ends it, or its signal aborts. */
  untilEnded(run: Run): Promise<JobResult> {
    return new Promise((resolve, reject) => {
      run.signal.addEventListener('abort', () => reject(run.signal.reason), { once: true })
      this.started.push({ run, end: resolve })
    })
  }
}

describe('TaskWorker', () => {
  let harness: Harness | undefined

  async function make(handle?: (run: Run) => Promise<JobResult>): Promise<Harness> {
    const submitter = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    harness = new Harness(submitter, handle)

    return harness
  }

  afterEach(async () => {
    await harness?.worker.stop()
    harness = undefined
  })

  it('answers a direct award of a task that ends at once with its result, sent in no report of its own', async () => {
    const h: Harness = await make((run) =>
      run.id === 'a' ? Promise.resolve({ json: '"done"' }) : h.untilEnded(run)
    )
    h.worker.start()

    const answer = await h.award('a', 1)

    expect(answer.acceptances).toEqual([{ id: 'a', accepted: true, reason: '' }])
    expect(shape(answer.reports)).toEqual([
      ['a', 1, Status.RUNNING],
      ['a', 1, Status.DONE]
    ])
    expect(answer.reports[1]?.json).toBe('"done"')

    // heartbeats (listing a task that runs on) carry nothing more of it
    expect(shape((await h.award('b', 1)).reports)).toEqual([['b', 1, Status.RUNNING]])
    await waitFor(() => h.sent.length >= 2, { interval: 5 })
    expect(h.reportsOn('a')).toEqual([])
  })

  it('answers a direct award of a task that runs on with its RUNNING report, and sends the result apart when it ends', async () => {
    const h = await make()
    let sentBeforeAnswer: Report[][] | undefined

    const answer = await h.award('a', 1).then((answer) => {
      sentBeforeAnswer = [...h.sent]
      return answer
    })

    // answered while the task still runs, with no report sent on its own meanwhile
    expect(h.started).toHaveLength(1)
    expect(sentBeforeAnswer).toEqual([])
    expect(shape(answer.reports)).toEqual([['a', 1, Status.RUNNING]])

    h.started[0]?.end({ json: '2' })
    await waitFor(() => h.sent.length > 0, { interval: 5 })
    expect(h.sent.map(shape)).toEqual([[['a', 1, Status.DONE]]])
    expect(h.sent[0]?.[0]?.json).toBe('2')
  })

  it('cancels only the attempt a superseded report was on, not a newer one of the same task', async () => {
    const h = await make()
    await h.award('a', 1)

    // the first attempt's result waits for its ack while the second attempt starts
    let answerFirst: ((acks: ReportAck[]) => void) | undefined
    h.acks = (reports) => {
      expect(shape(reports)).toEqual([['a', 1, Status.DONE]])
      return new Promise((resolve) => {
        answerFirst = resolve
      })
    }
    h.started[0]?.end({ json: '1' })
    await waitFor(() => answerFirst !== undefined, { interval: 5 })
    h.acks = async (reports) =>
      reports.map((r) => ({ id: r.id, accepted: false, reason: 'superseded' }))

    expect((await h.award('a', 2)).acceptances[0]?.accepted).toBe(true)
    const second = h.started[1]
    expect(second?.run.signal.aborted).toBe(false)

    answerFirst?.([{ id: 'a', accepted: false, reason: 'superseded' }])
    // the ack is taken in the turn its answer arrives
    await new Promise((resolve) => setImmediate(resolve))
    expect(second?.run.signal.aborted).toBe(false)

    // a report on the second attempt answered as superseded does stop it
    second?.run.onProgress(0.5)
    await waitFor(() => second?.run.signal.aborted === true, { interval: 5 })
  })

  it('reports a fraction in [0, 1] whatever a handler passes as its progress', async () => {
    const cases: Array<[number, number]> = [
      [Number.NaN, 0],
      [Number.POSITIVE_INFINITY, 0],
      [Number.NEGATIVE_INFINITY, 0],
      [-1, 0],
      [1.5, 1],
      [0.25, 0.25]
    ]
    const progress = new Map(cases.map(([given], i) => [`p${i}`, given]))
    const h = await make(async (run) => {
      run.onProgress(progress.get(run.id) ?? 0, 'working')
      return { json: '1' }
    })

    for (const [i, [, expected]] of cases.entries()) {
      const answer = await h.award(`p${i}`, 1)
      const running = answer.reports.find((r) => r.status === Status.RUNNING)

      expect(running?.progress, `progress ${cases[i]?.[0]}`).toBe(expected)
      expect(running?.message).toBe('working')
    }
  })
  it('starts nothing queued once it is stopping, not even what a stopped run leaves room for', async () => {
    const h = await make()

    expect((await h.award('running', 1)).acceptances[0]?.accepted).toBe(true)
    await waitFor(() => h.started.length === 1)
    await h.cfp('queued')
    expect((await h.award('queued', 1, false)).acceptances[0]?.accepted).toBe(true)

    await h.worker.stop()
    // a turn for anything the ended run would have started
    await new Promise((resolve) => setImmediate(resolve))

    expect(h.started.map((s) => s.run.id)).toEqual(['running'])
  })

  it('declines an award of a task it still holds at another attempt', async () => {
    const h = await make()
    h.worker.start()
    expect((await h.award('a', 1)).acceptances[0]?.accepted).toBe(true)

    // the cancel of attempt 1 never came: attempt 2 must not pass for it
    expect((await h.award('a', 2)).acceptances[0]).toEqual({
      id: 'a',
      accepted: false,
      reason: 'this node still holds attempt 1 of the task'
    })
    // the same award again, after a lost answer, is still taken
    expect((await h.award('a', 1)).acceptances[0]?.accepted).toBe(true)
  })
})
