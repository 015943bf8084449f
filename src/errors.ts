/**
 * Every error mycel raises on purpose. Each has a fixed `name` that callers and
 * tests match on, and a default message that says what went wrong.
 */

/** The base of mycel's errors: picks the subclass's default message when none is given. */
export abstract class MycelError extends Error {
  static readonly defaultMessage: string = 'mycel failed'

  constructor(message?: string, options?: ErrorOptions) {
    super(message ?? (new.target as typeof MycelError).defaultMessage, options)
  }
}

/** An option or a config value is out of range or of the wrong kind. */
export class InvalidConfigError extends MycelError {
  static override readonly defaultMessage = 'invalid configuration'
  override readonly name = 'InvalidConfigError'
}

/** An invite token that cannot be read: empty, truncated, altered or from another version. */
export class InvalidInviteError extends MycelError {
  static override readonly defaultMessage = 'invalid invite token'
  override readonly name = 'InvalidInviteError'
}

/** The data directory cannot be read or written, or holds something that is not ours. */
export class DataDirError extends MycelError {
  static override readonly defaultMessage = 'the data directory cannot be used'
  override readonly name = 'DataDirError'
}

/** A file given to read from or write to cannot be used. */
export class FileAccessError extends MycelError {
  static override readonly defaultMessage = 'the file cannot be used'
  override readonly name = 'FileAccessError'
}

/** `init` was asked to set up a data directory that already holds a node. */
export class AlreadyInitializedError extends MycelError {
  static override readonly defaultMessage = 'the data directory is already initialised'
  override readonly name = 'AlreadyInitializedError'
}

/** Another daemon holds the data directory. */
export class DataDirLockedError extends MycelError {
  static override readonly defaultMessage = 'another daemon is using the data directory'
  override readonly name = 'DataDirLockedError'
}

/** A dial reached the peer but the private-network handshake failed. */
export class SwarmKeyMismatchError extends MycelError {
  static override readonly defaultMessage =
    'the peer is not in this mesh: its swarm key differs from ours'
  override readonly name = 'SwarmKeyMismatchError'
}

/** The node could not listen on one of its addresses (taken, or not on this machine). */
export class ListenFailedError extends MycelError {
  static override readonly defaultMessage = 'cannot listen on the configured addresses'
  override readonly name = 'ListenFailedError'
}

/** A dial failed for any other reason (refused, unreachable, timed out). */
export class DialFailedError extends MycelError {
  static override readonly defaultMessage = 'could not connect to the peer'
  override readonly name = 'DialFailedError'
}

/** The DHT did not turn up any address for a peer. */
export class PeerNotFoundError extends MycelError {
  static override readonly defaultMessage = 'no address found for the peer'
  override readonly name = 'PeerNotFoundError'
}

/** No daemon answers for a data directory. */
export class DaemonNotRunningError extends MycelError {
  static override readonly defaultMessage = 'no daemon is running'
  override readonly name = 'DaemonNotRunningError'
}

/** A method that needs a running node was called on a stopped one. */
export class NotStartedError extends MycelError {
  static override readonly defaultMessage = 'the node is not started'
  override readonly name = 'NotStartedError'
}

/** A daemon answered an API call with an error. */
export class ApiError extends MycelError {
  static override readonly defaultMessage = 'the daemon answered with an error'
  override readonly name = 'ApiError'
  readonly status: number

  constructor(status: number, message?: string, options?: ErrorOptions) {
    super(message, options)
    this.status = status
  }
}

/** A string or bytes that should name a block or an object is not a CID mycel reads. */
export class InvalidCidError extends MycelError {
  static override readonly defaultMessage = 'not a valid CID'
  override readonly name = 'InvalidCidError'
}

/** A block's bytes do not hash to its CID: corrupt on disk or in transit, or forged. */
export class CorruptBlockError extends MycelError {
  static override readonly defaultMessage = "the block's bytes do not match its CID"
  override readonly name = 'CorruptBlockError'
}

/** No live peer that was asked holds the block. */
export class BlockNotFoundError extends MycelError {
  static override readonly defaultMessage = 'no peer holds the block'
  override readonly name = 'BlockNotFoundError'
}

/** A manifest block cannot be read as one: wrong codec, schema or limits. */
export class InvalidManifestError extends MycelError {
  static override readonly defaultMessage = 'not a valid manifest'
  override readonly name = 'InvalidManifestError'
}

/** The store's quota would be exceeded: the node, or the mesh, has no room for the data. */
export class StoreFullError extends MycelError {
  static override readonly defaultMessage = 'no room left in the block store'
  override readonly name = 'StoreFullError'
}

/** Fewer owners than the write quorum acknowledged a block. */
export class QuorumNotReachedError extends MycelError {
  static override readonly defaultMessage = 'too few peers acknowledged the write'
  override readonly name = 'QuorumNotReachedError'
}

/** A peer answered a request with an error, or broke the protocol. */
export class RemoteError extends MycelError {
  static override readonly defaultMessage = 'the peer refused the request'
  override readonly name = 'RemoteError'
  /** The error name the peer gave, such as `StoreFullError`. */
  readonly code: string

  constructor(code: string, message?: string, options?: ErrorOptions) {
    super(message, options)
    this.code = code
  }
}

/** A request got no answer in time. */
export class RequestTimeoutError extends MycelError {
  static override readonly defaultMessage = 'the peer did not answer in time'
  override readonly name = 'RequestTimeoutError'
}

/** A message is larger than the protocol allows. */
export class MessageTooLargeError extends MycelError {
  static override readonly defaultMessage = 'the message is larger than the protocol allows'
  override readonly name = 'MessageTooLargeError'
}

/** A peer (or an API client) asked more often than its rate limit allows. */
export class RateLimitedError extends MycelError {
  static override readonly defaultMessage = 'too many requests'
  override readonly name = 'RateLimitedError'
}

/** A task spec that mycel cannot run: an unknown field value, too large, or malformed. */
export class InvalidTaskError extends MycelError {
  static override readonly defaultMessage = 'not a valid task'
  override readonly name = 'InvalidTaskError'
}

/** No task with that id is known to this node. */
export class TaskNotFoundError extends MycelError {
  static override readonly defaultMessage = 'no such task'
  override readonly name = 'TaskNotFoundError'
}

/** A task failed for good: its handler threw or timed out past its retries, or it was poisoned. */
export class TaskFailedError extends MycelError {
  static override readonly defaultMessage = 'the task failed'
  override readonly name = 'TaskFailedError'
}

/** A task was cancelled before it finished. */
export class TaskCancelledError extends MycelError {
  static override readonly defaultMessage = 'the task was cancelled'
  override readonly name = 'TaskCancelledError'
}

/** A handler ran past the task's timeout and was stopped. */
export class TaskTimeoutError extends MycelError {
  static override readonly defaultMessage = 'the task ran past its timeout'
  override readonly name = 'TaskTimeoutError'
}

/** The worker thread running a task died under it (it exited, or ran out of memory). */
export class WorkerCrashedError extends MycelError {
  static override readonly defaultMessage = 'the worker thread running the task died'
  override readonly name = 'WorkerCrashedError'
}

/** A handler module cannot be loaded, or exports no task kinds. */
export class HandlerModuleError extends MycelError {
  static override readonly defaultMessage = 'the handler module cannot be loaded'
  override readonly name = 'HandlerModuleError'
}
