import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { Advert } from '../../src/adverts/pb/advert.js'
import { createMeshNode, type MeshNode } from '../../src/index.js'
import { localInit, startMesh, trackNodes } from '../helpers/mesh.js'
import { waitFor } from '../helpers/wait.js'
import { advert } from './fixtures.js'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void
const SPAMMER = resolve(import.meta.dirname, '../helpers/advert-spammer.ts')

/** Heap in use after a full collection. */
function heapAfterGc(): number {
  gc()
  gc()

  return process.memoryUsage().heapUsed
}

/** A valid advert of now, with some fields changed. */
function forge(overrides: Partial<Advert> = {}): Uint8Array {
  const now = Date.now()

  return Advert.encode(advert({ seq: now * 10, time: now, ...overrides }))
}

interface Scored {
  getScore(peerId: string): number
}

describe('adverts from a hostile peer', () => {
  const nodes = trackNodes()

  it('rejects each kind of bad advert by reason, penalises the sender and keeps the view right', async () => {
    nodes.push(...(await startMesh(2)))
    const [victim, honest] = nodes as [MeshNode, MeshNode]
    const token = victim.invite()
    const cases: Array<[string, (lastSeq: number) => Uint8Array]> = [
      ['undecodable', () => Uint8Array.of(0x08, 0xff, 0xff)],
      ['too-large', () => new Uint8Array(5_000).fill(0x41)],
      ['wrong-version', () => forge({ version: 2 })],
      ['seq-backwards', (lastSeq) => forge({ seq: lastSeq - 1 })],
      ['from-future', () => forge({ time: Date.now() + 3_600_000 })],
      ['impossible-values', () => forge({ cpu: { cores: 0, model: 'x', load1: 0 } })],
      ['impossible-values', () => forge({ memory: { total: 1e9, free: -5 } })]
    ]

    for (const [reason, bytes] of cases) {
      // a fresh attacker each time: after a few rejections gossipsub stops reading a peer at all
      const attacker = await createMeshNode(localInit({ join: token }))
      nodes.push(attacker)
      const id = attacker.peerId.toString()
      await waitFor(() => victim.view.has(id), { message: 'the attacker never joined the view' })
      const before = victim.adverts.stats().rejected
      const lastSeq = victim.view.get(id)?.advert.seq as number

      await attacker.libp2p.services.pubsub.publish(attacker.adverts.topic, bytes(lastSeq))

      await waitFor(
        () =>
          victim.adverts.stats().rejected[reason as keyof typeof before] ===
          before[reason as keyof typeof before] + 1,
        { message: `the ${reason} advert was not counted` }
      )
      expect(victim.view.get(id)?.advert.software).toMatch(/^mycel\//)
      // gossipsub refreshes scores on its own clock
      const scores = victim.libp2p.services.pubsub as unknown as Scored
      await waitFor(() => scores.getScore(id) < 0, {
        message: `a ${reason} advert did not lower the sender's score`
      })
      await attacker.stop()
    }

    // the honest peer's adverts still flow
    honest.adverts.setSlots({ queued: 7 })
    await waitFor(() => victim.view.get(honest.peerId.toString())?.advert.slots?.queued === 7, {
      message: 'an honest advert did not arrive after the attack'
    })
  })

  it('keeps memory flat and honest adverts flowing under 10,000 bad adverts', async () => {
    nodes.push(...(await startMesh(2)))
    const [victim, honest] = nodes as [MeshNode, MeshNode]
    const token = victim.invite()

    // warm up with a first attacker, so that first-use allocations do not count as growth
    await spam(token, 500)
    const before = heapAfterGc()
    const rejectedBefore = totalRejected(victim)

    const attack = spam(token, 10_000)
    honest.adverts.setSlots({ queued: 3 })
    await waitFor(() => victim.view.get(honest.peerId.toString())?.advert.slots?.queued === 3, {
      message: 'an honest advert did not arrive during the attack'
    })
    await attack

    const growth = heapAfterGc() - before
    const rejected = totalRejected(victim) - rejectedBefore
    console.log(
      `10,000 bad adverts: ${rejected} reached the validator and were rejected, ` +
        `heap growth ${(growth / 1e6).toFixed(1)} MB`
    )

    expect(rejected).toBeGreaterThan(0)
    expect(growth).toBeLessThan(8e6)
    // nothing the attacker sent stays: once it is gone, the view holds the two honest nodes
    await waitFor(() => victim.view.size === 2, {
      message: 'the view kept more than the honest nodes'
    })
  })
})

function totalRejected(node: MeshNode): number {
  return Object.values(node.adverts.stats().rejected).reduce((a, b) => a + b, 0)
}

/** Runs a hostile member in its own process until it has sent `count` bad adverts. */
async function spam(token: string, count: number): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', SPAMMER, token, String(count)], {
    stdio: ['ignore', 'pipe', 'inherit']
  })

  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('done')) resolve()
      })
      child.once('exit', (code) => reject(new Error(`the spammer exited with ${code}`)))
    })
  } finally {
    child.kill('SIGKILL')
  }
}
