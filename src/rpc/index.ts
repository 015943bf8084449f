/**
 * Request/response over long-lived libp2p streams: request ids, size limits,
 * timeouts and idle streams closed, for every protocol that negotiates.
 */
export type { CloseReason } from './channel.js'
export {
  DEFAULT_IDLE_TIMEOUT,
  DEFAULT_MAX_IN_FLIGHT,
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_REQUEST_TIMEOUT,
  type Handler,
  type RequestContext,
  Rpc,
  type RpcComponents,
  type RpcInit,
  type RpcStats
} from './rpc.js'
