import { describe, expect, it } from 'vitest'
import { KindTally, MAX_TALLIED_KINDS, OTHER_KINDS } from '../../src/scheduler/tally.js'

describe('the tally of tasks by kind', () => {
  it('counts each event by kind', () => {
    const tally = new KindTally()

    tally.add('echo', 'submitted')
    tally.add('echo', 'submitted')
    tally.add('sha256', 'submitted')
    tally.add('echo', 'completed')

    expect(tally.of('submitted')).toEqual({ echo: 2, sha256: 1 })
    expect(tally.of('completed')).toEqual({ echo: 1, sha256: 0 })
    expect(tally.of('failed')).toEqual({ echo: 0, sha256: 0 })
  })

  it('counts kinds past the cap together, so the labels stay few', () => {
    const tally = new KindTally()

    for (let i = 0; i < MAX_TALLIED_KINDS + 50; i++) {
      tally.add(`kind-${i}`, 'submitted')
    }

    tally.add('kind-0', 'submitted')
    const submitted = tally.of('submitted')

    expect(Object.keys(submitted)).toHaveLength(MAX_TALLIED_KINDS + 1)
    expect(submitted['kind-0']).toBe(2)
    expect(submitted[OTHER_KINDS]).toBe(50)
  })
})
