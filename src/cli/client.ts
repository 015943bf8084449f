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
  get<T>(path: string): Promise<T> {
    return this.send<T>('GET', path)
  }

  /**
   * Sends a request with a JSON body, or none, and returns the decoded JSON
   * answer; it gives up after `timeout` ms.
   */
  async send<T>(
    method: string,
    path: string,
    body?: unknown,
    timeout = REQUEST_TIMEOUT
  ): Promise<T> {
    const response = await this.request(
      path,
      {
        method,
        ...(body === undefined
          ? {}
          : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })
      },
      timeout
    )

    try {
      return (await response.json()) as T
    } catch (err) {
      throw this.fetchError(err as Error, timeout)
    }
  }

  /**
   * Sends a request to the API; the answer is returned only when it is a
   * success. Transfers (put, get) pass no signal: they may take as long as
   * the data does; others give up after `timeout` ms.
   *
   * @throws {ApiError} with the daemon's own message when it answers with an error
   * @throws {DaemonNotRunningError} when nothing answers
   */
  async request(path: string, init: RequestInit = {}, timeout?: number): Promise<Response> {
    const signals = [
      ...(init.signal ? [init.signal] : []),
      ...(timeout === undefined ? [] : [AbortSignal.timeout(timeout)])
    ]
    let response: Response

    try {
      response = await fetch(new URL(path, this.endpoint.url), {
        ...init,
        ...(signals.length === 0 ? {} : { signal: AbortSignal.any(signals) }),
        headers: { ...init.headers, authorization: `Bearer ${this.endpoint.token}` }
      })
    } catch (err) {
      throw this.fetchError(err as Error, timeout)
    }

    if (!response.ok) {
      const body = (await response.json().catch(() => ({}))) as { error?: string }

      throw new ApiError(response.status, body.error ?? `the daemon answered ${response.status}`)
    }

    return response
  }

  /** Why a request got no answer: nothing listens, it took too long, or the upload broke. */
  private fetchError(err: Error, timeout = REQUEST_TIMEOUT): Error {
    const code = (err.cause as NodeJS.ErrnoException | undefined)?.code

    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND') {
      return new DaemonNotRunningError(
        `no daemon answers at ${this.endpoint.url} for ${this.dataDir}; start one with \`mycel daemon\``,
        { cause: err }
      )
    }

    if (err.name === 'TimeoutError') {
      return new ApiError(504, `the daemon did not answer within ${timeout / 1000} s`, {
        cause: err
      })
    }

    const reason = err.cause instanceof Error ? err.cause.message : err.message

    return new ApiError(502, `the request to the daemon failed: ${reason}`, { cause: err })
  }
}
