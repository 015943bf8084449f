/**
 * Fills the gaps between Node 20 and what libp2p 3 expects of its runtime.
 *
 * Every entry point (the library's index, the CLI, the test setup) imports this
 * module first, before anything from libp2p is evaluated.
 *
 * - `Promise.withResolvers` arrived in Node 22; libp2p, its transports,
 *   muxers, kad-dht and gossipsub call it when they start.
 * - A global `WebSocket` arrived in Node 22; the WebSockets transport dials
 *   with it. The one set here keeps messages that arrive before anyone
 *   listens (see `net/websocket.ts`).
 */
import { BufferingWebSocket } from './net/websocket.js'

interface Resolvers<T> {
  promise: Promise<T>
  resolve: (value: T | PromiseLike<T>) => void
  reject: (reason?: unknown) => void
}

const PromiseWithResolvers = Promise as unknown as {
  withResolvers?: <T>() => Resolvers<T>
}

if (typeof PromiseWithResolvers.withResolvers !== 'function') {
  PromiseWithResolvers.withResolvers = <T>(): Resolvers<T> => {
    let resolve!: Resolvers<T>['resolve']
    let reject!: Resolvers<T>['reject']
    const promise = new Promise<T>((res, rej) => {
      resolve = res
      reject = rej
    })

    return { promise, resolve, reject }
  }
}

const globals = globalThis as { WebSocket?: unknown }

if (globals.WebSocket === undefined) {
  globals.WebSocket = BufferingWebSocket
}
