/**
 * The daemon: a mesh node with a data directory, a local HTTP API and the
 * files CLI commands find it by. `mycel daemon` and `mycel join` run one.
 */
import { randomBytes } from 'node:crypto'
import type { ComponentLogger, Logger } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { ApiServer } from '../api/server.js'
import { createMeshNode } from '../node/index.js'
import type { MeshNodeInit } from '../node/init.js'
import type { MeshNode } from '../node/mesh-node.js'
import { ensureDir } from '../repo/files.js'
import { Repo } from '../repo/repo.js'
import { removeApiFile, writeApiFile } from './api-file.js'
import { acquireLock, releaseLock } from './lock.js'

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
  > {
  /** The data directory, already resolved. */
  dataDir: string
  /** `host:port` of the HTTP API; the config's when not given. */
  apiListen?: string
  logger?: ComponentLogger
}

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
    await acquireLock(dataDir)

    const cleanup: Array<() => Promise<void>> = [() => releaseLock(dataDir)]

    try {
      const node = await createMeshNode({ ...withoutUndefined(init), logger })
      cleanup.unshift(() => node.stop())

      const repo = node.repo as Repo
      const token = randomBytes(32).toString('base64url')
      const api = new ApiServer({
        node,
        token,
        listen: init.apiListen ?? repo.config.apiListen,
        logger
      })
      await api.start()
      cleanup.unshift(() => api.stop())

      await writeApiFile(dataDir, { url: api.url, token, pid: process.pid })
      log('daemon of %p running, API on %s', node.peerId, api.url)

      return new Daemon(node, api, dataDir, firstRun, log)
    } catch (err) {
      for (const step of cleanup) {
        await step().catch((cleanupErr: Error) => {
          log.error('clean-up after a failed start failed - %e', cleanupErr)
        })
      }

      throw err
    }
  }

  /** Stops the API and the node, then removes `api.json` and the lock. */
  async stop(): Promise<void> {
    this.log('stopping')
    await removeApiFile(this.dataDir)
    await this.api.stop()
    await this.node.stop()
    await releaseLock(this.dataDir)
    this.log('stopped')
  }
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}
