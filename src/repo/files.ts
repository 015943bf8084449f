/**
 * File access for the data directory, with errors that say which file and
 * what went wrong instead of a bare errno.
 */
import { chmod, lstat, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { DataDirError, FileAccessError, type MycelError } from '../errors.js'

/** Mode of files that hold secrets: keys, tokens. */
export const SECRET_MODE = 0o600
/** Mode of the data directory itself. */
export const DIR_MODE = 0o700

/** Reads a file, or `undefined` when it does not exist. */
export async function readOptional(path: string): Promise<Uint8Array | undefined> {
  try {
    return await readFile(path)
  } catch (err) {
    if (isCode(err, 'ENOENT')) {
      return undefined
    }

    throw fileError('read', path, err)
  }
}

/** Writes a file atomically (a temp file renamed over it), with the given mode. */
export async function writeAtomic(
  path: string,
  data: Uint8Array | string,
  mode = SECRET_MODE
): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`

  try {
    await writeFile(temp, data, { mode })
    await chmod(temp, mode)
    await rename(temp, path)
  } catch (err) {
    throw fileError('write', path, err)
  }
}

/**
 * Makes a file that holds a secret readable by its owner alone, if others
 * could read or write it (a copy from a backup, an editor, a wide umask).
 * What this process may not change is left as it is, never refused: a
 * link (a secret mounted by Docker or Kubernetes), a file of another user,
 * a read-only file system.
 */
export async function keepSecret(path: string): Promise<void> {
  try {
    const info = await lstat(path)
    const owned = process.getuid === undefined || info.uid === process.getuid()

    if (info.isFile() && owned && (info.mode & 0o077) !== 0) {
      await chmod(path, SECRET_MODE)
    }
  } catch (err) {
    // a missing file is for whoever reads it to report
    if (!UNCHANGEABLE.some((code) => isCode(err, code))) throw fileError('protect', path, err)
  }
}

/** Why a file's mode cannot be changed, and that is no reason to stop. */
const UNCHANGEABLE = ['ENOENT', 'EROFS', 'EPERM', 'EACCES']

/** Creates a directory (and its parents), or checks that the one there is a directory. */
export async function ensureDir(path: string): Promise<void> {
  const info = await stat(path).catch((err: unknown) => {
    if (isCode(err, 'ENOENT')) {
      return undefined
    }

    throw fileError('read', path, err)
  })

  if (info !== undefined && !info.isDirectory()) {
    throw new DataDirError(`cannot use ${path} as a directory: it is a file`)
  }

  try {
    await mkdir(path, { recursive: true, mode: DIR_MODE })
  } catch (err) {
    throw fileError('create', path, err)
  }
}

/** A DataDirError that names the file, the action and the system's reason. */
export function fileError<E extends MycelError = DataDirError>(
  action: string,
  path: string,
  err: unknown,
  ErrorClass: new (message: string, options?: ErrorOptions) => E = DataDirError as never
): E {
  if (err instanceof ErrorClass) {
    return err
  }

  const code = (err as NodeJS.ErrnoException)?.code
  const reasons: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOTDIR: `${dirname(path)} is not a directory`,
    EISDIR: 'it is a directory',
    ENOSPC: 'no space left on the device',
    EROFS: 'the file system is read-only',
    ENOENT: 'it does not exist'
  }
  const reason = (code === undefined ? undefined : reasons[code]) ?? (err as Error)?.message

  return new ErrorClass(`cannot ${action} ${path}: ${reason}`, { cause: err })
}

/**
 * The size of a file about to be read, checked to be a readable file.
 *
 * @throws {FileAccessError} saying why it cannot be read
 */
export async function readableFileSize(path: string): Promise<number> {
  try {
    const info = await stat(path)

    if (!info.isFile()) {
      throw new FileAccessError(`cannot read ${path}: it is not a file`)
    }

    return info.size
  } catch (err) {
    throw fileError('read', path, err, FileAccessError)
  }
}

/** Whether an error is a system error with the given code. */
export function isCode(err: unknown, code: string): boolean {
  return (err as NodeJS.ErrnoException)?.code === code
}
