import { describe, expect, it } from 'vitest'
import { protocolId } from '../../src/index.js'
import { waitFor } from '../helpers/wait.js'
import type { Ending } from './attacker/raw.js'
import {
  expectIntact,
  expectMetric,
  honestTraffic,
  hostileSetup,
  memoryAfterGc,
  memoryChange,
  metric,
  openStreams
} from './fixtures.js'

/** What the attacker sends: see GARBAGE in attacker/streams.ts. */
const KINDS = ['random', 'garbled', 'truncated', 'oversized'] as const
const TASKS = protocolId('hostile', 'tasks')
const BLOCKS = protocolId('hostile', 'blocks')
const PROBE = protocolId('hostile', 'probe')

interface Outcome {
  protocol: string
  kind: (typeof KINDS)[number]
  ending: Ending
  ms: number
}

describe('bad bytes to every protocol a node serves', () => {
  const setup = hostileSetup()

  it('ends the streams, counts them by reason, and keeps serving honest peers', async () => {
    const { mesh, attacker } = await setup()
    const { victim } = mesh
    const victimId = victim.peerId.toString()
    const protocols = victim.libp2p.getProtocols()
    const blocks = victim.store.local.count
    const streams = openStreams(victim, attacker.peerId)
    const memory = memoryAfterGc()
    const before = {
      tasks: victim.tasks.stats().protocol.closed,
      blocks: victim.store.stats().protocol.closed,
      gossip: await metric(victim, 'gossipsub_peer_read_stream_err_count_total')
    }

    // protocols side by side; on each, the kinds of garbage one after another
    const attack = Promise.all(
      protocols.map(async (protocol) => {
        const outcomes: Outcome[] = []

        for (const kind of KINDS) {
          const args = { peer: victimId, protocol, kind, wait: 2_000 }
          const ended = await attacker.run<Pick<Outcome, 'ending' | 'ms'>>('garbage', args)
          outcomes.push({ protocol, kind, ...ended })
        }

        return outcomes
      })
    ).then((all) => all.flat())
    const honest = await honestTraffic(mesh)
    const outcomes = await attack
    const after = {
      tasks: victim.tasks.stats().protocol.closed,
      blocks: victim.store.stats().protocol.closed,
      gossip: await metric(victim, 'gossipsub_peer_read_stream_err_count_total')
    }
    const growth = memoryAfterGc() - memory
    const endings = outcomes.map((o) => `${o.protocol} ${o.kind}: ${o.ending} after ${o.ms} ms`)
    console.log(
      `garbage to ${protocols.length} protocols: honest task ${honest.taskMs} ms, ` +
        `get ${honest.getMs} ms; memory ${memoryChange(memory, growth)}; streams closed ` +
        `${JSON.stringify({ tasks: after.tasks, blocks: after.blocks })}, gossipsub read ` +
        `errors ${after.gossip - before.gossip}\n  ${endings.join('\n  ')}`
    )

    expect(protocols).toEqual(expect.arrayContaining([TASKS, BLOCKS, PROBE]))
    expect(protocols.filter((p) => p.startsWith('/mycel/hostile/'))).toHaveLength(6)

    // mycel's own protocols end every stream of garbage at once
    for (const outcome of outcomes.filter((o) => [TASKS, BLOCKS, PROBE].includes(o.protocol))) {
      expect(outcome.ending, `${outcome.protocol} after ${outcome.kind}`).not.toBe('open')
      expect(outcome.ms).toBeLessThan(1_000)
    }

    // and count them by reason, in the stats and in the metrics
    for (const [part, name] of [
      ['tasks', 'mycel_tasks_rpc_streams_closed_total'],
      ['blocks', 'mycel_store_rpc_streams_closed_total']
    ] as const) {
      for (const reason of ['malformed', 'too-large'] as const) {
        expect(after[part][reason] ?? 0, `${part} ${reason}`).toBeGreaterThan(
          before[part][reason] ?? 0
        )
        await expectMetric(victim, name, { reason }, after[part][reason] as number)
      }
    }

    // gossipsub counts the streams it could not read
    expect(after.gossip).toBeGreaterThan(before.gossip)

    // and the probe protocol the requests it could not read
    const probes = victim.adverts.stats().probes.refused.malformed ?? 0
    expect(probes).toBeGreaterThan(0)
    await expectMetric(
      victim,
      'mycel_adverts_probes_refused_total',
      { reason: 'malformed' },
      probes
    )

    // nothing is left open once the attacker lets go, and nothing was lost
    await waitFor(() => openStreams(victim, attacker.peerId) <= streams, {
      message: 'the victim kept streams of the attacker open'
    })
    expect(victim.isStarted()).toBe(true)
    expect(growth).toBeLessThan(16e6)
    await expectIntact(mesh, blocks)
  })

  // a stream that ends inside a frame is no clean close: the bytes before the end were garbage
  it('counts a stream that ends in the middle of a frame as malformed', async () => {
    const { mesh, attacker } = await setup()
    const { victim } = mesh
    const before = {
      tasks: victim.tasks.stats().protocol.closed.malformed ?? 0,
      blocks: victim.store.stats().protocol.closed.malformed ?? 0
    }

    for (const protocol of [TASKS, BLOCKS]) {
      const outcome = await attacker.run<Outcome>('garbage', {
        peer: victim.peerId.toString(),
        protocol,
        kind: 'truncated',
        wait: 2_000
      })
      expect(outcome.ending).not.toBe('open')
    }

    expect({
      tasks: victim.tasks.stats().protocol.closed.malformed ?? 0,
      blocks: victim.store.stats().protocol.closed.malformed ?? 0
    }).toEqual({ tasks: before.tasks + 1, blocks: before.blocks + 1 })
  })
})
