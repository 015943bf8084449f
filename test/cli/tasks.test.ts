import { createHash, randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ApiClient } from '../../src/cli/client.js'
import type { LivePeer, NodeStatus, TaskInfo } from '../../src/index.js'
import { DaemonFleet, type DaemonProcess, runCli, runCliJson } from '../helpers/cli.js'
import { waitFor } from '../helpers/wait.js'

const ARITH = resolve(import.meta.dirname, 'fixtures/arith.mjs')
/** The scheduler's default: how long a winner may go unheard before its tasks move. */
const HEARTBEAT_TIMEOUT = 3_000

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

/**
 * Starts a submitter daemon with `submitterFlags` and `workers` daemons that
 * join it with `workerFlags`, and waits until the submitter sees every worker
 * offer its kinds.
 */
async function startFleet(
  fleet: DaemonFleet,
  submitterFlags: string[],
  workerFlags: string[][]
): Promise<{ submitter: DaemonProcess; workers: DaemonProcess[]; client: ApiClient }> {
  const submitter = await fleet.start(await fleet.tempDir(), ['daemon', ...submitterFlags])
  const { token } = await runCliJson<{ token: string }>(['invite', '--data-dir', submitter.dataDir])
  const workers = await Promise.all(
    workerFlags.map(async (flags) => fleet.start(await fleet.tempDir(), ['join', token, ...flags]))
  )
  const client = await ApiClient.connect(submitter.dataDir)
  await waitFor(
    async () => {
      const { live } = await client.get<{ live: LivePeer[] }>('/v1/view')
      const running = live.filter((peer) => peer.slots.total > 0 && peer.kinds.length > 0)
      return live.length === workers.length + 1 && running.length === workers.length
    },
    { timeout: 30_000, interval: 250, message: 'the submitter never saw every worker' }
  )

  return { submitter, workers, client }
}

async function peerIdOf(daemon: DaemonProcess): Promise<string> {
  return (await runCliJson<NodeStatus>(['status', '--data-dir', daemon.dataDir])).peerId
}

function task(client: ApiClient, id: string): Promise<TaskInfo> {
  return client.get<TaskInfo>(`/v1/tasks/${id}`)
}

/** Submits one `sleep` task per entry of `ms`, in one batch. */
async function sleeps(client: ApiClient, ms: number[]): Promise<string[]> {
  const { ids } = await client.send<{ ids: string[] }>('POST', '/v1/tasks/map', {
    kind: 'sleep',
    items: ms.map((args) => ({ args }))
  })

  return ids
}

/** Waits until every task has completed, and checks each slept as long as it was asked. */
async function allSlept(client: ApiClient, ids: string[], ms: number[]): Promise<TaskInfo[]> {
  let infos: TaskInfo[] = []
  await waitFor(
    async () => {
      infos = await Promise.all(ids.map((id) => task(client, id)))
      const failed = infos.find((info) => info.state === 'failed' || info.state === 'cancelled')
      if (failed !== undefined)
        throw new Error(`task ${failed.id} ended ${failed.state}: ${failed.error}`)
      return infos.every((info) => info.state === 'completed')
    },
    { timeout: 60_000, interval: 200, message: 'not every task completed' }
  )

  infos.forEach((info, i) => {
    expect(info.result).toEqual({ slept: ms[i] })
    expect(info.history.filter((entry) => entry.event === 'completed')).toHaveLength(1)
  })

  return infos
}

describe('tasks at the command line, across daemon processes', () => {
  const fleet = new DaemonFleet()

  afterEach(async () => {
    await fleet.cleanup()
  })

  it('runs tasks with `mycel run`, explains a pending one, and runs it once a node with its label joins', async () => {
    const { submitter } = await startFleet(
      fleet,
      ['--slots', '0'],
      [['--slots', '1', '--tasks', ARITH]]
    )
    const dir = ['--data-dir', submitter.dataDir]

    const add = await runCli(['run', 'add', '--args', '{"a":2,"b":3}', ...dir])
    expect(add, add.stderr).toMatchObject({ code: 0, stdout: '5\n' })

    const bytes = await runCli(['run', 'bytes', '--args', '"hello"', ...dir])
    expect(bytes.code, bytes.stderr).toBe(0)
    expect(bytes.bytes.toString()).toBe('hello')

    const fail = await runCli(['run', 'fail', '--retries', '1', ...dir])
    expect(fail.code).toBe(1)
    expect(fail.stderr).toMatch(/^mycel: task \S+ failed: (Error: )?boom after 2 attempts\n$/)

    // bad input is named by its flag, with exit code 2
    const badArgs = await runCli(['run', 'add', '--args', '{a:1}', ...dir])
    expect(badArgs.code).toBe(2)
    expect(badArgs.stderr).toMatch(/--args is not valid JSON/)
    const badNeed = await runCli(['run', 'add', '--need', 'wings=2', ...dir])
    expect(badNeed.code).toBe(2)
    expect(badNeed.stderr.split('\n')).toHaveLength(2)

    // many tasks with --each: one JSON line per input, in order
    const files = [randomBytes(2_000), randomBytes(70_000)]
    const cids: string[] = []
    for (const [i, data] of files.entries()) {
      const file = join(await fleet.tempDir(), `input-${i}`)
      await writeFile(file, data)
      const put = await runCli(['put', file, ...dir])
      expect(put.code, put.stderr).toBe(0)
      cids.push(put.stdout.trim())
    }
    const each = await runCli([
      'run',
      'sha256',
      '--each',
      ...cids.flatMap((cid) => ['--input', cid]),
      ...dir
    ])
    expect(each.code, each.stderr).toBe(0)
    const lines = each.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { input: string; result: unknown })
    expect(lines.map((line) => line.input)).toEqual(cids)
    lines.forEach((line, i) => {
      expect(line.result).toEqual({ sha256: sha256(files[i]!), bytes: files[i]!.length })
    })

    // a task no node can run waits, and says why
    const detached = await runCli([
      'run',
      'add',
      '--args',
      '{"a":1,"b":1}',
      '--need',
      'label=gpu=true',
      '--detach',
      ...dir
    ])
    expect(detached.code, detached.stderr).toBe(0)
    const id = detached.stdout.trim()
    await waitFor(
      async () =>
        (await task(await ApiClient.connect(submitter.dataDir), id)).pendingReason !== undefined
    )
    const explained = await runCli(['task', id, ...dir])
    expect(explained.code, explained.stderr).toBe(0)
    expect(explained.stdout).toMatch(/state\s+pending/)
    expect(explained.stdout).toMatch(/pending\s+.*gpu=true/)
    const listed = await runCli(['tasks', '--state', 'pending', ...dir])
    expect(listed.stdout).toContain(id)
    expect(listed.stdout).toMatch(/gpu=true/)

    // a node with the label joins: the task runs there
    const { token } = await runCliJson<{ token: string }>(['invite', ...dir])
    const gpu = await fleet.start(await fleet.tempDir(), [
      'join',
      token,
      '--label',
      'gpu=true',
      '--tasks',
      ARITH
    ])
    const gpuId = await peerIdOf(gpu)
    const client = await ApiClient.connect(submitter.dataDir)
    await waitFor(async () => (await task(client, id)).state === 'completed', {
      timeout: 30_000,
      interval: 200,
      message: 'the task never ran on the node with the label'
    })
    const info = await task(client, id)
    expect(info).toMatchObject({ node: gpuId, result: 2 })
    const shown = await runCli(['task', id, ...dir])
    expect(shown.stdout).toMatch(/state\s+completed/)
    expect(shown.stdout).toMatch(/awarded/)

    const unknown = await runCli(['task', 'no-such-task', ...dir])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toMatch(/no task "no-such-task"/)
  })

  it('finishes every task when a worker running some is killed', async () => {
    const { workers, client } = await startFleet(
      fleet,
      ['--slots', '0'],
      [
        ['--slots', '2'],
        ['--slots', '2'],
        ['--slots', '2']
      ]
    )
    const ms = Array.from({ length: 18 }, (_, i) => 600 + (i % 3) * 100)
    const ids = await sleeps(client, ms)
    const peers = await Promise.all(workers.map((worker) => peerIdOf(worker)))
    // the worker to kill: the first seen running tasks (an auction may leave one without)
    let running: TaskInfo[] = []
    await waitFor(async () => {
      running = (await Promise.all(ids.map((id) => task(client, id)))).filter(
        (info) => info.state === 'running'
      )
      return running.length > 0
    })
    const victim = peers.indexOf(running[0]?.node as string)
    const killed = peers[victim] as string
    running = running.filter((info) => info.node === killed)

    workers[victim]!.child.kill('SIGKILL')
    await workers[victim]!.exited
    const infos = await allSlept(client, ids, ms)

    // a task may have ended on the killed node in the moment before the kill;
    // the others were lost with it and ran again elsewhere
    const wasRunning = infos.filter((info) => running.some((r) => r.id === info.id))
    const lost = wasRunning.filter((info) =>
      info.history.some((entry) => entry.event === 'lost' && entry.peer === killed)
    )
    expect(lost.length).toBeGreaterThan(0)

    for (const info of wasRunning) {
      expect(lost.includes(info) || info.node === killed).toBe(true)
    }

    for (const info of lost) {
      expect(info.node).not.toBe(killed)
    }
  })

  it('moves the tasks of a stopped worker elsewhere within the heartbeat timeout', async () => {
    const { workers, client } = await startFleet(
      fleet,
      ['--slots', '0'],
      [
        ['--slots', '2'],
        ['--slots', '2']
      ]
    )
    const ms = Array.from({ length: 8 }, () => 1_500)
    const ids = await sleeps(client, ms)
    const frozen = await peerIdOf(workers[0]!)
    let held: TaskInfo[] = []
    await waitFor(async () => {
      held = (await Promise.all(ids.map((id) => task(client, id)))).filter(
        (info) => info.state === 'running' && info.node === frozen
      )
      return held.length > 0
    })

    const stoppedAt = Date.now()
    workers[0]!.child.kill('SIGSTOP')

    try {
      let movedAt = 0
      await waitFor(
        async () => {
          const now = await Promise.all(held.map(({ id }) => task(client, id)))
          movedAt = Date.now()
          return now.every((info) =>
            info.history.some((entry) => entry.event === 'lost' && entry.peer === frozen)
          )
        },
        { timeout: 20_000, interval: 100, message: 'the stopped worker kept its tasks' }
      )
      // the supervisor looks once a second; the rest is margin for a loaded machine
      expect(movedAt - stoppedAt).toBeLessThan(HEARTBEAT_TIMEOUT + 1_000 + 3_000)

      const infos = await allSlept(client, ids, ms)
      for (const { id } of held) {
        expect(infos.find((info) => info.id === id)?.node).not.toBe(frozen)
      }
    } finally {
      workers[0]!.child.kill('SIGCONT')
    }
  })
})
