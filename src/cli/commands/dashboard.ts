/**
 * `mycel dashboard`: a link to the running daemon's dashboard, printed;
 * with `--open`, opened in the system's browser too. The link holds a
 * login code, not the API token: it signs one browser in, once, within
 * five minutes (see `api/auth.ts`), and is worth nothing after.
 */
import { spawn } from 'node:child_process'
import type { Command } from 'commander'
import { ApiClient } from '../client.js'
import { note, print } from '../output.js'
import { dataDirOf } from './options.js'

/** The program that opens a URL in the user's browser, by platform. */
const OPENERS: Partial<Record<NodeJS.Platform, [string, string[]]>> = {
  darwin: ['open', []],
  win32: ['cmd', ['/c', 'start', '""']]
}
const DEFAULT_OPENER: [string, string[]] = ['xdg-open', []]

/** Adds `mycel dashboard`. */
export function dashboardCommand(program: Command): void {
  program
    .command('dashboard')
    .description("print a link to the daemon's live dashboard (it signs one browser in, once)")
    .option('--open', "open it in this machine's browser as well")
    .action(async (options: { open?: boolean }, cmd: Command) => {
      const client = await ApiClient.connect(dataDirOf(cmd))
      const { path } = await client.send<{ path: string }>('POST', '/v1/dashboard/login')
      const link = `${client.url}${path}`
      print(link)

      if (options.open === true && !(await openInBrowser(link))) {
        note('could not open a browser here; open the link above in one')
      }
    })
}

/** Starts the platform's opener on `url`; whether it started. */
function openInBrowser(url: string): Promise<boolean> {
  const [command, args] = OPENERS[process.platform] ?? DEFAULT_OPENER

  return new Promise((resolve) => {
    const child = spawn(command, [...args, url], {
      detached: true,
      stdio: 'ignore',
      // cmd reads `start ""` itself; Node's quoting would hide the empty title from it
      windowsVerbatimArguments: process.platform === 'win32'
    })
    child.once('error', () => resolve(false))
    child.once('spawn', () => {
      child.unref()
      resolve(true)
    })
  })
}
