import { decodeMessage, encodeMessage, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface ProbeRequest {
  peer: Uint8Array<ArrayBuffer>
}

export namespace ProbeRequest {
  let _codec: Codec<ProbeRequest>

  export const codec = (): Codec<ProbeRequest> => {
    if (_codec == null) {
      _codec = message<ProbeRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.peer != null && obj.peer.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.peer)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          peer: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.peer = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.peer`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ProbeRequestPeerFieldEvent {
    field: '$.peer'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<ProbeRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ProbeRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProbeRequest>): ProbeRequest {
    return decodeMessage(buf, ProbeRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProbeRequest>): Generator<ProbeRequestPeerFieldEvent> {
    return streamMessage(buf, ProbeRequest.codec(), opts)
  }
}

export interface ProbeResponse {
  alive: boolean
  refused: string
}

export namespace ProbeResponse {
  let _codec: Codec<ProbeResponse>

  export const codec = (): Codec<ProbeResponse> => {
    if (_codec == null) {
      _codec = message<ProbeResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.alive != null && obj.alive !== false)) {
          w.uint32(8)
          w.bool(obj.alive)
        }

        if ((obj.refused != null && obj.refused !== '')) {
          w.uint32(18)
          w.string(obj.refused)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          alive: false,
          refused: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.alive = reader.bool()
              break
            }
            case 2: {
              obj.refused = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.alive`,
                value: reader.bool()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.refused`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ProbeResponseAliveFieldEvent {
    field: '$.alive'
    value: boolean
  }

  export interface ProbeResponseRefusedFieldEvent {
    field: '$.refused'
    value: string
  }

  export function encode (obj: Partial<ProbeResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ProbeResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProbeResponse>): ProbeResponse {
    return decodeMessage(buf, ProbeResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProbeResponse>): Generator<ProbeResponseAliveFieldEvent | ProbeResponseRefusedFieldEvent> {
    return streamMessage(buf, ProbeResponse.codec(), opts)
  }
}
