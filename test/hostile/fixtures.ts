/**
 * The pieces every hostile-peer test shares: an honest mesh of three nodes
 * with small timeouts, a hostile member in a process of its own that takes
 * commands, a memory probe, and the checks that honest work still runs and
 * no data was lost.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import type { CID } from 'multiformats/cid'
import { afterAll, expect } from 'vitest'
import {
  createMeshNode,
  generateSwarmKey,
  type MeshNode,
  type MeshNodeInit
} from '../../src/index.js'
import { blockCid } from '../../src/store/block.js'
import { localInit, stopAll } from '../helpers/mesh.js'
import { waitFor, within } from '../helpers/wait.js'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

const ATTACKER = resolve(import.meta.dirname, 'attacker/main.ts')

/** The label only the victim carries, so honest tasks that need it must run there. */
export const VICTIM_LABEL = { role: 'victim' }

/** Timeouts small enough that a test sees them run out within a few seconds. */
export const SMALL_TIMEOUTS = {
  /** ms a task or block stream may stay unused (`limits.streamIdleTimeout`). */
  streamIdleTimeout: 1_500,
  /** ms a probe's ping may take; the probe server reads a request for twice 0.6 of it. */
  probeTimeout: 500
}

export interface Stored {
  cid: CID
  bytes: Uint8Array
}

export interface HonestMesh {
  /** What the attacks aim at: it stores, runs tasks (2 slots) and carries `VICTIM_LABEL`. */
  victim: MeshNode
  /** Stores and runs tasks (1 slot). */
  storer: MeshNode
  /** Submits and reads; stores nothing and caches nothing, so every read crosses the mesh. */
  client: MeshNode
  nodes: MeshNode[]
  /** Objects put before the attack, read back after it. */
  stored: Stored[]
  /** A block only the victim owns: reading it takes the victim serving. */
  probe: Stored
  /** The invite the attacker joins with. */
  invite: string
}

/**
 * Starts the honest mesh and puts data in it: objects of one and of
 * several chunks, two copies each, and a block only the victim owns.
 */
export async function honestMesh(init: { victim?: MeshNodeInit } = {}): Promise<HonestMesh> {
  const shared = { mesh: 'hostile', swarmKey: generateSwarmKey() }
  const victim = await createMeshNode(
    localInit({
      ...shared,
      slots: 2,
      labels: VICTIM_LABEL,
      adverts: { probeTimeout: SMALL_TIMEOUTS.probeTimeout },
      ...init.victim,
      limits: { streamIdleTimeout: SMALL_TIMEOUTS.streamIdleTimeout, ...init.victim?.limits }
    })
  )
  const nodes = [victim]

  try {
    const bootstrap = victim.multiaddrs.map((ma) => ma.toString())
    const storer = await createMeshNode(localInit({ ...shared, bootstrap, slots: 1 }))
    nodes.push(storer)
    const client = await createMeshNode(
      localInit({ ...shared, bootstrap, slots: 0, store: { quota: 0, cacheBytes: 0 } })
    )
    nodes.push(client)
    await waitFor(
      () =>
        nodes.every((node) => node.view.size === 3) &&
        client.store.placement.ring.size === 2 &&
        victim.store.placement.ring.size === 2,
      { message: 'the honest mesh did not form' }
    )

    const stored: Stored[] = []

    for (const size of [1, 1_000, 64 * 1024, 300_000, 2_500_000]) {
      const bytes = randomBytes(size)
      stored.push({ cid: await client.put(bytes, { replicas: 2 }), bytes })
    }

    const probe = await ownedBy(client, victim.peerId.toString())
    await client.put(probe.bytes, { replicas: 1 })

    return { victim, storer, client, nodes, stored, probe, invite: victim.invite() }
  } catch (err) {
    await stopAll(nodes)
    throw err
  }
}

/** Bytes of one block whose only owner, as `node` sees the ring, is `owner`. */
export async function ownedBy(node: MeshNode, owner: string, replicas = 1): Promise<Stored> {
  for (;;) {
    const bytes = randomBytes(2_000)
    const cid = await blockCid(bytes)

    if (node.store.placement.owners(cid, replicas)[0] === owner) {
      return { cid, bytes }
    }
  }
}

/** A hostile member of the mesh, in a process of its own, driven by commands. */
export class Attacker {
  readonly peerId: string
  private readonly child: ChildProcess
  private readonly answers = new Map<number, (answer: Answer) => void>()
  private nextId = 1

  private constructor(child: ChildProcess, peerId: string, lines: AsyncIterator<string>) {
    this.child = child
    this.peerId = peerId
    void (async () => {
      for (let next = await lines.next(); next.done !== true; next = await lines.next()) {
        const answer = parse(next.value)

        if (answer !== undefined) {
          this.answers.get(answer.id)?.(answer)
          this.answers.delete(answer.id)
        }
      }
    })().catch(() => {})
    // a process that died answers nothing more: what waits for it fails at once
    child.once('exit', (code, signal) => {
      for (const [id, answer] of this.answers) {
        answer({ id, ok: false, error: `the attacker's process exited (${code ?? signal})` })
      }

      this.answers.clear()
    })
  }

  /** Starts the attacker's process and waits until its node has joined the mesh. */
  static async start(init: {
    join: string
    slots?: number
    quota?: number | string
    labels?: Record<string, string>
  }): Promise<Attacker> {
    const child = spawn(process.execPath, ['--import', 'tsx', ATTACKER, JSON.stringify(init)], {
      stdio: ['pipe', 'pipe', 'inherit']
    })
    running.add(child)
    child.once('exit', () => running.delete(child))
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })[
      Symbol.asyncIterator
    ]()
    const exited = new Promise<never>((_, reject) => {
      child.once('exit', (code) => reject(new Error(`the attacker exited with ${code}`)))
    })
    exited.catch(() => {})
    const first = await within(
      Promise.race([lines.next(), exited]),
      20_000,
      'the attacker did not start'
    )
    const ready = JSON.parse(first.value as string) as { peerId: string }

    return new Attacker(child, ready.peerId, lines)
  }

  /** Runs a command of `attacks.ts` and returns its result; throws what the command threw. */
  run<T = unknown>(command: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++

    return new Promise<T>((resolve, reject) => {
      this.answers.set(id, (answer) => {
        if (answer.ok) resolve(answer.result as T)
        else reject(new Error(`the attacker's ${command} failed: ${answer.error}`))
      })
      this.child.stdin?.write(`${JSON.stringify({ id, command, args })}\n`)
    })
  }

  /** Ends the process: asked first, killed if it takes longer than a second. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) {
      return
    }

    const exited = new Promise((resolve) => this.child.once('exit', resolve))
    this.child.stdin?.end()
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 1_000)
    await exited
    clearTimeout(timer)
  }
}

interface Answer {
  id: number
  ok: boolean
  result?: unknown
  error?: string
}

/** An answer line of the attacker's; anything else it prints is not one. */
function parse(line: string): Answer | undefined {
  try {
    const answer = JSON.parse(line) as Answer
    return typeof answer.id === 'number' ? answer : undefined
  } catch {
    return undefined
  }
}

/** Every attacker process still running, killed if the test process exits first. */
const running = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

/**
 * An honest mesh and an attacker joined to it, made on the first call of
 * the function it returns (every node has the attacker in its view by then)
 * and stopped after the file's tests, whatever happened.
 *
 * An attacker given a quota stores blocks: it joins the ring and may come to
 * own some of what the mesh holds. The block only the victim holds is then
 * chosen again, among the three.
 */
export function hostileSetup(
  init: {
    victim?: MeshNodeInit
    attacker?: { slots?: number; quota?: number | string; labels?: Record<string, string> }
  } = {}
): () => Promise<{ mesh: HonestMesh; attacker: Attacker }> {
  let setup: Promise<{ mesh: HonestMesh; attacker: Attacker }> | undefined

  afterAll(async () => {
    const started = await setup?.catch(() => undefined)
    await started?.attacker.stop()
    await stopAll(started?.mesh.nodes ?? [])
  })

  return () => {
    setup ??= (async () => {
      const mesh = await honestMesh(init)

      try {
        const attacker = await Attacker.start({ join: mesh.invite, ...init.attacker })
        await waitFor(() => mesh.nodes.every((node) => node.view.has(attacker.peerId)), {
          message: 'the attacker never joined the view'
        })

        if (init.attacker?.quota !== undefined) {
          await waitFor(() => mesh.nodes.every((node) => node.store.placement.ring.size === 3), {
            message: 'the attacker never joined the ring'
          })
          mesh.probe = await ownedBy(mesh.client, mesh.victim.peerId.toString())
          await mesh.client.put(mesh.probe.bytes, { replicas: 1 })
        }

        return { mesh, attacker }
      } catch (err) {
        await stopAll(mesh.nodes)
        throw err
      }
    })()

    return setup
  }
}

/**
 * Runs a task on the victim and reads a block only the victim owns, from
 * the client, and checks both answers. Call it while an attack runs.
 */
export async function honestTraffic(
  mesh: HonestMesh,
  timeout = 10_000
): Promise<{ taskMs: number; getMs: number }> {
  const started = Date.now()
  const word = `honest-${randomBytes(4).toString('hex')}`
  const task = mesh.client.submit({ kind: 'echo', args: word, needs: { labels: VICTIM_LABEL } })
  const timed = async <T>(promise: Promise<T>): Promise<[T, number]> => [
    await promise,
    Date.now() - started
  ]
  const [[result, taskMs], [bytes, getMs]] = await within(
    Promise.all([timed(task.result()), timed(mesh.client.getBytes(mesh.probe.cid))]),
    timeout,
    `the honest task and get did not finish within ${timeout} ms (task ${task.info().state})`
  )

  expect(result).toBe(word)
  expect(task.info().node).toBe(mesh.victim.peerId.toString())
  expect(Buffer.compare(bytes, mesh.probe.bytes)).toBe(0)

  return { taskMs, getMs }
}

/**
 * Every object put before the attack reads back whole, and the victim holds
 * at least the `victimBlocks` it held (left out where the ring may move
 * copies away from it).
 */
export async function expectIntact(mesh: HonestMesh, victimBlocks?: number): Promise<void> {
  for (const { cid, bytes } of [...mesh.stored, mesh.probe]) {
    const read = await mesh.client.getBytes(cid)
    expect(Buffer.compare(read, bytes), `object ${cid} changed`).toBe(0)
  }

  if (victimBlocks !== undefined) {
    expect(mesh.victim.store.local.count).toBeGreaterThanOrEqual(victimBlocks)
  }
}

/**
 * Memory in use after full collections: the heap, and the buffers outside
 * it (where stream bytes wait).
 */
export function memoryAfterGc(): number {
  gc()
  gc()

  return memoryNow()
}

/** Memory in use now, garbage included: the heap and the buffers outside it. */
function memoryNow(): number {
  const { heapUsed, external } = process.memoryUsage()

  return heapUsed + external
}

/** Streams `node` holds open on its connections to `peer`. */
export function openStreams(node: MeshNode, peer: string): number {
  return node.libp2p
    .getConnections()
    .filter((conn) => conn.remotePeer.toString() === peer)
    .reduce((n, conn) => n + conn.streams.length, 0)
}

/** One sample of a metric of `node`, by its labels; 0 when it has none yet. */
export async function metric(
  node: MeshNode,
  name: string,
  labels: Record<string, string> = {}
): Promise<number> {
  const text = (await node.metrics?.text()) ?? ''
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`)

  for (const line of text.split('\n')) {
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/i.exec(line)

    if (match?.[1] === name && wanted.every((pair) => (match[2] ?? '').includes(pair))) {
      return Number(match[3])
    }
  }

  return 0
}

/**
 * Waits until a metric of `node` reads `value` (a scrape reuses a part's
 * stats for 100 ms, so a figure may lag its stats by that much).
 */
export async function expectMetric(
  node: MeshNode,
  name: string,
  labels: Record<string, string>,
  value: number | (() => number)
): Promise<void> {
  const wanted = (): number => (typeof value === 'number' ? value : value())
  let last = Number.NaN

  await waitFor(
    async () => {
      last = await metric(node, name, labels)
      return last === wanted()
    },
    { timeout: 2_000, interval: 110 }
  ).catch(() => {
    throw new Error(`expected ${name}${JSON.stringify(labels)} to be ${wanted()}, got ${last}`)
  })
}

/** Memory before and after an attack, for the figures a test prints. */
export function memoryChange(before: number, growth: number): string {
  const sign = growth < 0 ? '' : '+'

  return `${mb(before)} before, ${mb(before + growth)} after (${sign}${mb(growth)})`
}

/** Megabytes, for the figures a test prints. */
export function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`
}
