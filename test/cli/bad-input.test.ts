import { mkdir, stat, writeFile } from 'node:fs/promises'
import { type AddressInfo, createServer } from 'node:net'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { encodeInvite, generateSwarmKey } from '../../src/index.js'
import { type CliResult, DaemonFleet, runCli } from '../helpers/cli.js'

/** A failed command says one line on stderr, no stack trace, and exits non-zero. */
function expectOneLineError(result: CliResult, code: number, pattern: RegExp): void {
  const lines = result.stderr.trim().split('\n')

  expect(result.code, result.stderr).toBe(code)
  expect(lines).toHaveLength(1)
  expect(lines[0]).toMatch(pattern)
  expect(result.stderr).not.toMatch(/^\s+at /m)
}

const token = encodeInvite({
  mesh: 'lab',
  swarmKey: generateSwarmKey(),
  addrs: ['/ip4/127.0.0.1/tcp/4300/p2p/12D3KooWB6MiaPmKd9cUNdoypYMZFS1fMGLBmu1yfaGvkUs35hCy']
})

describe('the command line given bad input', () => {
  const fleet = new DaemonFleet()

  afterEach(async () => {
    await fleet.cleanup()
  })

  it('refuses a truncated token with exit code 2 and writes nothing', async () => {
    const dir = join(await fleet.tempDir(), 'node')
    const result = await runCli(['join', token.slice(0, -10), '--data-dir', dir])

    expectOneLineError(result, 2, /^mycel: the invite token is truncated or altered/)
    await expect(stat(dir)).rejects.toThrow(/ENOENT/)
  })

  it('refuses a garbage token with exit code 2', async () => {
    const dir = await fleet.tempDir()

    expectOneLineError(
      await runCli(['join', 'hello-world', '--data-dir', dir]),
      2,
      /^mycel: not a mycel invite token/
    )
    expectOneLineError(
      await runCli(['join', 'mycel1!!!', '--data-dir', dir]),
      2,
      /^mycel: the invite token has characters/
    )
  })

  it('says when the data dir is a file', async () => {
    const file = join(await fleet.tempDir(), 'a-file')
    await writeFile(file, 'not a directory')

    expectOneLineError(
      await runCli(['daemon', '--data-dir', file, '--no-mdns']),
      1,
      /^mycel: cannot .*a-file/
    )
  })

  it('says when a file in the data dir cannot be read', async () => {
    const dir = await fleet.tempDir()
    expect((await runCli(['init', '--data-dir', dir])).code).toBe(0)

    await writeFile(join(dir, 'node.key'), 'garbage')
    expectOneLineError(
      await runCli(['daemon', '--data-dir', dir, '--no-mdns']),
      1,
      /^mycel: cannot use .*node\.key: it does not hold a private key$/
    )

    // a config that is a directory cannot be read, whoever runs the test
    const other = await fleet.tempDir()
    await mkdir(join(other, 'config.json'))
    expectOneLineError(
      await runCli(['daemon', '--data-dir', other, '--no-mdns']),
      1,
      /^mycel: cannot read .*config\.json: it is a directory$/
    )
  })

  it('refuses to initialise a data dir twice', async () => {
    const dir = await fleet.tempDir()
    expect((await runCli(['init', '--data-dir', dir])).code).toBe(0)

    expectOneLineError(await runCli(['init', '--data-dir', dir]), 1, /already holds a mycel node/)
  })

  it('says when no daemon runs, and when the one that ran is gone', async () => {
    const dir = await fleet.tempDir()

    for (const command of ['status', 'peers', 'invite']) {
      expectOneLineError(
        await runCli([command, '--data-dir', dir]),
        1,
        /^mycel: no daemon is running for/
      )
    }

    const daemon = await fleet.start(dir)
    daemon.child.kill('SIGKILL')
    await daemon.exited

    // api.json is left behind by the killed daemon
    await stat(join(dir, 'api.json'))
    expectOneLineError(
      await runCli(['status', '--data-dir', dir]),
      1,
      /^mycel: no daemon is running for .*is gone/
    )
  })

  it('refuses unknown flags and bad values with exit code 2', async () => {
    const bogus = await runCli(['status', '--bogus'])
    expect(bogus.code).toBe(2)
    expect(bogus.stderr).toMatch(/unknown option '--bogus'/)

    const notANumber = await runCli(['daemon', '--target-connections', 'many'])
    expect(notANumber.code).toBe(2)
    expect(notANumber.stderr).toMatch(/expected a whole number/)

    const dir = await fleet.tempDir()
    expectOneLineError(
      await runCli(['daemon', '--data-dir', dir, '--listen', 'not-an-address']),
      2,
      /^mycel: expected .*"not-an-address"/
    )
  })

  it('says when the API address is taken, with exit code 1', async () => {
    const taken = createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
    const { port } = taken.address() as AddressInfo

    try {
      expectOneLineError(
        await runCli([
          'daemon',
          '--data-dir',
          await fleet.tempDir(),
          '--no-mdns',
          '--listen',
          '/ip4/127.0.0.1/tcp/0',
          '--api-listen',
          `127.0.0.1:${port}`
        ]),
        1,
        /^mycel: cannot serve the API on 127\.0\.0\.1:\d+: EADDRINUSE$/
      )
    } finally {
      taken.close()
    }
  })

  it('refuses a second daemon on the same data dir', async () => {
    const dir = await fleet.tempDir()
    await fleet.start(dir)

    expectOneLineError(
      await runCli(['daemon', '--data-dir', dir, '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0']),
      1,
      /^mycel: another mycel node \(pid \d+\) is using/
    )
  })
})
