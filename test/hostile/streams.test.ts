import { describe, expect, it } from 'vitest'
import { protocolId } from '../../src/index.js'
import { MAX_BLOCK_MESSAGE } from '../../src/store/store.js'
import { waitFor } from '../helpers/wait.js'
import type { Ending } from './attacker/raw.js'
import {
  expectIntact,
  expectMetric,
  honestTraffic,
  hostileSetup,
  mb,
  memoryAfterGc,
  memoryChange,
  openStreams,
  SMALL_TIMEOUTS
} from './fixtures.js'

const TASKS = protocolId('hostile', 'tasks')
const BLOCKS = protocolId('hostile', 'blocks')
const PROBE = protocolId('hostile', 'probe')
const ID = protocolId('hostile', 'id')
const PING = protocolId('hostile', 'ping')
const KAD = protocolId('hostile', 'kad')

interface Ended {
  ending?: Ending
  ms: number
  refused?: string
  sent?: number
}

/** Streams the victim let the attacker open and still held when the attack's wait ran out. */
const held = (ended: Ended[]): Ended[] => ended.filter((e) => e.ending === 'open')
/** Streams the victim ended at once: refused as one too many. */
const refused = (ended: Ended[]): Ended[] =>
  ended.filter((e) => e.refused !== undefined || (e.ending !== 'open' && e.ms < 200))

/** How each stream ended, in a line: `reset 1468 ms` or the error it was refused with. */
function summary(streams: Record<string, Ended[]>): string {
  return Object.entries(streams)
    .map(([protocol, ended]) => {
      const each = ended.map((e) => e.refused ?? `${e.ending} ${e.ms} ms`)
      return `${protocol}: ${each.join(', ')}`
    })
    .join('\n  ')
}

describe('streams that carry nothing, or next to nothing', () => {
  const setup = hostileSetup()

  it('closes idle streams where a timeout is set, and holds few of the rest', async () => {
    const { mesh, attacker } = await setup()
    const { victim } = mesh
    const peer = victim.peerId.toString()
    const memory = memoryAfterGc()
    const idle = {
      tasks: victim.tasks.stats().protocol.closed.idle ?? 0,
      blocks: victim.store.stats().protocol.closed.idle ?? 0
    }
    // more streams than each protocol takes from one connection
    const asked: Record<string, number> = {
      [TASKS]: 6,
      [BLOCKS]: 6,
      [PROBE]: 4,
      [ID]: 3,
      [PING]: 4,
      [KAD]: 3
    }
    const attack = Promise.all(
      Object.entries(asked).map(async ([protocol, count]) => [
        protocol,
        await attacker.run<Ended[]>('idle', { peer, protocol, count, wait: 3_000 })
      ])
    ).then((all) => Object.fromEntries(all) as Record<string, Ended[]>)

    // once the attacker's streams are all open, the victim holds a bounded number of them
    await waitFor(() => openStreams(victim, attacker.peerId) >= 10)
    const honest = await honestTraffic(mesh)
    const peak = openStreams(victim, attacker.peerId)
    const ended = await attack
    const growth = memoryAfterGc() - memory
    console.log(
      `idle streams: victim held ${peak} at the peak; honest task ${honest.taskMs} ms, ` +
        `get ${honest.getMs} ms; memory ${memoryChange(memory, growth)}\n  ${summary(ended)}`
    )

    // the task and block protocols take four from a connection, close them once idle for
    // `limits.streamIdleTimeout`, and count them
    for (const [protocol, stats] of [
      [TASKS, victim.tasks.stats().protocol],
      [BLOCKS, victim.store.stats().protocol]
    ] as const) {
      const streams = ended[protocol] as Ended[]
      expect(refused(streams), protocol).toHaveLength(2)

      for (const stream of streams.filter((e) => e.ms >= 200)) {
        expect(stream.ending).toBe('reset')
        expect(stream.ms).toBeGreaterThan(SMALL_TIMEOUTS.streamIdleTimeout - 200)
        expect(stream.ms).toBeLessThan(SMALL_TIMEOUTS.streamIdleTimeout + 1_000)
      }

      expect(stats.closed.idle, protocol).toBeGreaterThanOrEqual(
        (protocol === TASKS ? idle.tasks : idle.blocks) + 4
      )
    }
    await expectMetric(
      victim,
      'mycel_tasks_rpc_streams_closed_total',
      { reason: 'idle' },
      () => victim.tasks.stats().protocol.closed.idle ?? 0
    )
    await expectMetric(
      victim,
      'mycel_store_rpc_streams_closed_total',
      { reason: 'idle' },
      () => victim.store.stats().protocol.closed.idle ?? 0
    )

    // the probe server waits for a request for 2 x 0.6 x probeTimeout
    const probes = ended[PROBE] as Ended[]
    expect(held(probes)).toHaveLength(0)
    expect(Math.max(...probes.map((e) => e.ms))).toBeLessThan(1_500)

    // libp2p's own: ping and kad give up after 10 s, identify answers and closes its side
    expect(held(ended[PING] as Ended[]).length).toBeLessThanOrEqual(2)
    expect(held(ended[ID] as Ended[]).length).toBeLessThanOrEqual(1)
    expect(held(ended[KAD] as Ended[]).length).toBeLessThanOrEqual(3)

    expect(peak).toBeLessThanOrEqual(4 + 4 + 2 + 2 + 1 + 3 + 4)
    expect(growth).toBeLessThan(16e6)
  })

  it('bounds streams written to at 1 byte a second, and honest work goes on', async () => {
    const { mesh, attacker } = await setup()
    const { victim } = mesh
    const blocks = victim.store.local.count
    const peer = victim.peerId.toString()
    const memory = memoryAfterGc()
    // each stream announces a message within the protocol's size limit, then trickles it
    const drip = (protocol: string, count: number, announce = 1_000) =>
      attacker.run<Ended[]>('drip', { peer, protocol, count, seconds: 4, announce })
    const attack = Promise.all([drip(TASKS, 5), drip(PROBE, 1, 100), drip(KAD, 1), drip(PING, 1)])

    await waitFor(() => openStreams(victim, attacker.peerId) >= 6)
    const honest = await honestTraffic(mesh)
    const [tasks, probe, kad, ping] = (await attack) as [Ended[], Ended[], Ended[], Ended[]]
    const growth = memoryAfterGc() - memory
    const endings = summary({ [TASKS]: tasks, [PROBE]: probe, [KAD]: kad, [PING]: ping })
    console.log(
      `1 byte a second: honest task ${honest.taskMs} ms, get ${honest.getMs} ms; ` +
        `memory ${memoryChange(memory, growth)}\n  ${endings}`
    )

    // the probe server waits for its request until its deadline, however it trickles in
    expect(probe[0]).toMatchObject({ ending: 'reset' })
    expect(probe[0]?.ms).toBeGreaterThan(400)
    expect(probe[0]?.ms).toBeLessThan(1_500)
    // the task protocol takes four streams from a connection, each with one frame at most
    expect(held(tasks).length).toBeLessThanOrEqual(4)
    expect(refused(tasks)).toHaveLength(1)
    // kad waits 10 s for a message, ping echoes for 10 s: both still open at 4 s
    expect(kad[0]?.sent).toBeGreaterThanOrEqual(3)
    expect(ping[0]?.sent).toBeGreaterThanOrEqual(3)
    expect(growth).toBeLessThan(16e6)
    await expectIntact(mesh, blocks)
  })

  // the idle timer restarts on every byte: a peer that sends one now and then keeps a
  // stream, and the frame it never finishes, for as long as it likes
  it('closes a stream on which no whole frame came within the idle timeout', async () => {
    const { mesh, attacker } = await setup()
    const drip = (protocol: string) =>
      attacker.run<Ended[]>('drip', {
        peer: mesh.victim.peerId.toString(),
        protocol,
        seconds: (2 * SMALL_TIMEOUTS.streamIdleTimeout + 500) / 1_000,
        announce: 100
      })
    const [[tasks], [blocks]] = await Promise.all([drip(TASKS), drip(BLOCKS)])

    for (const stream of [tasks, blocks]) {
      expect(stream?.ending).not.toBe('open')
      expect(stream?.ms).toBeLessThan(2 * SMALL_TIMEOUTS.streamIdleTimeout)
    }
  })

  // libp2p caps streams per connection, and a peer may open as many connections as it likes
  it('holds at most 4 streams of a protocol from a peer, however many connections', async () => {
    const { mesh, attacker } = await setup()
    const { victim } = mesh
    const base = memoryAfterGc()
    // each stream carries all but the last byte of the largest block message
    const attack = attacker.run<Ended[]>('drip', {
      peer: victim.peerId.toString(),
      protocol: BLOCKS,
      count: 12,
      connections: 3,
      seconds: 1.5,
      interval: 250,
      announce: MAX_BLOCK_MESSAGE,
      fill: MAX_BLOCK_MESSAGE - 1
    })
    let most = 0
    let held = 0
    let measuredAt = 0
    const watching = setInterval(() => {
      const streams = victim.libp2p
        .getConnections()
        .filter((conn) => conn.remotePeer.toString() === attacker.peerId)
        .flatMap((conn) => conn.streams.filter((s) => s.protocol === BLOCKS))
      most = Math.max(most, streams.length)

      // what the victim holds, garbage collected now and then
      if (Date.now() - measuredAt > 250) {
        held = Math.max(held, memoryAfterGc() - base)
        measuredAt = Date.now()
      }
    }, 20)
    const ended = await attack.finally(() => clearInterval(watching))
    console.log(
      `12 block streams over 3 connections: the victim held ${most} at once, and ` +
        `${mb(held)} more memory at most\n  ${summary({ [BLOCKS]: ended })}`
    )

    expect(most).toBeLessThanOrEqual(4)
    // four unfinished frames of the largest size, and room to spare
    expect(held).toBeLessThan(4 * MAX_BLOCK_MESSAGE + 16e6)
  })
})
