import { CommanderError } from 'commander'
import { describe, expect, it } from 'vitest'
import { describeError, exitCodeOf } from '../../src/cli/exit.js'
import { formatDuration, formatFields, formatTable, shortPeerId } from '../../src/cli/output.js'
import { DaemonNotRunningError, InvalidConfigError, InvalidInviteError } from '../../src/errors.js'

describe('terminal output', () => {
  it('writes durations in their two largest units', () => {
    expect(formatDuration(0)).toBe('0s')
    expect(formatDuration(12_400)).toBe('12s')
    expect(formatDuration(192_000)).toBe('3m 12s')
    expect(formatDuration(7_200_000)).toBe('2h 0m')
    expect(formatDuration(4 * 86_400_000 + 3 * 3_600_000 + 5_000)).toBe('4d 3h')
  })

  it('lines up tables and fields', () => {
    expect(
      formatTable(
        ['A', 'BB'],
        [
          ['xyz', '1'],
          ['q', '22']
        ]
      )
    ).toBe('A    BB\nxyz  1\nq    22')
    expect(
      formatFields([
        ['id', 'x'],
        ['addresses', ['a', 'b']]
      ])
    ).toBe('id         x\naddresses  a\n           b')
    expect(formatTable(['A'], [['x\u001b[2Jy']])).toBe('A\nx\uFFFD[2Jy')
    expect(shortPeerId('12D3KooWB6MiaPmKd9cUNdoypYMZFS1fMGLBmu1yfaGvkUs35hCy')).toBe(
      '12D3KooW…s35hCy'
    )
  })
})

describe('exit codes', () => {
  it('are 2 for bad input and 1 for failures', () => {
    expect(exitCodeOf(new InvalidInviteError())).toBe(2)
    expect(exitCodeOf(new InvalidConfigError())).toBe(2)
    expect(exitCodeOf(new CommanderError(1, 'commander.unknownOption', 'x'))).toBe(2)
    expect(exitCodeOf(new CommanderError(0, 'commander.helpDisplayed', 'x'))).toBe(0)
    expect(exitCodeOf(new DaemonNotRunningError())).toBe(1)
    expect(exitCodeOf(new Error('boom'))).toBe(1)
  })

  it('come with one line and no stack trace unless asked for', () => {
    const err = new Error('first line\nsecond line')

    expect(describeError(err, false)).toBe('mycel: first line')
    expect(describeError(err, true)).toMatch(/^mycel: Error: first line\n[\s\S]*at /)
    expect(describeError(new DaemonNotRunningError(), false)).toBe('mycel: no daemon is running')
  })
})
