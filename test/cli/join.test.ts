import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DaemonFleet, runCli, runCliJson } from '../helpers/cli.js'
import { waitFor } from '../helpers/wait.js'

interface Peers {
  connected: Array<{ peerId: string }>
  known: Array<{ peerId: string }>
}

const connectedIds = async (dataDir: string): Promise<string[]> =>
  (await runCliJson<Peers>(['peers', '--data-dir', dataDir])).connected.map((p) => p.peerId)

const peerIdOf = async (dataDir: string): Promise<string> =>
  (await runCliJson<{ peerId: string }>(['status', '--data-dir', dataDir])).peerId

describe('daemons joining with an invite', () => {
  const fleet = new DaemonFleet()

  afterEach(async () => {
    await fleet.cleanup()
  })

  it('joins three daemons with one token, and the two survive the first one dying', async () => {
    const first = await fleet.start(await fleet.tempDir())
    const invite = await runCli(['invite', '--data-dir', first.dataDir])
    expect(invite.code).toBe(0)
    expect(invite.stderr).toMatch(/secret/)
    const line = invite.stdout.trim()
    expect(line).toMatch(/^mycel join mycel1\S+$/)
    const token = line.split(' ')[2] as string

    const second = await fleet.start(await fleet.tempDir(), ['join', token])
    const third = await fleet.start(await fleet.tempDir(), ['join', token])
    const daemons = [first, second, third]
    const ids = await Promise.all(daemons.map((d) => peerIdOf(d.dataDir)))

    // every daemon lists the other two
    await waitFor(
      async () => {
        const lists = await Promise.all(daemons.map((d) => connectedIds(d.dataDir)))
        return lists.every((list, i) =>
          ids.filter((_, j) => j !== i).every((id) => list.includes(id))
        )
      },
      { timeout: 20_000, interval: 250, message: 'the three daemons never all saw each other' }
    )

    first.child.kill('SIGKILL')
    await first.exited

    // the survivors notice the loss and stay connected to each other
    await waitFor(async () => !(await connectedIds(second.dataDir)).includes(ids[0] as string), {
      timeout: 20_000,
      interval: 250
    })
    expect(await connectedIds(second.dataDir)).toContain(ids[2])
    expect(await connectedIds(third.dataDir)).toContain(ids[1])
  })

  it('keeps its peer id across a restart and reconnects without a bootstrap address', async () => {
    const first = await fleet.start(await fleet.tempDir())
    const token = (await runCliJson<{ token: string }>(['invite', '--data-dir', first.dataDir]))
      .token
    const second = await fleet.start(await fleet.tempDir(), ['join', token])
    const firstId = await peerIdOf(first.dataDir)
    const secondId = await peerIdOf(second.dataDir)
    await waitFor(async () => (await connectedIds(first.dataDir)).includes(secondId))

    first.child.kill('SIGTERM')
    expect(await first.exited).toBe(0)

    // the first daemon was never given a bootstrap address: only its peer
    // store, on disk, remembers the second
    const config = JSON.parse(await readFile(join(first.dataDir, 'config.json'), 'utf8'))
    expect(config.bootstrap).toEqual([])

    await fleet.start(first.dataDir)
    expect(await peerIdOf(first.dataDir)).toBe(firstId)
    await waitFor(async () => (await connectedIds(first.dataDir)).includes(secondId), {
      timeout: 15_000,
      interval: 250,
      message: 'the restarted daemon did not reconnect to its old peer'
    })
    expect(await connectedIds(second.dataDir)).toContain(firstId)
  })
})
