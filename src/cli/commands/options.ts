/** Option parsers and helpers the commands share. */
import { type Command, InvalidArgumentError } from 'commander'
import { parseLabel } from '../../repo/config.js'
import { resolveDataDir } from '../../repo/repo.js'

/** Collects a repeatable option into a list. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value]
}

/** Parses a whole number of 0 or more. */
export function count(value: string): number {
  const n = Number(value)

  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(`expected a whole number, got "${value}"`)
  }

  return n
}

/** The data directory for a command: `--data-dir`, then `$MYCEL_DATA_DIR`, then `~/.mycel`. */
export function dataDirOf(cmd: Command): string {
  const { dataDir } = cmd.optsWithGlobals<{ dataDir?: string }>()

  return resolveDataDir(dataDir)
}

/** Whether `--json` was given. */
export function wantsJson(cmd: Command): boolean {
  return cmd.optsWithGlobals<{ json?: boolean }>().json === true
}

/** Labels from repeated `--label key=value` flags. */
export function labelsOf(flags: readonly string[]): Record<string, string> {
  return Object.fromEntries(flags.map(parseLabel))
}
