/**
 * How a failed command ends: one line on stderr and an exit code a script can
 * trust. 2 means the input was wrong (a flag, a token, a config value); 1
 * means the command could not do its work (the daemon's 400 answers count as
 * wrong input, as does a task spec the CLI refuses itself). No stack trace, unless
 * `MYCEL_DEBUG` is set.
 */
import { CommanderError } from 'commander'
import {
  ApiError,
  FileAccessError,
  InvalidCidError,
  InvalidConfigError,
  InvalidInviteError,
  InvalidTaskError
} from '../errors.js'

export const EXIT_FAILURE = 1
export const EXIT_USAGE = 2
/** A command stopped by Ctrl-C, as shells report it: 128 + SIGINT. */
export const EXIT_INTERRUPTED = 130

/** The exit code for an error. */
export function exitCodeOf(err: unknown): number {
  if (err instanceof CommanderError) {
    return err.exitCode === 0 ? 0 : EXIT_USAGE
  }

  if (
    err instanceof InvalidInviteError ||
    err instanceof InvalidConfigError ||
    err instanceof InvalidCidError ||
    err instanceof InvalidTaskError ||
    err instanceof FileAccessError ||
    (err instanceof ApiError && err.status === 400)
  ) {
    return EXIT_USAGE
  }

  return EXIT_FAILURE
}

/** The line printed for an error. */
export function describeError(err: unknown, debug = process.env.MYCEL_DEBUG !== undefined): string {
  if (debug && err instanceof Error && err.stack !== undefined) {
    return `mycel: ${err.stack}`
  }

  const message = err instanceof Error ? err.message : String(err)

  return `mycel: ${message.split('\n')[0]}`
}
