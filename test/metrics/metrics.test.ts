import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import parsePrometheusTextFormat, { type MetricFamily } from 'parse-prometheus-text-format'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Daemon } from '../../src/daemon/daemon.js'
import { createMeshNode, type MeshNode } from '../../src/index.js'
import { waitFor } from '../helpers/wait.js'

/** The metric families of a scrape, by name. */
type Scrape = Map<string, MetricFamily>

/** The value of the one sample of `name` whose labels include `labels`; undefined when there is none. */
function sampleValue(
  scrape: Scrape,
  name: string,
  labels: Record<string, string> = {}
): number | undefined {
  const sample = scrape
    .get(name)
    ?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))

  return sample === undefined ? undefined : Number(sample.value ?? sample.count)
}

describe('/metrics of a node that did real work', () => {
  let dir: string
  let daemon: Daemon
  let worker: MeshNode
  let attacker: MeshNode
  let endpoint: { url: string; token: string }

  const scrape = async (token?: string): Promise<Scrape> => {
    const response = await fetch(`${endpoint.url}/metrics`, {
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` }
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const families = parsePrometheusTextFormat(await response.text())

    return new Map(families.map((family) => [family.name, family]))
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mycel-metrics-'))
    daemon = await Daemon.start({ dataDir: dir, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false })
    endpoint = JSON.parse(await readFile(join(dir, 'api.json'), 'utf8'))
    const join_ = { join: daemon.node.invite(), listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false }
    worker = await createMeshNode({ ...join_, slots: 2 })
    worker.tasks.register('boom', () => {
      throw new Error('boom')
    })
    attacker = await createMeshNode({ ...join_, slots: 0 })
    await waitFor(
      () =>
        daemon.node.view.size === 3 &&
        daemon.node.view.get(worker.peerId.toString())?.advert.kinds.includes('boom') === true,
      {
        timeout: 15_000,
        message: 'the mesh of 3 did not form'
      }
    )
  }, 30_000)

  afterAll(async () => {
    await Promise.allSettled([attacker?.stop(), worker?.stop()])
    await daemon?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('has libp2p and mycel counters that moved with the work', async () => {
    const before = await scrape(endpoint.token)
    const node = daemon.node

    // an auctioned batch, a task that fails after a retry, a stored object, bad adverts
    await node.tasks
      .map(
        'echo',
        Array.from({ length: 20 }, (_, i) => ({ args: i }))
      )
      .results()
    const boom = node.tasks.submit({ kind: 'boom', retries: 1 })
    await expect(boom.result()).rejects.toThrow(/boom/)
    await node.put(new Uint8Array(200_000).fill(7))
    const { pubsub } = attacker.libp2p.services
    await pubsub.publish(attacker.adverts.topic, Uint8Array.of(0x08, 0xff, 0xff))
    await waitFor(
      async () =>
        ((await scrape(endpoint.token)).get('mycel_adverts_rejected_total')?.metrics ?? []).some(
          (m) => Number(m.value) > 0
        ),
      { message: 'the bad advert was not counted' }
    )

    const after = await scrape(endpoint.token)
    const moved = (name: string, labels?: Record<string, string>): number =>
      (sampleValue(after, name, labels) ?? Number.NaN) - (sampleValue(before, name, labels) ?? 0)

    // every family has help text and follows mycel_<part>_<what>
    for (const family of after.values()) {
      expect(family.help.length, family.name).toBeGreaterThan(0)
      if (family.name.startsWith('mycel_')) expect(family.name).toMatch(/^mycel_[a-z]+_[a-z0-9_]+$/)
    }

    // libp2p's own
    expect(moved('libp2p_data_transfer_bytes_total', { protocol: 'global sent' })).toBeGreaterThan(
      200_000
    )
    const connections = (direction: string): number =>
      sampleValue(after, 'libp2p_connection_manager_connections', {
        libp2p_connection_manager_connections: direction
      }) ?? 0
    expect(connections('inbound') + connections('outbound')).toBe(
      daemon.node.libp2p.getConnections().length
    )
    expect(after.has('process_cpu_seconds_total')).toBe(true)
    // gossipsub's, which carries the adverts
    const topic = attacker.adverts.topic
    expect(sampleValue(after, 'gossipsub_topic_subscription_status', { topicStr: topic })).toBe(1)
    expect(
      after
        .get('gossipsub_score')
        ?.metrics.map((m) => m.labels?.stat)
        .sort()
    ).toEqual(['avg', 'max', 'min'])

    // adverts
    expect(sampleValue(after, 'mycel_adverts_live_peers')).toBe(3)
    expect(sampleValue(after, 'mycel_adverts_sent_total')).toBeGreaterThan(0)
    expect(sampleValue(after, 'mycel_adverts_received_total')).toBeGreaterThan(0)
    const rejected = after.get('mycel_adverts_rejected_total')?.metrics ?? []
    expect(rejected.map((m) => m.labels?.reason)).toContain('undecodable')
    expect(
      sampleValue(after, 'mycel_adverts_rejected_total', { reason: 'undecodable' })
    ).toBeGreaterThan(0)

    // the store
    expect(moved('mycel_store_blocks')).toBeGreaterThan(0)
    expect(moved('mycel_store_stored_bytes')).toBeGreaterThanOrEqual(200_000)
    expect(sampleValue(after, 'mycel_store_repair_queue_blocks')).toBeGreaterThanOrEqual(0)

    // the tasks, by kind
    expect(moved('mycel_tasks_submitted_total', { kind: 'echo' })).toBe(20)
    expect(moved('mycel_tasks_awarded_total', { kind: 'echo' })).toBeGreaterThanOrEqual(20)
    expect(moved('mycel_tasks_completed_total', { kind: 'echo' })).toBe(20)
    expect(moved('mycel_tasks_submitted_total', { kind: 'boom' })).toBe(1)
    expect(moved('mycel_tasks_retried_total', { kind: 'boom' })).toBe(1)
    expect(moved('mycel_tasks_failed_total', { kind: 'boom' })).toBe(1)
    expect(sampleValue(after, 'mycel_tasks_completed_total', { kind: 'boom' })).toBe(0)

    // auctions and slots
    const duration = after.get('mycel_scheduler_auction_duration_seconds')
    expect(duration?.type).toBe('HISTOGRAM')
    expect(Number(duration?.metrics[0]?.count)).toBeGreaterThan(0)
    const bids = after.get('mycel_scheduler_auction_bids')
    expect(bids?.type).toBe('HISTOGRAM')
    expect(Number(bids?.metrics[0]?.sum)).toBeGreaterThan(0)
    expect(sampleValue(after, 'mycel_scheduler_queue_length')).toBeGreaterThanOrEqual(0)
    expect(sampleValue(after, 'mycel_scheduler_slots')).toBeGreaterThan(0)
    expect(sampleValue(after, 'mycel_scheduler_slots_busy')).toBeGreaterThanOrEqual(0)
    // `boom` runs on the worker alone: both its attempts failed there
    const worked = new Map(
      parsePrometheusTextFormat((await worker.metrics?.text()) ?? '').map((f) => [f.name, f])
    )
    expect(sampleValue(worked, 'mycel_scheduler_ran_total', { outcome: 'failed' })).toBe(2)
    const ran = (scrape: Scrape): number =>
      sampleValue(scrape, 'mycel_scheduler_ran_total', { outcome: 'completed' }) ?? 0
    expect(
      ran(after) -
        (sampleValue(before, 'mycel_scheduler_ran_total', { outcome: 'completed' }) ?? 0) +
        ran(worked)
    ).toBeGreaterThanOrEqual(20)
  }, 30_000)

  it('keeps each node in a process to its own registry', async () => {
    const daemonText = await daemon.node.metrics?.text()
    const workerText = await worker.metrics?.text()
    const ranOn = (text = ''): Scrape =>
      new Map(parsePrometheusTextFormat(text).map((family) => [family.name, family]))

    // only the daemon submitted; only the worker runs `boom`
    expect(
      sampleValue(ranOn(daemonText), 'mycel_tasks_submitted_total', { kind: 'echo' })
    ).toBeGreaterThan(0)
    expect(
      sampleValue(ranOn(workerText), 'mycel_tasks_submitted_total', { kind: 'echo' })
    ).toBeUndefined()
    expect(worker.metrics?.registry).not.toBe(daemon.node.metrics?.registry)
    // an embedded node leaves the process's figures to the application
    expect(ranOn(workerText).has('process_cpu_seconds_total')).toBe(false)
  })

  it('answers 401 without the token', async () => {
    for (const path of ['/metrics', '/', '/v1/events', '/v1/dashboard', '/dashboard/main.js']) {
      const response = await fetch(`${endpoint.url}${path}`)
      expect(response.status, path).toBe(401)
      await response.body?.cancel()
    }

    const wrong = await fetch(`${endpoint.url}/metrics`, {
      headers: { authorization: `Bearer ${endpoint.token}x` }
    })
    expect(wrong.status).toBe(401)
  })
})

describe('--metrics-public', () => {
  it('opens /metrics alone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mycel-metrics-'))
    const daemon = await Daemon.start({
      dataDir: dir,
      listen: ['/ip4/127.0.0.1/tcp/0'],
      mdns: false,
      metricsPublic: true
    })

    try {
      const metrics = await fetch(`${daemon.api.url}/metrics`)
      expect(metrics.status).toBe(200)
      expect(await metrics.text()).toMatch(/^mycel_adverts_live_peers 1$/m)

      for (const path of ['/', '/v1/status', '/v1/dashboard']) {
        const response = await fetch(`${daemon.api.url}${path}`)
        expect(response.status, path).toBe(401)
      }
    } finally {
      await daemon.stop()
      await rm(dir, { recursive: true, force: true })
    }
  })
})
