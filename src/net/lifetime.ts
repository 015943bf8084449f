import { setMaxListeners } from 'main-event'

/**
 * An AbortController that lives as long as a service: every dial, walk or
 * probe ties its own signal to it, so its signal takes any number of
 * listeners without Node warning of a leak.
 */
export function lifetimeController(): AbortController {
  const controller = new AbortController()
  setMaxListeners(Number.POSITIVE_INFINITY, controller.signal)

  return controller
}

/**
 * A signal that aborts with `parent` or after `timeout` ms, whichever comes
 * first, and takes any number of listeners (libp2p adds one per peer-store
 * write made under it).
 */
export function timeoutSignal(parent: AbortSignal, timeout: number): AbortSignal {
  const signal = AbortSignal.any([parent, AbortSignal.timeout(timeout)])
  setMaxListeners(Number.POSITIVE_INFINITY, signal)

  return signal
}
