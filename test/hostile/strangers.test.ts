import { describe, expect, it } from 'vitest'
import { type MeshNode, protocolId } from '../../src/index.js'
import { Frame } from '../../src/rpc/pb/rpc.js'
import {
  Acceptances,
  Awards,
  Proposals,
  ReportAcks,
  Reports,
  Status,
  TaskRefs
} from '../../src/scheduler/pb/tasks.js'
import { waitFor } from '../helpers/wait.js'
import { report } from '../scheduler/reports.js'
import type { WireFrame } from './attacker/raw.js'
import {
  expectIntact,
  expectMetric,
  honestTraffic,
  hostileSetup,
  memoryAfterGc,
  memoryChange,
  VICTIM_LABEL
} from './fixtures.js'

const TASKS = protocolId('hostile', 'tasks')
const needs = { slots: 1, memory: 0, gpu: 0, labels: [] }

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64')
const body = (frame: WireFrame): Uint8Array => Buffer.from(frame.body, 'base64')

/** An award of an `echo` task, as a submitter sends it. */
function award(id: string, attempt = 1) {
  return {
    id,
    kind: 'echo',
    needs,
    priority: 0,
    inputs: [],
    attempt,
    args: '"forged"',
    timeout: 1_000,
    direct: false
  }
}

/** A report that a task is done, with a result the attacker made up. */
function done(id: string, attempt: number) {
  return report(id, attempt, Status.DONE, { progress: 1, json: '"forged"', elapsed: 1 })
}

describe('a peer that speaks of tasks it was never part of', () => {
  const setup = hostileSetup()

  it('has its awards, results, cancels and releases refused and counted', async () => {
    const { mesh, attacker } = await setup()
    const { victim, client } = mesh
    const blocks = victim.store.local.count
    const memory = memoryAfterGc()
    const ask = async (to: MeshNode, method: string, message: Uint8Array): Promise<WireFrame> =>
      attacker.run<WireFrame>('ask', {
        peer: to.peerId.toString(),
        protocol: TASKS,
        method,
        body: base64(message)
      })

    // an honest task, awarded to the victim and running there while the attacker acts
    const honest = client.submit({ kind: 'sleep', args: 1_500, needs: { labels: VICTIM_LABEL } })
    await waitFor(() => honest.info().state === 'running')
    const attempt = honest.info().attempts
    const before = {
      declined: victim.tasks.stats().worker.declined,
      refusedReports: client.tasks.stats().submitter.refusedReports
    }

    // awards for tasks it never bid on: one of its own making, and the honest task's id
    const awards = await ask(
      victim,
      'award',
      Awards.encode({ awards: [award('never-bid'), award(honest.id, attempt)] })
    )
    expect(Acceptances.decode(body(awards)).acceptances).toEqual([
      { id: 'never-bid', accepted: false, reason: 'no open bid for this task' },
      { id: honest.id, accepted: false, reason: 'no open bid for this task' }
    ])

    // results: for the task awarded to the victim, and for tasks that never were
    const reports = await ask(
      client,
      'report',
      Reports.encode({
        reports: [done(honest.id, attempt), done('never-was', 1), done(honest.id, attempt + 1)]
      })
    )
    const acks = ReportAcks.decode(body(reports)).acks
    expect(acks.map((ack) => ack.accepted)).toEqual([false, false, false])
    for (const ack of acks) expect(ack.reason).toMatch(/not awarded to you/)

    // cancels and releases of the honest task touch nothing: they are the victim's to take
    // from its submitter only
    const refs = TaskRefs.encode({ tasks: [{ id: honest.id, attempt }] })
    expect((await ask(victim, 'cancel', refs)).kind).toBe('response')
    expect((await ask(victim, 'release', refs)).kind).toBe('response')

    // the honest work goes on as if nothing was said, and more runs meanwhile
    const traffic = await honestTraffic(mesh)
    expect(await honest.result()).toEqual({ slept: 1_500 })
    expect(honest.info().node).toBe(victim.peerId.toString())
    expect(honest.info().attempts).toBe(attempt)

    const after = {
      declined: victim.tasks.stats().worker.declined,
      refusedReports: client.tasks.stats().submitter.refusedReports
    }
    const growth = memoryAfterGc() - memory
    console.log(
      `strangers: victim declined ${after.declined - before.declined} awards, client refused ` +
        `${after.refusedReports - before.refusedReports} reports; ` +
        `honest task ${traffic.taskMs} ms; ` +
        `memory ${memoryChange(memory, growth)}`
    )
    expect(after.declined - before.declined).toBe(2)
    expect(after.refusedReports - before.refusedReports).toBe(3)
    await expectMetric(victim, 'mycel_scheduler_declined_total', {}, after.declined)
    await expectMetric(client, 'mycel_tasks_refused_reports_total', {}, after.refusedReports)

    // nothing of the attacker's is held
    await waitFor(() => {
      const { slots } = victim.tasks.stats()
      return slots.busy === 0 && slots.queued === 0
    })
    expect(client.tasks.list().every((task) => task.state === 'completed')).toBe(true)
    expect(growth).toBeLessThan(16e6)
    await expectIntact(mesh, blocks)
  })

  // a serving side that gets an answer (here, bids for tasks it never offered) drops it
  // without a word, where a requesting side that gets a request counts a protocol error
  it('counts bids nobody asked for as a protocol error', async () => {
    const { mesh, attacker } = await setup()
    const { client } = mesh
    const before = client.tasks.stats().protocol.closed['protocol-error'] ?? 0
    const bids = Proposals.encode({
      room: 64,
      proposals: [
        {
          id: 'never-offered',
          bid: { startDelay: 0, runTime: 1, fetchBytes: 0, expires: 60_000 },
          refusal: ''
        }
      ]
    })

    const ended = await attacker.run<{ ending: string }>('answer', {
      peer: client.peerId.toString(),
      protocol: TASKS,
      kind: Frame.Kind.RESPONSE,
      body: base64(bids),
      count: 10
    })

    expect(ended.ending).toBe('reset')
    expect(client.tasks.stats().protocol.closed['protocol-error'] ?? 0).toBe(before + 1)
  })
})
