/** The error a call throws, so a test can check its name and message. */
export function thrown(fn: () => unknown): Error {
  try {
    fn()
  } catch (err) {
    return err as Error
  }

  throw new Error('expected a throw, got none')
}
