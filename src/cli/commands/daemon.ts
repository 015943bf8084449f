/**
 * `mycel daemon` and `mycel join <token>`: run a node in the foreground until
 * SIGINT or SIGTERM, then stop it cleanly and exit 0.
 */
import { resolve } from 'node:path'
import type { ComponentLogger } from '@libp2p/interface'
import type { Command } from 'commander'
import type { Daemon, DaemonInit } from '../../daemon/daemon.js'
import { decodeInvite } from '../../net/invite.js'
import { DEFAULT_MESH } from '../../net/wire-names.js'
import { DEFAULT_CONFIG } from '../../repo/config.js'
import {
  createLogger,
  DEFAULT_LOG_FORMAT,
  DEFAULT_LOG_LEVEL,
  LOG_FORMATS,
  LOG_LEVELS,
  type LogFormat,
  type LogLevel,
  parseLogFormat,
  parseLogLevel
} from '../logger.js'
import { formatFields, note, print } from '../output.js'
import { collect, count, dataDirOf, labelsOf } from './options.js'

interface DaemonOptions {
  listen: string[]
  bootstrap: string[]
  apiListen?: string
  mesh?: string
  mdns?: boolean
  targetConnections?: number
  label: string[]
  storeQuota?: string
  slots?: number
  tasks: string[]
  logLevel?: LogLevel
  logFormat?: LogFormat
  metricsPublic?: boolean
  allowPeer: string[]
  allowSubmit: string[]
}

/** The options `daemon` and `join` share. */
function daemonOptions(cmd: Command): Command {
  return cmd
    .option(
      '--listen <multiaddr>',
      'address to listen on (repeatable; default from config)',
      collect,
      []
    )
    .option('--bootstrap <multiaddr>', 'peer to join the mesh through (repeatable)', collect, [])
    .option(
      '--api-listen <host:port>',
      `address of the local HTTP API (default ${DEFAULT_CONFIG.apiListen}: a free port)`
    )
    .option('--no-mdns', 'do not look for peers on the LAN with mDNS')
    .option('--target-connections <n>', 'peers to keep connections to', count)
    .option('--label <key=value>', 'a label to advertise, e.g. zone=eu (repeatable)', collect, [])
    .option(
      '--store-quota <size>',
      "space offered to the mesh's block store, e.g. 50GiB; 0 stores nothing " +
        `(default from config, ${DEFAULT_CONFIG.storeQuota})`
    )
    .option(
      '--slots <n>',
      'execution slots for tasks; 0 runs none (default from config, else one per core)',
      count
    )
    .option(
      '--tasks <module>',
      'a handler module whose exported functions become task kinds, run on worker threads ' +
        '(repeatable)',
      collect,
      []
    )
    .option(
      '--log-level <level>',
      `what to log to stderr: ${LOG_LEVELS.join(', ')} (default ${DEFAULT_LOG_LEVEL}; ` +
        'without it, a set DEBUG variable picks what libp2p logs)',
      parseLogLevel
    )
    .option(
      '--log-format <format>',
      `how log lines read: ${LOG_FORMATS.join(' or ')} (default ${DEFAULT_LOG_FORMAT})`,
      parseLogFormat
    )
    .option('--metrics-public', 'serve /metrics without the API token, for a Prometheus scraper')
    .option(
      '--allow-peer <peer id>',
      'a peer that may be a member (repeatable); anyone else with the swarm key is refused ' +
        '(default from config: every holder of the key)',
      collect,
      []
    )
    .option(
      '--allow-submit <peer id>',
      'a peer whose tasks this node runs (repeatable); others are refused with ' +
        '"not allowed to submit" (default from config: every member)',
      collect,
      []
    )
}

/** Adds `mycel daemon` and `mycel join <token>`. */
export function daemonCommand(program: Command): void {
  daemonOptions(
    program
      .command('daemon')
      .description('run a node in the foreground (sets up the data directory on first run)')
      .option('--mesh <name>', `mesh to create on first run (default "${DEFAULT_MESH}")`)
  ).action(async (options: DaemonOptions, cmd: Command) => {
    await runDaemon(dataDirOf(cmd), given(options, cmd))
  })

  daemonOptions(
    program
      .command('join')
      .argument('<token>', 'the token printed by `mycel invite` on a node of the mesh')
      .description('join a mesh with an invite token, then run the node as `mycel daemon` does')
  ).action(async (token: string, options: DaemonOptions, cmd: Command) => {
    // a bad token is refused before anything is written to disk
    decodeInvite(token)
    await runDaemon(dataDirOf(cmd), given(options, cmd), token)
  })
}

/** The options without `mdns` unless `--no-mdns` was given, so the config file's value holds. */
function given(options: DaemonOptions, cmd: Command): DaemonOptions {
  const { mdns, ...rest } = options

  return cmd.getOptionValueSource('mdns') === 'cli' ? { ...rest, mdns } : rest
}

async function runDaemon(dataDir: string, options: DaemonOptions, join?: string): Promise<void> {
  const logger = loggerOf(options)
  const init: DaemonInit = {
    dataDir,
    ...(logger === undefined ? {} : { logger }),
    ...(options.metricsPublic === true ? { metricsPublic: true } : {}),
    ...(options.allowPeer.length > 0 ? { allowPeers: options.allowPeer } : {}),
    ...(options.allowSubmit.length > 0 ? { allowSubmit: options.allowSubmit } : {}),
    ...(options.mdns === undefined ? {} : { mdns: options.mdns }),
    ...(options.listen.length > 0 ? { listen: options.listen } : {}),
    ...(options.bootstrap.length > 0 ? { bootstrap: options.bootstrap } : {}),
    ...(options.apiListen === undefined ? {} : { apiListen: options.apiListen }),
    ...(options.mesh === undefined ? {} : { mesh: options.mesh }),
    ...(options.targetConnections === undefined
      ? {}
      : { targetConnections: options.targetConnections }),
    ...(join === undefined ? {} : { join }),
    ...(options.label.length > 0 ? { labels: labelsOf(options.label) } : {}),
    ...(options.storeQuota === undefined ? {} : { store: { quota: options.storeQuota } }),
    ...(options.slots === undefined ? {} : { slots: options.slots }),
    // modules are found from where the command runs, not from the data directory
    ...(options.tasks.length > 0
      ? { tasks: { modules: options.tasks.map((path) => resolve(path)) } }
      : {})
  }
  // loaded here, so that commands which only ask a daemon do not load libp2p
  const { assertModules, Daemon } = await import('../../daemon/daemon.js')
  await assertModules(init.tasks?.modules ?? [])
  const daemon = await Daemon.start(init)
  const { node } = daemon
  const { slots } = node.tasks.stats()

  print(
    formatFields([
      ['peer id', node.peerId.toString()],
      ['mesh', node.mesh],
      ['data dir', dataDir],
      ['listening', node.multiaddrs.map((ma) => ma.toString())],
      ['api', daemon.api.url],
      ['slots', slots.total === 0 ? '0 (runs no tasks)' : String(slots.total)],
      ['kinds', slots.total === 0 ? '-' : node.tasks.kinds().join(', ') || '-']
    ])
  )

  if (daemon.firstRun && join === undefined) {
    print(
      '',
      'a new mesh of one. to add a machine, run this there (it holds the mesh key: keep it secret):',
      ''
    )
    print(`  mycel join ${node.invite()}`, '')
  } else {
    print('', 'to add a machine: run `mycel invite` and run the line it prints on that machine', '')
  }

  reportExposedApi(daemon)
  reportForeignPeers(daemon)
  reportIsolation(daemon, join !== undefined || options.bootstrap.length > 0)
  await untilSignal()
  note('stopping…')
  process.exit(await stopWithin(daemon, STOP_DEADLINE))
}

/**
 * The logger the flags ask for, on stderr. Without `--log-level`, a set
 * `DEBUG` variable keeps libp2p's own logger (undefined here), so
 * `DEBUG=libp2p:*` works as libp2p documents.
 */
function loggerOf(options: DaemonOptions): ComponentLogger | undefined {
  if (options.logLevel === undefined && (process.env.DEBUG ?? '') !== '') {
    return undefined
  }

  return createLogger({
    level: options.logLevel ?? DEFAULT_LOG_LEVEL,
    format: options.logFormat ?? DEFAULT_LOG_FORMAT,
    stream: process.stderr
  })
}

/** How long a stop may take before the process exits anyway. */
const STOP_DEADLINE = 10_000 // ms
/** Peers the daemon remembers having warned about. */
const MAX_REPORTED = 1_024

/** Stops the daemon; the exit code is 0 when it stopped cleanly in time, else 1. */
async function stopWithin(daemon: Daemon, deadline: number): Promise<number> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<number>((resolve) => {
    timer = setTimeout(() => {
      note(`mycel: the node did not stop within ${deadline / 1000} s; exiting`)
      resolve(1)
    }, deadline)
  })
  const stopped = daemon.stop().then(
    () => 0,
    (err: Error) => {
      note(`mycel: stopping failed: ${err.message}`)
      return 1
    }
  )

  try {
    return await Promise.race([stopped, late])
  } finally {
    clearTimeout(timer)
  }
}

/** How long a node that was given peers to join through may stay alone before it says so. */
const ISOLATION_WARNING = 15_000 // ms

/** Says so when a node told whom to join through has reached no one after a while. */
function reportIsolation(daemon: Daemon, toldWhom: boolean): void {
  if (!toldWhom) {
    return
  }

  setTimeout(() => {
    if (daemon.node.peers.length === 0) {
      note(
        `warning: no peer of the mesh has answered in ${ISOLATION_WARNING / 1000} s; ` +
          'check that the addresses in the invite are reachable from here (firewall, NAT)'
      )
    }
  }, ISOLATION_WARNING).unref()
}

/** Warns when the API listens where other machines can reach it. */
function reportExposedApi(daemon: Daemon): void {
  const host = new URL(daemon.api.url).hostname.replace(/^\[|\]$/g, '')

  if (!isLoopback(host)) {
    note(
      `warning: the API listens on ${daemon.api.url}, which other machines can reach: whoever ` +
        'has the token in api.json can run tasks and read and write data there. Keep it on ' +
        '127.0.0.1 unless that is meant.'
    )
  }
}

/** Whether an address is this machine's own, reachable from nowhere else. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host)
}

/** Says once per peer when a peer refuses us for holding another swarm key. */
function reportForeignPeers(daemon: Daemon): void {
  const reported = new Set<string>()

  daemon.node.addEventListener('dial:failed', (evt) => {
    const { peerId, error } = evt.detail

    if (error.name === 'SwarmKeyMismatchError' && !reported.has(peerId.toString())) {
      if (reported.size >= MAX_REPORTED) {
        reported.clear()
      }

      reported.add(peerId.toString())
      note(`warning: ${error.message}`)
    }
  })
}

/** Resolves on the first SIGINT or SIGTERM; a second one ends the process at once. */
function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const onSignal = (): void => {
      process.once('SIGINT', () => process.exit(130))
      process.once('SIGTERM', () => process.exit(143))
      resolve()
    }

    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)
  })
}
