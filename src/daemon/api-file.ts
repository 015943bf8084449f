/**
 * `api.json` in the data directory: how CLI commands find the running daemon.
 * Written (mode 0600) when the daemon's API is up, removed when it stops.
 */
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { DaemonNotRunningError, DataDirError } from '../errors.js'
import { readOptional, writeAtomic } from '../repo/files.js'

export const API_FILE = 'api.json'

export interface ApiEndpoint {
  /** Base URL of the API, e.g. `http://127.0.0.1:41235`. */
  url: string
  /** Bearer token for every request. */
  token: string
  /** Process id of the daemon. */
  pid: number
}

/** Writes `api.json` (mode 0600) once the API answers. */
export async function writeApiFile(dataDir: string, endpoint: ApiEndpoint): Promise<void> {
  await writeAtomic(join(dataDir, API_FILE), `${JSON.stringify(endpoint, null, 2)}\n`)
}

/** Removes `api.json`; a missing file is fine. */
export async function removeApiFile(dataDir: string): Promise<void> {
  await rm(join(dataDir, API_FILE), { force: true })
}

/**
 * Reads `api.json`.
 *
 * @throws {DaemonNotRunningError} when there is none
 * @throws {DataDirError} when it cannot be read or makes no sense
 */
export async function readApiFile(dataDir: string): Promise<ApiEndpoint> {
  const path = join(dataDir, API_FILE)
  const bytes = await readOptional(path)

  if (bytes === undefined) {
    throw new DaemonNotRunningError(
      `no daemon is running for ${dataDir} (start one with \`mycel daemon\`)`
    )
  }

  let endpoint: Partial<ApiEndpoint>

  try {
    endpoint = JSON.parse(new TextDecoder().decode(bytes)) as Partial<ApiEndpoint>
  } catch (err) {
    throw new DataDirError(`cannot use ${path}: it is not valid JSON`, { cause: err })
  }

  if (
    typeof endpoint !== 'object' ||
    endpoint === null ||
    typeof endpoint.url !== 'string' ||
    typeof endpoint.token !== 'string'
  ) {
    throw new DataDirError(`cannot use ${path}: it lacks the API's url or token`)
  }

  return { url: endpoint.url, token: endpoint.token, pid: Number(endpoint.pid) }
}
