import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createMeshNode, type MeshNode, protocolId } from '../../src/index.js'
import { Frame } from '../../src/rpc/pb/rpc.js'
import {
  Acceptances,
  Awards,
  CallForProposals,
  Proposals,
  ReportAcks,
  Reports,
  Status,
  TaskRefs
} from '../../src/scheduler/pb/tasks.js'
import { MAX_BATCH, MAX_TASK_MESSAGE } from '../../src/scheduler/wire.js'
import { localInit, trackNodes } from '../helpers/mesh.js'
import { waitFor } from '../helpers/wait.js'
import { askRaw } from '../rpc/fixtures.js'
import { report } from './reports.js'

const MESH = 'hostile-tasks'
const PROTOCOL = protocolId(MESH, 'tasks')
const needs = { slots: 1, memory: 0, gpu: 0, labels: [] }

/** Sends one request on a fresh raw stream and reads the answer frame. */
async function ask(from: MeshNode, to: MeshNode, method: string, body: Uint8Array): Promise<Frame> {
  const stream = await from.libp2p.dialProtocol(to.peerId, PROTOCOL)
  const answer = await askRaw(stream, method, body, MAX_TASK_MESSAGE + 1024)
  await stream.close().catch(() => {})

  return answer
}

function offer(id: string, kind = 'echo') {
  return { id, kind, needs, priority: 0, inputs: [] }
}

describe('the task protocol under bad input', () => {
  const nodes = trackNodes()

  it('refuses and counts what strangers send, leaks no state, and keeps running honest tasks', async () => {
    const victim = await createMeshNode(localInit({ mesh: MESH, slots: 2 }))
    nodes.push(victim)
    const honest = await createMeshNode(localInit({ join: victim.invite(), slots: 0 }))
    const attacker = await createMeshNode(localInit({ join: victim.invite(), slots: 0 }))
    nodes.push(honest, attacker)
    await waitFor(() => honest.view.size === 3 && victim.view.size === 3)

    // calls for proposals: too many offers, a bad kind, bytes that are no message
    const tooMany = CallForProposals.encode({
      offers: Array.from({ length: MAX_BATCH + 1 }, (_, i) => offer(`t${i}`))
    })
    expect((await ask(attacker, victim, 'cfp', tooMany)).code).toBe('InvalidTaskError')
    const badKind = CallForProposals.encode({ offers: [offer('a', 'no kind\n')] })
    expect((await ask(attacker, victim, 'cfp', badKind)).message).toMatch(/expected kind/)
    expect((await ask(attacker, victim, 'cfp', randomBytes(64))).kind).toBe(Frame.Kind.ERROR)
    const badInput = CallForProposals.encode({
      offers: [{ ...offer('b'), inputs: [randomBytes(36)] }]
    })
    expect((await ask(attacker, victim, 'cfp', badInput)).code).toBe('InvalidCidError')

    // an unknown kind is not an error: it is refused with the reason
    const unknown = await ask(
      attacker,
      victim,
      'cfp',
      CallForProposals.encode({ offers: [offer('c', 'mine')] })
    )
    expect(Proposals.decode(unknown.body).proposals[0]?.refusal).toMatch(/does not run "mine"/)

    // an award for a task it never bid on, and one with arguments that are not JSON
    const award = (id: string, args: string) => ({
      ...offer(id),
      attempt: 1,
      args,
      timeout: 1_000,
      direct: false
    })
    const stray = await ask(attacker, victim, 'award', Awards.encode({ awards: [award('d', '1')] }))
    expect(Acceptances.decode(stray.body).acceptances[0]).toMatchObject({
      accepted: false,
      reason: 'no open bid for this task'
    })
    const notJson = await ask(
      attacker,
      victim,
      'award',
      Awards.encode({ awards: [award('e', '{')] })
    )
    expect(notJson.code).toBe('InvalidTaskError')

    // reports for tasks it was never part of, and for one awarded to someone else
    const mine = honest.submit({ kind: 'sleep', args: 300 })
    await waitFor(() => mine.info().state === 'running')
    const forged = (id: string) =>
      report(id, 1, Status.DONE, { progress: 1, json: '"forged"', elapsed: 1 })
    for (const id of ['never-was', mine.id]) {
      const answer = await ask(
        attacker,
        honest,
        'report',
        Reports.encode({ reports: [forged(id)] })
      )
      expect(ReportAcks.decode(answer.body).acks[0]).toMatchObject({
        accepted: false,
        reason: 'this attempt of the task was not awarded to you'
      })
    }

    // releases and cancels from a stranger touch nothing of others'
    const refs = TaskRefs.encode({ tasks: [{ id: mine.id, attempt: 1 }] })
    await ask(attacker, victim, 'cancel', refs)
    await ask(attacker, victim, 'release', refs)
    // an oversized spec never leaves the submitter
    expect(() => honest.submit({ kind: 'echo', args: 'x'.repeat(70_000) })).toThrow(/64 KiB|65536/)

    // the honest task is untouched, and more run as before
    expect(await mine.result()).toEqual({ slept: 300 })
    expect(await honest.submit({ kind: 'echo', args: 'still here' }).result()).toBe('still here')
    const input = await honest.put(randomBytes(10_000))
    expect(await honest.submit({ kind: 'sha256', inputs: [input] }).result()).toMatchObject({
      bytes: 10_000
    })

    const victimStats = victim.tasks.stats()
    expect(victimStats.protocol.refused.InvalidTaskError).toBeGreaterThanOrEqual(3)
    expect(victimStats.worker.declined).toBe(1)
    expect(honest.tasks.stats().submitter.refusedReports).toBe(2)
    // nothing of the attacker's is held: every reservation and queued task is gone
    await waitFor(
      () => victim.tasks.stats().slots.busy === 0 && victim.tasks.stats().slots.queued === 0
    )
    expect(attacker.tasks.list()).toHaveLength(0)
    expect(honest.tasks.list().every((task) => task.state === 'completed')).toBe(true)
  })
})
