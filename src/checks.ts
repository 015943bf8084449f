/**
 * Checks of option values shared by the parts' `resolve…Init` functions.
 */
import { InvalidConfigError } from './errors.js'

/**
 * Checks an integer within bounds.
 *
 * @throws {InvalidConfigError} naming the field, its bounds and the value given
 */
export function assertInteger(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidConfigError(
      `expected ${field} to be an integer from ${min} to ${max}, got ${String(value)}`
    )
  }

  return value
}
