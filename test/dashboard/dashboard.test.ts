/**
 * The dashboard in a real browser: Debian's Chromium, driven by
 * playwright-core, against three daemon processes.
 */
import { existsSync } from 'node:fs'
import { mkdir, readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../helpers/browser.js'
import { DaemonFleet, type DaemonProcess, runCli, runCliJson } from '../helpers/cli.js'
import { waitFor } from '../helpers/wait.js'

/** Where the screenshot goes. */
const OUTPUT_DIR = resolve(import.meta.dirname, '../../test-output')

interface Endpoint {
  url: string
  token: string
}

describe('the dashboard in headless Chromium', () => {
  const fleet = new DaemonFleet()
  const problems: string[] = []
  let browser: Browser | undefined
  let page: Page
  let daemons: DaemonProcess[]
  let ids: string[]
  let api: Endpoint

  const count = async (state: string): Promise<number> =>
    Number(await page.locator(`[data-count="${state}"]`).textContent())

  beforeAll(async () => {
    const first = await fleet.start(await fleet.tempDir())
    const { token } = await runCliJson<{ token: string }>(['invite', '--data-dir', first.dataDir])
    daemons = [
      first,
      ...(await Promise.all(
        [0, 1].map(async () => fleet.start(await fleet.tempDir(), ['join', token, '--slots', '2']))
      ))
    ]
    ids = await Promise.all(
      daemons.map(
        async (d) =>
          (await runCliJson<{ peerId: string }>(['status', '--data-dir', d.dataDir])).peerId
      )
    )
    api = JSON.parse(await readFile(join(first.dataDir, 'api.json'), 'utf8'))
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`))
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`)
    })
  }, 90_000)

  afterAll(async () => {
    await browser?.close()
    await fleet.cleanup()
  })

  it('opens from the link `mycel dashboard` prints, once', async () => {
    const printed = await runCli(['dashboard', '--data-dir', daemons[0]?.dataDir as string])
    expect(printed.code).toBe(0)
    const link = printed.stdout.trim()
    expect(link).toMatch(new RegExp(`^${api.url}/\\?code=[\\w-]+$`))
    expect(link).not.toContain(api.token)

    await page.goto(link)
    expect(page.url()).toBe(`${api.url}/`)
    await expect(page.title()).resolves.toMatch(/mycel/)

    // the link signs in once: a second browser gets a word on what to do
    const other = await (browser as Browser).newPage()
    const refused = await other.goto(link)
    expect(refused?.status()).toBe(401)
    expect(await other.textContent('body')).toMatch(/run `mycel dashboard` for a new one/)
    await other.close()
  })

  it('shows the three peers', async () => {
    await waitFor(async () => (await page.locator('#peers [data-state="live"]').count()) === 3, {
      timeout: 15_000,
      message: 'the dashboard did not show 3 live peers'
    })

    for (const id of ids) {
      await expect(
        page.locator(`#peers [data-peer-id="${id}"]`).getAttribute('data-state')
      ).resolves.toBe('live')
    }
  })

  it('counts tasks submitted through the API without a reload', async () => {
    // a reload would lose this
    await page.evaluate(() => {
      ;(globalThis as unknown as { loadedOnce: boolean }).loadedOnce = true
    })
    const before = await count('completed')
    const response = await fetch(`${api.url}/v1/tasks/map`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'sleep',
        items: Array.from({ length: 12 }, () => ({ args: 1_500 }))
      })
    })
    expect(response.status).toBe(201)
    const { ids: tasks } = (await response.json()) as { ids: string[] }

    await waitFor(async () => (await count('running')) > 0, {
      timeout: 10_000,
      message: 'the dashboard never showed a running task'
    })
    await waitFor(async () => (await count('completed')) === before + tasks.length, {
      timeout: 20_000,
      message: 'the completed count did not reach the tasks submitted'
    })
    await expect(
      page.evaluate(() => (globalThis as unknown as { loadedOnce?: boolean }).loadedOnce)
    ).resolves.toBe(true)

    // one task's history, on click
    await page.locator(`#tasks [data-task-id="${tasks[0]}"]`).click()
    const detail = page.locator('#task-detail')
    await waitFor(async () => /completed/.test((await detail.textContent()) ?? ''), {
      message: "the task's history did not show"
    })
    expect(await detail.textContent()).toMatch(/awarded|bid/)
  }, 45_000)

  it('marks a killed node dead, and saves a screenshot', async () => {
    const victim = daemons[2] as DaemonProcess
    const victimId = ids[2] as string
    victim.child.kill('SIGKILL')
    await victim.exited

    await waitFor(
      async () =>
        (await page.locator(`#peers [data-peer-id="${victimId}"]`).getAttribute('data-state')) ===
        'dead',
      { timeout: 15_000, message: 'the killed node was not marked dead' }
    )
    expect(await page.locator('#peers [data-state="live"]').count()).toBe(2)

    await mkdir(OUTPUT_DIR, { recursive: true })
    const path = join(OUTPUT_DIR, 'dashboard.png')
    await page.screenshot({ path, fullPage: true })
    expect(existsSync(path)).toBe(true)
    expect(problems).toEqual([])
  }, 30_000)
})
