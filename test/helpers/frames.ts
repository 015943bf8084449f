/**
 * Frames of mycel's request/response protocols as bytes on the wire, for
 * tests and the hostile peer that write to streams by hand.
 */
import * as varint from 'uint8-varint'
import { Uint8ArrayList } from 'uint8arraylist'
import { Frame } from '../../src/rpc/pb/rpc.js'

/** A varint length and the bytes after it. */
export function prefixed(data: Uint8Array): Uint8ArrayList {
  return new Uint8ArrayList(varint.encode(data.byteLength), data)
}

/** A frame as a channel writes it: a varint length, then the encoded frame. */
export function rawFrame(fields: Partial<Frame>): Uint8ArrayList {
  return prefixed(
    Frame.encode({
      id: 0,
      kind: Frame.Kind.REQUEST,
      method: '',
      body: new Uint8Array(0),
      code: '',
      message: '',
      ...fields
    })
  )
}
