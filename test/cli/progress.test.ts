import { describe, expect, it } from 'vitest'
import { createProgress } from '../../src/cli/progress.js'

const MiB = 1_048_576

/** A stream that keeps what is written, and a clock the test moves by hand. */
function fakeTerminal(isTTY: boolean, columns = 100) {
  const clock = { time: 0 }
  const stream = {
    isTTY,
    columns,
    written: '',
    write(text: string): boolean {
      stream.written += text

      return true
    }
  }

  return { clock, stream, now: () => clock.time }
}

describe('progress on a terminal', () => {
  it('redraws one line at most ten times a second with bar, bytes, rate and ETA', () => {
    const { clock, stream, now } = fakeTerminal(true)
    const progress = createProgress({ label: 'put data.bin', total: 100 * MiB, stream, now })

    progress.update(0)
    clock.time = 50
    progress.update(5 * MiB)
    clock.time = 1_000
    progress.update(10 * MiB)
    clock.time = 1_020
    progress.update(11 * MiB)

    const draws = stream.written.split('\r').slice(1)

    expect(draws).toEqual([
      'put data.bin [..............................] 0%  0 B / 100.0 MiB  -/s  ETA -\u001b[K',
      'put data.bin [###...........................] 10%  10.0 MiB / 100.0 MiB  10.0 MiB/s  ETA 9s\u001b[K'
    ])

    clock.time = 10_000
    progress.update(100 * MiB)
    progress.finish()
    progress.finish()

    expect(stream.written.split('\r').slice(3)).toEqual([
      'put data.bin [##############################] 100%  100.0 MiB / 100.0 MiB  10.0 MiB/s  ETA 0s\u001b[K',
      'put data.bin 100.0 MiB in 10s  10.0 MiB/s\u001b[K\n'
    ])
  })

  it('fits a narrow terminal: a shorter label, no bar, fewer figures, never a wrapped line', () => {
    const { clock, stream, now } = fakeTerminal(true, 40)
    const progress = createProgress({ label: `get ${'x'.repeat(50)}`, total: 4 * MiB, stream, now })

    clock.time = 2_000
    progress.update(MiB)

    const line = stream.written.slice(1, -3)

    expect(line).toBe('get xxxxxxxxxxx… 25%  1.0 MiB / 4.0 MiB')
    expect(line.length).toBeLessThan(40)
  })

  it('shows bytes and rate without a bar when the total is unknown', () => {
    const { clock, stream, now } = fakeTerminal(true)
    const progress = createProgress({ label: 'put -', stream, now })

    clock.time = 2_000
    progress.update(3 * MiB)

    expect(stream.written).toBe('\rput - 3.0 MiB  1.5 MiB/s\u001b[K')
  })

  it('makes the label printable', () => {
    const { stream, now } = fakeTerminal(false)

    createProgress({ label: 'put \u001b[2Jevil', stream, now }).finish()

    expect(stream.written).toBe('put \uFFFD[2Jevil 0 B in 0s\n')
  })
})

describe('progress in a log', () => {
  it('writes plain lines at most every two seconds, then a last line', () => {
    const { clock, stream, now } = fakeTerminal(false)
    const progress = createProgress({ label: 'get data.bin', total: 10 * MiB, stream, now })

    for (const [time, done] of [
      [0, 0],
      [500, MiB],
      [1_999, 2 * MiB],
      [2_000, 2 * MiB],
      [3_000, 3 * MiB],
      [4_100, 4 * MiB],
      [5_000, 10 * MiB]
    ] as const) {
      clock.time = time
      progress.update(done)
    }

    progress.finish()

    expect(stream.written.split('\n')).toEqual([
      'get data.bin 20%  2.0 MiB / 10.0 MiB  1.0 MiB/s  ETA 8s',
      'get data.bin 40%  4.0 MiB / 10.0 MiB  999.0 KiB/s  ETA 6s',
      'get data.bin 10.0 MiB in 5s  2.0 MiB/s',
      ''
    ])
    expect(stream.written).not.toContain('\r')
    expect(stream.written).not.toContain('\u001b')
  })

  it('writes only the last line for a short transfer of unknown size', () => {
    const { clock, stream, now } = fakeTerminal(false)
    const progress = createProgress({ label: 'put -', stream, now })

    clock.time = 1_500
    progress.update(3 * MiB)
    progress.finish()

    expect(stream.written).toBe('put - 3.0 MiB in 1s  2.0 MiB/s\n')
  })
})
