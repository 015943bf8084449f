import { describe, expect, it } from 'vitest'
import { Blocks } from '../../scripts/simulate/blocks.js'
import { VirtualClock } from '../../scripts/simulate/clock.js'
import { seeded } from '../../scripts/simulate/random.js'

const K = 1_000
const R = 3

async function stored(
  nodes: number
): Promise<{ blocks: Blocks; clock: VirtualClock; up: Set<string> }> {
  const clock = new VirtualClock(seeded(1))
  const up = new Set<string>()
  const blocks = new Blocks(clock, R, (node) => up.has(node))

  for (let i = 0; i < nodes; i++) {
    up.add(`node-${i}`)
    blocks.join(`node-${i}`)
  }

  await blocks.put(K)
  await clock.run(60_000)

  return { blocks, clock, up }
}

describe('blocks on the simulated ring', () => {
  it('are stored at r copies on their owners', async () => {
    const { blocks } = await stored(20)

    expect(blocks.stats()).toEqual({ blocks: K, moved: 0, lost: 0, short: 0 })
  })

  it('move about r·K/N copies when a node joins', async () => {
    const { blocks, clock, up } = await stored(20)

    up.add('newcomer')
    blocks.join('newcomer')
    await clock.run(clock.now() + 60_000)

    const ideal = (R * K) / 21
    expect(blocks.stats().short).toBe(0)
    expect(blocks.stats().moved).toBeGreaterThan(0.7 * ideal)
    expect(blocks.stats().moved).toBeLessThan(1.3 * ideal)
  })

  it('bring every block back to r copies when nodes crash, at the repair rate', async () => {
    const { blocks, clock, up } = await stored(20)

    up.delete('node-3')
    up.delete('node-7')
    expect(blocks.stats().short).toBeGreaterThan(0)
    const crashedAt = clock.now()
    blocks.leave('node-3')
    blocks.leave('node-7')
    await clock.run(clock.now() + 60_000, () => blocks.settled)

    const stats = blocks.stats()
    expect(stats.short).toBe(0)
    expect(stats.lost).toBe(0)
    // the two nodes held about 2·r·K/N copies, each pushed once
    const ideal = (2 * R * K) / 20
    expect(stats.moved).toBeGreaterThan(0.7 * ideal)
    expect(stats.moved).toBeLessThan(1.3 * ideal)
    expect(clock.now() - crashedAt).toBeGreaterThan(0)
  })
})
