/**
 * A task's data as the node that runs it sees it: its inputs, read from the
 * block store as the handler asks for them; what fetching them would cost,
 * for a bid; and its result as a report carries it, inline when small, else
 * stored in the mesh and sent by CID.
 */
import type { CID } from 'multiformats/cid'
import type { Report } from './pb/tasks.js'
import type { JobResult } from './pool.js'
import { MAX_INLINE_RESULT, type TaskInputs } from './task.js'

/** What a task's data needs of the node's block store. */
export interface TaskStore {
  /** Whether the block is held here. */
  held(cid: CID): boolean
  getBytes(cid: CID): Promise<Uint8Array>
  get(cid: CID): AsyncIterable<Uint8Array>
  put(bytes: Uint8Array): Promise<CID>
}

/** What a missing input is taken to cost to fetch, when its size is not known here. */
const UNKNOWN_INPUT_BYTES = 1024 * 1024

/** The input bytes this node would have to fetch to run a task. */
export function fetchBytes(store: TaskStore, inputs: readonly CID[]): number {
  return inputs.reduce((sum, cid) => sum + (store.held(cid) ? 0 : UNKNOWN_INPUT_BYTES), 0)
}

/** A task's inputs as its handler reads them. */
export function inputsOf(store: TaskStore, cids: readonly CID[]): TaskInputs {
  return {
    length: cids.length,
    cids: cids.map((cid) => cid.toString()),
    bytes: (i) => store.getBytes(at(cids, i)),
    stream: (i) => store.get(at(cids, i))
  }
}

/** A result as a report carries it: inline when small, else stored in the mesh and sent by CID. */
export async function deliverable(store: TaskStore, result: JobResult): Promise<Partial<Report>> {
  if ('json' in result && Buffer.byteLength(result.json) <= MAX_INLINE_RESULT) {
    return { json: result.json }
  }

  if ('bytes' in result && result.bytes.byteLength <= MAX_INLINE_RESULT) {
    return { bytes: result.bytes as Uint8Array<ArrayBuffer> }
  }

  const bytes = 'json' in result ? new TextEncoder().encode(result.json) : result.bytes
  const cid = await store.put(bytes)

  return { cid: cid.bytes as Uint8Array<ArrayBuffer>, cidJson: 'json' in result }
}

function at(cids: readonly CID[], i: number): CID {
  const cid = cids[i]

  if (cid === undefined) {
    throw new RangeError(`the task has ${cids.length} inputs; there is no input ${i}`)
  }

  return cid
}
