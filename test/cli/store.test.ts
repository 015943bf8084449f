import { createHash, randomBytes } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { NodeStatus } from '../../src/index.js'
import type { ObjectStat } from '../../src/store/store.js'
import { DaemonFleet, type DaemonProcess, runCli, runCliJson } from '../helpers/cli.js'
import { waitFor } from '../helpers/wait.js'

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

/** Starts `count` daemons: the first makes a mesh, the others join it with its invite. */
async function startFleet(
  fleet: DaemonFleet,
  count: number,
  flags: string[] = []
): Promise<DaemonProcess[]> {
  const first = await fleet.start(await fleet.tempDir(), ['daemon', ...flags])
  const { token } = await runCliJson<{ token: string }>(['invite', '--data-dir', first.dataDir])
  const rest = await Promise.all(
    Array.from({ length: count - 1 }, async () =>
      fleet.start(await fleet.tempDir(), ['join', token, ...flags])
    )
  )
  const daemons = [first, ...rest]

  await waitFor(
    async () => {
      const statuses = await Promise.all(daemons.map((d) => status(d)))
      return statuses.every((s) => s.store.ringMembers === count)
    },
    { timeout: 30_000, interval: 250, message: `the ring never held all ${count} daemons` }
  )

  return daemons
}

function status(daemon: DaemonProcess): Promise<NodeStatus> {
  return runCliJson<NodeStatus>(['status', '--data-dir', daemon.dataDir])
}

describe('the block store across daemon processes', () => {
  const fleet = new DaemonFleet()

  afterEach(async () => {
    await fleet.cleanup()
  })

  it('survives two nodes killed at once and repairs back to 3 copies within 30 s', async () => {
    const daemons = await startFleet(fleet, 5)
    const [putter, reader, third, doomed1, doomed2] = daemons as [
      DaemonProcess,
      DaemonProcess,
      DaemonProcess,
      DaemonProcess,
      DaemonProcess
    ]
    const file = join(await fleet.tempDir(), 'random.bin')
    const data = randomBytes(32 * 1024 * 1024)
    await writeFile(file, data)

    const put = await runCli(['put', file, '--data-dir', putter.dataDir], { timeout: 120_000 })
    expect(put.code, put.stderr).toBe(0)
    const cid = put.stdout.trim()

    const killedAt = performance.now()
    doomed1.child.kill('SIGKILL')
    doomed2.child.kill('SIGKILL')
    await Promise.all([doomed1.exited, doomed2.exited])

    const out = join(await fleet.tempDir(), 'back.bin')
    const get = await runCli(['get', cid, '-o', out, '--data-dir', reader.dataDir], {
      timeout: 120_000
    })
    expect(get.code, get.stderr).toBe(0)
    expect(sha256(await readFile(out))).toBe(sha256(data))

    const survivors = [putter, reader, third]
    await waitFor(
      async () => {
        const stat = await runCliJson<ObjectStat>(['stat', cid, '--data-dir', third.dataDir])
        return [stat.root, ...stat.chunks].every((block) => block.holders.length === 3)
      },
      { timeout: 30_000, interval: 250, message: 'blocks were not back to 3 copies within 30 s' }
    )
    const repairedIn = performance.now() - killedAt
    console.log(
      `after 2 of 5 nodes died, every block was back to 3 copies in ${(repairedIn / 1000).toFixed(1)} s`
    )

    const statuses = await Promise.all(survivors.map((d) => status(d)))
    // 32 chunks and a manifest, a copy on each of the three survivors
    expect(statuses.map((s) => s.store.blocks)).toEqual([33, 33, 33])
  })

  it('refuses a put larger than the free quota with a clear message, leaving nothing behind', async () => {
    const daemons = await startFleet(fleet, 3, ['--store-quota', '4MiB'])
    const file = join(await fleet.tempDir(), 'too-big.bin')
    await writeFile(file, randomBytes(8 * 1024 * 1024))

    const put = await runCli(['put', file, '--data-dir', daemons[0]!.dataDir], { timeout: 60_000 })

    expect(put.code).toBe(1)
    expect(put.stderr).toMatch(
      /^mycel: not enough room in the mesh: 8\.0 MiB × 3 copies need 24\.0 MiB/
    )
    expect(put.stderr.trim().split('\n')).toHaveLength(1)
    const statuses = await Promise.all(daemons.map((d) => status(d)))
    expect(statuses.map((s) => s.store.used)).toEqual([0, 0, 0])
  })

  it('puts from stdin and gets to stdout with -', async () => {
    const [daemon] = await startFleet(fleet, 1)
    const data = randomBytes(3 * 1024 * 1024 + 5)
    const put = await runCli(['put', '-', '--data-dir', daemon!.dataDir], { input: data })
    expect(put.code, put.stderr).toBe(0)

    const get = await runCli(['get', put.stdout.trim(), '--data-dir', daemon!.dataDir])
    expect(get.code, get.stderr).toBe(0)
    expect(sha256(get.bytes)).toBe(sha256(data))
  })

  it('refuses a malformed CID at the command line with exit code 2', async () => {
    const [daemon] = await startFleet(fleet, 1)
    const get = await runCli(['get', 'bafy-not-a-cid', '--data-dir', daemon!.dataDir])
    const stat = await runCli(['stat', 'zzzz', '--data-dir', daemon!.dataDir])

    expect(get.code).toBe(2)
    expect(get.stderr).toMatch(/^mycel: expected a CID/)
    expect(stat.code).toBe(2)
  })
})
