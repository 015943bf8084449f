import { generateKeyPair } from '@libp2p/crypto/keys'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { beforeEach, describe, expect, it } from 'vitest'
import { MAX_OUTBOX, Outbox } from '../../src/scheduler/outbox.js'
import {
  type Report,
  type ReportAck,
  ReportAcks,
  Reports,
  Status
} from '../../src/scheduler/pb/tasks.js'
import { waitFor } from '../helpers/wait.js'
import { report, shape } from './reports.js'

/** An Outbox with a fake `request`: it records what goes to whom and answers as a test says. */
class Harness {
  readonly outbox: Outbox
  /** Every `report` request sent, in order. */
  readonly sent: Array<{ submitter: string; reports: Report[] }> = []
  /** Requests answered or failed so far. */
  settled = 0
  /** Attempts the submitters answered as superseded. */
  readonly superseded: Array<[string, string, number]> = []
  /** How a submitter answers a batch; every report accepted unless a test says. */
  acks: (reports: Report[]) => Promise<ReportAck[]> = async (reports) =>
    reports.map((r) => ({ id: r.id, accepted: true, reason: '' }))

  constructor() {
    this.outbox = new Outbox({
      request: async (peer, method, body) => {
        expect(method).toBe('report')
        const { reports } = Reports.decode(body)
        this.sent.push({ submitter: peer.toString(), reports })

        try {
          return ReportAcks.encode({ acks: await this.acks(reports) })
        } finally {
          this.settled++
        }
      },
      onSuperseded: (submitter, id, attempt) => this.superseded.push([submitter, id, attempt]),
      log: defaultLogger().forComponent('test:outbox')
    })
  }

  /** What each request carried, as [id, attempt, status]. */
  shapes(): Array<Array<[string, number, Status]>> {
    return this.sent.map(({ reports }) => shape(reports))
  }
}

/** Lets every callback queued with setImmediate so far run, and the promises they settle. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

async function submitter(): Promise<string> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
}

describe('Outbox', () => {
  let h: Harness
  let s: string

  beforeEach(async () => {
    h = new Harness()
    s = await submitter()
  })

  it('sends the reports queued in one turn on the next, one request per submitter', async () => {
    const other = await submitter()

    h.outbox.send(s, report('a', 1, Status.RUNNING))
    h.outbox.send(other, report('b', 1, Status.RUNNING))
    h.outbox.send(s, report('a', 1, Status.DONE))
    h.outbox.send(s, report('c', 1, Status.FAILED))
    expect(h.sent).toEqual([])

    await nextTurn()
    expect(h.sent.map(({ submitter, reports }) => [submitter, shape(reports)])).toEqual([
      [
        s,
        [
          ['a', 1, Status.RUNNING],
          ['a', 1, Status.DONE],
          ['c', 1, Status.FAILED]
        ]
      ],
      [other, [['b', 1, Status.RUNNING]]]
    ])
  })

  it('keeps the results of a failed request for the next beat, not progress or beats', async () => {
    h.acks = () => Promise.reject(new Error('the submitter is unreachable'))
    h.outbox.send(s, report('a', 1, Status.RUNNING, { progress: 0.5 }))
    h.outbox.send(s, report('b', 1, Status.DONE))
    h.outbox.send(s, report('c', 1, Status.FAILED))
    await nextTurn()
    await waitFor(() => h.settled === 1, { interval: 1 })
    await nextTurn()

    // nothing goes again before the heartbeat
    expect(h.sent).toHaveLength(1)

    h.acks = async (reports) => reports.map((r) => ({ id: r.id, accepted: true, reason: '' }))
    h.outbox.beat(new Map())
    expect(h.shapes()[1]).toEqual([
      ['b', 1, Status.DONE],
      ['c', 1, Status.FAILED]
    ])

    // acknowledged, they are not sent a third time
    await waitFor(() => h.settled === 2, { interval: 1 })
    h.outbox.beat(new Map())
    await nextTurn()
    expect(h.sent).toHaveLength(2)
  })

  it('holds back the flush until the last hold on a submitter is released', async () => {
    const release = h.outbox.hold(s)
    const again = h.outbox.hold(s)
    h.outbox.send(s, report('a', 1, Status.DONE))
    h.outbox.beat(new Map([[s, [report('b', 1, Status.RUNNING)]]]))
    await nextTurn()
    expect(h.sent).toEqual([])

    release()
    // releasing the same hold twice does not let go of the other one
    release()
    await nextTurn()
    expect(h.sent).toEqual([])

    again()
    expect(h.sent).toEqual([])
    await nextTurn()
    expect(h.shapes()).toEqual([
      [
        ['a', 1, Status.DONE],
        ['b', 1, Status.RUNNING]
      ]
    ])
  })

  it('takes out the reports on the given attempts, and sends the rest', async () => {
    const release = h.outbox.hold(s)
    h.outbox.send(s, report('a', 1, Status.RUNNING))
    h.outbox.send(s, report('b', 1, Status.RUNNING))
    h.outbox.send(s, report('a', 2, Status.DONE))
    h.outbox.send(s, report('a', 1, Status.DONE))

    const taken = h.outbox.take(s, new Map([['a', 1]]))
    release()
    await nextTurn()

    expect(shape(taken)).toEqual([
      ['a', 1, Status.RUNNING],
      ['a', 1, Status.DONE]
    ])
    expect(h.shapes()).toEqual([
      [
        ['b', 1, Status.RUNNING],
        ['a', 2, Status.DONE]
      ]
    ])
    expect(h.outbox.take(s, new Map([['b', 1]]))).toEqual([])
  })

  it('sends the reports that rode an answer no more', async () => {
    const release = h.outbox.hold(s)
    h.outbox.send(s, report('a', 1, Status.RUNNING))
    h.outbox.send(s, report('a', 1, Status.DONE))
    expect(h.outbox.take(s, new Map([['a', 1]]))).toHaveLength(2)
    release()
    await nextTurn()
    expect(h.sent).toEqual([])

    h.outbox.beat(new Map([[s, [report('b', 1, Status.RUNNING)]]]))
    expect(h.shapes()).toEqual([[['b', 1, Status.RUNNING]]])
  })

  it('leaves out of a beat the tasks that already have a report waiting', async () => {
    const release = h.outbox.hold(s)
    h.outbox.send(s, report('a', 1, Status.DONE))
    h.outbox.beat(new Map([[s, [report('a', 2, Status.RUNNING), report('b', 1, Status.QUEUED)]]]))
    release()
    await nextTurn()

    expect(h.shapes()).toEqual([
      [
        ['a', 1, Status.DONE],
        ['b', 1, Status.QUEUED]
      ]
    ])
  })

  it('puts a progress report in place of the RUNNING report still waiting on its task', async () => {
    const release = h.outbox.hold(s)
    h.outbox.send(s, report('a', 1, Status.RUNNING))
    h.outbox.update(s, report('a', 1, Status.RUNNING, { progress: 0.5 }))
    h.outbox.update(s, report('b', 1, Status.RUNNING, { progress: 0.25 }))
    release()
    await nextTurn()

    expect(h.sent.map(({ reports }) => reports.map((r) => [r.id, r.progress]))).toEqual([
      [
        ['a', 0.5],
        ['b', 0.25]
      ]
    ])
  })

  it('passes on each report answered as superseded with the attempt it was on', async () => {
    h.acks = async (reports) =>
      reports.map((r) => ({
        id: r.id,
        accepted: r.id !== 'b',
        reason: r.id === 'b' ? 'superseded' : ''
      }))
    h.outbox.send(s, report('a', 1, Status.RUNNING))
    h.outbox.send(s, report('b', 3, Status.RUNNING))
    await nextTurn()
    await waitFor(() => h.settled === 1, { interval: 1 })
    await nextTurn()

    expect(h.superseded).toEqual([[s, 'b', 3]])
  })

  it(`keeps at most ${MAX_OUTBOX} reports for a submitter, dropping the oldest`, async () => {
    const release = h.outbox.hold(s)

    for (let i = 0; i < MAX_OUTBOX + 2; i++) {
      h.outbox.send(s, report(`r${i}`, 1, Status.RUNNING))
    }

    release()
    await waitFor(() => h.sent.flatMap(({ reports }) => reports).length >= MAX_OUTBOX, {
      interval: 1
    })
    await nextTurn()

    const ids = h.sent.flatMap(({ reports }) => reports).map((r) => r.id)
    expect(ids).toHaveLength(MAX_OUTBOX)
    expect(ids[0]).toBe('r2')
    expect(ids.at(-1)).toBe(`r${MAX_OUTBOX + 1}`)
  })

  it('forgets the reports of a submitter dropped', async () => {
    const release = h.outbox.hold(s)
    h.outbox.send(s, report('a', 1, Status.DONE))
    h.outbox.send(s, report('b', 1, Status.DONE))

    h.outbox.drop(s)
    release()
    h.outbox.beat(new Map())
    await nextTurn()

    expect(h.sent).toEqual([])
  })
})
