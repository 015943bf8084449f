import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { Daemon } from '../../src/daemon/daemon.js'
import { DaemonFleet } from '../helpers/cli.js'
import { waitFor } from '../helpers/wait.js'

describe('limits of the local API', () => {
  const fleet = new DaemonFleet()

  afterAll(async () => {
    await fleet.cleanup()
  })

  it('answers a client past its rate with 429 and retry-after, and counts it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mycel-api-limits-'))
    const daemon = await Daemon.start({
      dataDir: dir,
      listen: ['/ip4/127.0.0.1/tcp/0'],
      mdns: false,
      limits: { apiRequestsPerSecond: 5 }
    })

    try {
      const { token } = JSON.parse(await readFile(join(dir, 'api.json'), 'utf8')) as {
        token: string
      }
      const headers = { authorization: `Bearer ${token}` }
      const started = Date.now()
      const answers = await Promise.all(
        Array.from({ length: 30 }, () => fetch(`${daemon.api.url}/v1/status`, { headers }))
      )
      const seconds = (Date.now() - started) / 1_000
      const statuses = answers.map((answer) => answer.status)
      const limited = answers.find((answer) => answer.status === 429)

      // a burst of 10, then 5 a second for as long as the requests took
      expect(statuses.filter((status) => status === 200).length).toBeLessThanOrEqual(
        10 + Math.ceil(5 * seconds)
      )
      expect(limited?.headers.get('retry-after')).toBe('1')
      expect(await limited?.json()).toEqual({
        error: 'rate limited: at most 5 requests a second from one client'
      })

      // the scrapes are limited too, until the bucket refills
      let text = ''
      let scrapesLimited = 0
      await waitFor(
        async () => {
          const scrape = await fetch(`${daemon.api.url}/metrics`, { headers })
          text = await scrape.text()
          if (scrape.status === 429) scrapesLimited++
          return scrape.status === 200
        },
        { timeout: 5_000, message: 'the metrics stayed rate limited' }
      )
      const refused = Number(/^mycel_api_requests_total\{status="429"\} (\d+)$/m.exec(text)?.[1])
      expect(refused).toBe(statuses.filter((status) => status === 429).length + scrapesLimited)
    } finally {
      await daemon.stop()
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('warns when the API listens where other machines can reach it', async () => {
    const daemon = await fleet.start(await fleet.tempDir(), ['daemon', '--api-listen', '0.0.0.0:0'])

    await waitFor(() => daemon.output().includes('warning: the API listens on'), {
      message: `no warning:\n${daemon.output()}`
    })
    expect(daemon.output()).toMatch(/other machines can reach/)
  })
})
