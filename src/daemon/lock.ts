/**
 * One daemon per data directory: `daemon.lock` holds the pid of the daemon
 * that owns it. A lock left by a process that no longer runs is taken over.
 */
import { open, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { DataDirLockedError } from '../errors.js'
import { fileError, isCode } from '../repo/files.js'

export const LOCK_FILE = 'daemon.lock'

/** Takes the lock, or says which process holds it. */
export async function acquireLock(dataDir: string, pid = process.pid): Promise<void> {
  const path = join(dataDir, LOCK_FILE)

  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const file = await open(path, 'wx', 0o600)
      await file.writeFile(`${pid}\n`)
      await file.close()
      return
    } catch (err) {
      if (!isCode(err, 'EEXIST')) {
        throw fileError('create', path, err)
      }
    }

    const holder = Number((await readFile(path, 'utf8').catch(() => '')).trim())

    if (Number.isInteger(holder) && holder > 0 && holder !== pid && isRunning(holder)) {
      throw new DataDirLockedError(
        `another daemon (pid ${holder}) is using ${dataDir}; stop it or pick another --data-dir`
      )
    }

    // the holder is gone: take the lock over
    await rm(path, { force: true })
  }

  throw new DataDirLockedError(`could not lock ${dataDir}: another process keeps taking the lock`)
}

export async function releaseLock(dataDir: string): Promise<void> {
  await rm(join(dataDir, LOCK_FILE), { force: true })
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
