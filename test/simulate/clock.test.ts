import { describe, expect, it } from 'vitest'
import { VirtualClock } from '../../scripts/simulate/clock.js'
import { seeded } from '../../scripts/simulate/random.js'

describe('the virtual clock', () => {
  it('runs timers in time order, and in the order set at equal times', async () => {
    const clock = new VirtualClock(seeded(1))
    const seen: string[] = []

    clock.setTimeout(() => seen.push(`b@${clock.now()}`), 20)
    clock.setTimeout(() => seen.push(`a@${clock.now()}`), 10)
    clock.setTimeout(() => seen.push(`c@${clock.now()}`), 20)
    clock.nextTurn(() => seen.push(`now@${clock.now()}`))
    await clock.run(1_000)

    expect(seen).toEqual(['now@0', 'a@10', 'b@20', 'c@20'])
  })

  it('repeats intervals until cleared, and skips cleared timers', async () => {
    const clock = new VirtualClock(seeded(1))
    const ticks: number[] = []
    const interval = clock.setInterval(() => {
      ticks.push(clock.now())
      if (ticks.length === 3) clock.clearInterval(interval)
    }, 100)
    const never = clock.setTimeout(() => ticks.push(-1), 50)
    clock.clearTimeout(never)
    await clock.run(10_000)

    expect(ticks).toEqual([100, 200, 300])
  })

  it('lets the promises an event settles run before the next event', async () => {
    const clock = new VirtualClock(seeded(1))
    const seen: string[] = []

    clock.setTimeout(() => {
      void (async () => {
        await Promise.resolve()
        await new Promise<void>((resolve) => queueMicrotask(resolve))
        seen.push(`chain done@${clock.now()}`)
        await clock.sleep(5)
        seen.push(`slept@${clock.now()}`)
      })()
    }, 10)
    clock.setTimeout(() => seen.push(`next@${clock.now()}`), 10)
    await clock.run(1_000)

    expect(seen).toEqual(['chain done@10', 'next@10', 'slept@15'])
  })

  it('stops at the time asked, or when told it is done', async () => {
    const clock = new VirtualClock(seeded(1))
    let count = 0
    clock.setInterval(() => count++, 10)

    await clock.run(55)
    expect([clock.now(), count]).toEqual([55, 5])

    await clock.run(10_000, () => count >= 8)
    expect([clock.now(), count]).toEqual([80, 8])
  })

  it('draws the same numbers from the same seed', () => {
    const a = seeded(7)
    const b = seeded(7)
    const c = seeded(8)
    const draws = (r: () => number): number[] => Array.from({ length: 5 }, r)

    expect(draws(a)).toEqual(draws(b))
    expect(draws(seeded(7))).not.toEqual(draws(c))
    expect(draws(seeded(7)).every((x) => x >= 0 && x < 1)).toBe(true)
  })
})
