/**
 * Headless Chromium for the tests and the README's screenshot: Debian's
 * package (which `.ci/run` installs) or `CHROMIUM_PATH`, driven by
 * playwright-core, which downloads no browser of its own.
 */
import { existsSync } from 'node:fs'
import { type Browser, chromium } from 'playwright-core'

/** Where the browser is. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/**
 * Flags for a headless Chromium on a machine whose only network is
 * loopback: without the background ones it keeps dialling Google's hosts.
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
]

/**
 * Starts the browser.
 *
 * @throws {Error} saying what to install when there is none
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: install Debian's chromium package (.ci/run does) ` +
        'or set CHROMIUM_PATH'
    )
  }

  return await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
}
