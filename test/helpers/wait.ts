/** Polls a condition until it holds or the deadline passes; tests never sleep a fixed time. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  options: { timeout?: number; interval?: number; message?: string } = {}
): Promise<void> {
  const timeout = options.timeout ?? 10_000
  const interval = options.interval ?? 50
  const deadline = Date.now() + timeout

  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(options.message ?? `condition not met within ${timeout} ms`)
    }

    await new Promise((resolve) => setTimeout(resolve, interval))
  }
}
