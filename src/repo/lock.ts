/**
 * One running node per data directory: `repo.lock` holds the pid of the
 * process whose node owns the directory. The file appears whole (written
 * aside, then linked into place), so no one reads a half-written lock. A lock
 * left by a process that no longer runs is taken over.
 */
import { link, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { DataDirLockedError } from '../errors.js'
import { fileError, isCode, SECRET_MODE } from './files.js'

export const LOCK_FILE = 'repo.lock'

/**
 * Takes the lock of a data directory.
 *
 * @throws {DataDirLockedError} naming the process that holds it
 * @throws {DataDirError} when the lock cannot be read or written
 */
export async function acquireLock(dataDir: string, pid = process.pid): Promise<void> {
  const path = join(dataDir, LOCK_FILE)
  const aside = `${path}.${pid}`

  try {
    await writeFile(aside, `${pid}\n`, { mode: SECRET_MODE })
  } catch (err) {
    throw fileError('write', aside, err)
  }

  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await tryLink(aside, path)) {
        return
      }

      const holder = await readHolder(path)

      if (holder === pid) {
        return
      }

      if (holder !== undefined && isRunning(holder)) {
        throw new DataDirLockedError(
          `another mycel node (pid ${holder}) is using ${dataDir}; stop it or pick another --data-dir`
        )
      }

      // the holder is gone: move its lock out of the way, then try again
      const stale = `${path}.stale.${pid}`
      await rename(path, stale).then(
        () => rm(stale, { force: true }),
        () => {}
      )
    }
  } finally {
    await rm(aside, { force: true })
  }

  throw new DataDirLockedError(`could not lock ${dataDir}: other processes keep taking the lock`)
}

/** Gives the lock up, if this process holds it. */
export async function releaseLock(dataDir: string, pid = process.pid): Promise<void> {
  const path = join(dataDir, LOCK_FILE)

  if ((await readHolder(path).catch(() => undefined)) === pid) {
    await rm(path, { force: true })
  }
}

/** Whether a process with this id runs. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: it runs, as another user
    return isCode(err, 'EPERM')
  }
}

async function tryLink(from: string, to: string): Promise<boolean> {
  try {
    await link(from, to)
    return true
  } catch (err) {
    if (isCode(err, 'EEXIST')) {
      return false
    }

    throw fileError('create', to, err)
  }
}

/** The pid in a lock file, or undefined when the file is gone or holds no pid. */
async function readHolder(path: string): Promise<number | undefined> {
  let text: string

  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if (isCode(err, 'ENOENT')) {
      return undefined
    }

    throw fileError('read', path, err)
  }

  const pid = Number(text.trim())

  return Number.isInteger(pid) && pid > 0 ? pid : undefined
}
