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

/** Resolves as the promise does, or fails the test after `timeout` ms instead of hanging. */
export function within<T>(promise: Promise<T>, timeout: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), timeout)
  })

  return Promise.race([promise, late]).finally(() => clearTimeout(timer))
}
