/**
 * How CLI commands talk to a running daemon: they find its API in
 * `<data-dir>/api.json` and call it with the bearer token written there.
 */

import { type ApiEndpoint, readApiFile } from '../daemon/api-file.js'
import { ApiError, DaemonNotRunningError } from '../errors.js'
import { isRunning } from '../repo/lock.js'

/** How long the CLI waits for the daemon to answer. */
const REQUEST_TIMEOUT = 10_000 // ms

export class ApiClient {
  private readonly endpoint: ApiEndpoint
  private readonly dataDir: string

  private constructor(dataDir: string, endpoint: ApiEndpoint) {
    this.dataDir = dataDir
    this.endpoint = endpoint
  }

  /**
   * Finds the daemon of a data directory.
   *
   * @throws {DaemonNotRunningError} when none runs
   */
  static async connect(dataDir: string): Promise<ApiClient> {
    const endpoint = await readApiFile(dataDir)

    if (Number.isInteger(endpoint.pid) && endpoint.pid > 0 && !isRunning(endpoint.pid)) {
      throw new DaemonNotRunningError(
        `no daemon is running for ${dataDir}: the one that wrote api.json ` +
          `(pid ${endpoint.pid}) is gone; start one with \`mycel daemon\``
      )
    }

    return new ApiClient(dataDir, endpoint)
  }

  /** The API's base URL. */
  get url(): string {
    return this.endpoint.url
  }

  /** GETs a path of the API and returns the decoded JSON. */
  async get<T>(path: string): Promise<T> {
    let response: Response

    try {
      response = await fetch(new URL(path, this.endpoint.url), {
        headers: { authorization: `Bearer ${this.endpoint.token}` },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT)
      })
    } catch (err) {
      throw new DaemonNotRunningError(
        `no daemon answers at ${this.endpoint.url} for ${this.dataDir}; start one with \`mycel daemon\``,
        { cause: err }
      )
    }

    const body = (await response.json().catch(() => ({}))) as { error?: string }

    if (!response.ok) {
      throw new ApiError(
        response.status,
        `the daemon answered ${response.status}: ${body.error ?? response.statusText}`
      )
    }

    return body as T
  }
}
