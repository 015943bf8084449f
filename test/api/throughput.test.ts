import { describe, expect, it } from 'vitest'
import { ThroughputHistory } from '../../src/api/dashboard/throughput.js'

describe('throughput history', () => {
  it('counts what ended since the last sample into the interval under way', () => {
    const history = new ThroughputHistory(1_000, 4)

    history.sample({ completed: 10, failed: 1 }, 5_000)
    history.sample({ completed: 13, failed: 1 }, 5_400)
    history.sample({ completed: 20, failed: 2 }, 6_100)

    expect(history.read()).toEqual({
      interval: 1_000,
      completed: [0, 0, 3, 7],
      failed: [0, 0, 0, 1]
    })
  })

  it('leaves empty intervals for a gap, and forgets what fell out of the window', () => {
    const history = new ThroughputHistory(1_000, 3)

    history.sample({ completed: 0, failed: 0 }, 0)
    history.sample({ completed: 5, failed: 0 }, 500)
    history.sample({ completed: 6, failed: 0 }, 2_500)
    expect(history.read().completed).toEqual([5, 0, 1])

    history.sample({ completed: 8, failed: 0 }, 60_000)
    expect(history.read().completed).toEqual([0, 0, 2])
  })

  it('does not go back when the clock does, nor count totals that started again', () => {
    const history = new ThroughputHistory(1_000, 3)

    history.sample({ completed: 10, failed: 0 }, 10_000)
    history.sample({ completed: 12, failed: 0 }, 9_000)
    history.sample({ completed: 3, failed: 0 }, 10_200)
    history.sample({ completed: 4, failed: 0 }, 10_300)

    expect(history.read().completed).toEqual([0, 0, 3])
  })
})
