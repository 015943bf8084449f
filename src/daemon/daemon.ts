/**
 * The daemon: a mesh node with a data directory, a local HTTP API and the
 * files CLI commands find it by. `mycel daemon` and `mycel join` run one.
 */
import { randomBytes } from 'node:crypto'
import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { ComponentLogger, Logger } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { ApiServer } from '../api/server.js'
import { FileAccessError } from '../errors.js'
import { createMeshNode } from '../node/index.js'
import type { MeshNodeInit } from '../node/init.js'
import type { MeshNode } from '../node/mesh-node.js'
import { ensureDir, fileError } from '../repo/files.js'
import { Repo } from '../repo/repo.js'
import { removeApiFile, writeApiFile } from './api-file.js'

export interface DaemonInit
  extends Pick<
    MeshNodeInit,
    | 'mesh'
    | 'join'
    | 'listen'
    | 'bootstrap'
    | 'mdns'
    | 'targetConnections'
    | 'network'
    | 'labels'
    | 'slots'
    | 'adverts'
    | 'store'
    | 'tasks'
    | 'limits'
    | 'allowPeers'
    | 'allowSubmit'
  > {
  /** The data directory, already resolved. */
  dataDir: string
  /** `host:port` of the HTTP API; the config's when not given. */
  apiListen?: string
  logger?: ComponentLogger
  /**
   * Serve `/metrics` without the API token, so a Prometheus scraper needs no
   * secret; every other endpoint still asks for it.
   *
   * @default false
   */
  metricsPublic?: boolean
}

/**
 * A running daemon. `Daemon.start()` opens the data directory (setting it up
 * on first run), starts the node and the API and writes `api.json`;
 * `stop()` undoes all of it.
 */
export class Daemon {
  readonly node: MeshNode
  readonly api: ApiServer
  readonly dataDir: string
  /** Whether this run set up the data directory. */
  readonly firstRun: boolean
  private readonly log: Logger

  private constructor(
    node: MeshNode,
    api: ApiServer,
    dataDir: string,
    firstRun: boolean,
    log: Logger
  ) {
    this.node = node
    this.api = api
    this.dataDir = dataDir
    this.firstRun = firstRun
    this.log = log
  }

  /**
   * Opens (or sets up) the data directory, locks it, starts the node and the
   * API, and writes `api.json`. Anything started is stopped again if a later
   * step fails.
   */
  static async start(init: DaemonInit): Promise<Daemon> {
    const logger = init.logger ?? defaultLogger()
    const log = logger.forComponent('mycel:daemon')
    const { dataDir } = init

    await ensureDir(dataDir)
    const firstRun = !(await Repo.exists(dataDir))
    const tasks = await tasksOf(init, firstRun)
    // the node locks the data directory when it starts
    const node = await createMeshNode({
      ...withoutUndefined(init),
      ...tasks,
      logger,
      // a daemon has the process to itself, so the process's figures are its own
      metrics: { processMetrics: true }
    })
    const token = randomBytes(32).toString('base64url')
    const api = new ApiServer({
      node,
      token,
      listen: init.apiListen ?? (node.repo as Repo).config.apiListen,
      metricsPublic: init.metricsPublic === true,
      logger
    })

    try {
      await api.start()
      await writeApiFile(dataDir, { url: api.url, token, pid: process.pid })
    } catch (err) {
      await runAll([() => api.stop(), () => node.stop()], log)
      throw err
    }

    log('daemon of %p running, API on %s', node.peerId, api.url)

    return new Daemon(node, api, dataDir, firstRun, log)
  }

  /**
   * Removes `api.json`, stops the API and the node (which gives up the lock).
   * Every step runs even when one fails; the first failure is thrown after.
   */
  async stop(): Promise<void> {
    this.log('stopping')
    const failure = await runAll(
      [() => removeApiFile(this.dataDir), () => this.api.stop(), () => this.node.stop()],
      this.log
    )

    if (failure !== undefined) {
      throw failure
    }

    this.log('stopped')
  }
}

/**
 * The slots and handler modules to run: those given, else the config's. The
 * config's module paths are taken from the data directory; every module must
 * be a file.
 *
 * @throws {FileAccessError} naming a module that is not a readable file
 */
async function tasksOf(
  init: DaemonInit,
  firstRun: boolean
): Promise<Pick<MeshNodeInit, 'slots' | 'tasks'>> {
  const config = firstRun ? undefined : (await Repo.open(init.dataDir)).config
  const slots = init.slots ?? config?.slots ?? undefined
  const modules =
    init.tasks?.modules ?? config?.tasks.map((path) => resolve(init.dataDir, path)) ?? []

  await assertModules(modules)

  return {
    ...(slots === undefined ? {} : { slots }),
    tasks: { ...init.tasks, modules }
  }
}

/**
 * Checks that each handler module is a file, before a node is started to load it.
 *
 * @throws {FileAccessError} naming the first that is not
 */
export async function assertModules(paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    const info = await stat(resolve(path)).catch((err: unknown) => {
      throw fileError('load the handler module', path, err, FileAccessError)
    })

    if (!info.isFile()) {
      throw new FileAccessError(`cannot load the handler module ${path}: it is not a file`)
    }
  }
}

/** Runs every step in order, logging failures; returns the first. */
async function runAll(
  steps: ReadonlyArray<() => Promise<void>>,
  log: Logger
): Promise<Error | undefined> {
  let first: Error | undefined

  for (const step of steps) {
    await step().catch((err: Error) => {
      log.error('a stop step failed - %e', err)
      first ??= err
    })
  }

  return first
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}
