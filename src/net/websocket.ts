/**
 * The `WebSocket` mycel dials with on Node 20, which has no global one.
 *
 * It is the `ws` package's client with one change: messages that arrive
 * before anyone listens for them are kept and handed to the first listener.
 * libp2p's WebSockets transport waits for `open` and only then listens for
 * messages; behind a private network both sides send their pnet nonce at
 * once, so the listener's nonce can arrive in the same tick as `open` and
 * would otherwise be lost, stalling every dial until it times out.
 */
import { WebSocket } from 'ws'

type Received = [data: unknown, isBinary: boolean]

export class BufferingWebSocket extends WebSocket {
  private early: Received[] | undefined = []
  private readonly keep = (data: unknown, isBinary: boolean): void => {
    this.early?.push([data, isBinary])
  }

  constructor(...args: ConstructorParameters<typeof WebSocket>) {
    super(...args)
    super.on('message', this.keep)
  }

  // `addEventListener('message', …)` registers through `on` as well
  override on(...args: Parameters<WebSocket['on']>): this {
    super.on(...args)
    this.flush(args[0])

    return this
  }

  /** Hands what came early to the first message listener, then stops keeping. */
  private flush(event: string | symbol): void {
    const early = this.early

    if (event !== 'message' || early === undefined) {
      return
    }

    this.early = undefined
    this.off('message', this.keep)

    for (const [data, isBinary] of early) {
      this.emit('message', data, isBinary)
    }
  }
}
