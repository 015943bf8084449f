/* eslint-disable require-yield */

import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface PutRequest {
  multihash: Uint8Array<ArrayBuffer>
  data: Uint8Array<ArrayBuffer>
  replicas: number
  session: Uint8Array<ArrayBuffer>
}

export namespace PutRequest {
  let _codec: Codec<PutRequest>

  export const codec = (): Codec<PutRequest> => {
    if (_codec == null) {
      _codec = message<PutRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.multihash != null && obj.multihash.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.multihash)
        }

        if ((obj.data != null && obj.data.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.data)
        }

        if ((obj.replicas != null && obj.replicas !== 0)) {
          w.uint32(24)
          w.uint32(obj.replicas)
        }

        if ((obj.session != null && obj.session.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.session)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          multihash: uint8ArrayAlloc(0),
          data: uint8ArrayAlloc(0),
          replicas: 0,
          session: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.multihash = reader.bytes()
              break
            }
            case 2: {
              obj.data = reader.bytes()
              break
            }
            case 3: {
              obj.replicas = reader.uint32()
              break
            }
            case 4: {
              obj.session = reader.bytes()
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
                field: `${prefix}.multihash`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.data`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.replicas`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.session`,
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

  export interface PutRequestMultihashFieldEvent {
    field: '$.multihash'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PutRequestDataFieldEvent {
    field: '$.data'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PutRequestReplicasFieldEvent {
    field: '$.replicas'
    value: number
  }

  export interface PutRequestSessionFieldEvent {
    field: '$.session'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<PutRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PutRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PutRequest>): PutRequest {
    return decodeMessage(buf, PutRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PutRequest>): Generator<PutRequestMultihashFieldEvent | PutRequestDataFieldEvent | PutRequestReplicasFieldEvent | PutRequestSessionFieldEvent> {
    return streamMessage(buf, PutRequest.codec(), opts)
  }
}

export interface PutResponse {
  existed: boolean
}

export namespace PutResponse {
  let _codec: Codec<PutResponse>

  export const codec = (): Codec<PutResponse> => {
    if (_codec == null) {
      _codec = message<PutResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.existed != null && obj.existed !== false)) {
          w.uint32(8)
          w.bool(obj.existed)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          existed: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.existed = reader.bool()
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
                field: `${prefix}.existed`,
                value: reader.bool()
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

  export interface PutResponseExistedFieldEvent {
    field: '$.existed'
    value: boolean
  }

  export function encode (obj: Partial<PutResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PutResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PutResponse>): PutResponse {
    return decodeMessage(buf, PutResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PutResponse>): Generator<PutResponseExistedFieldEvent> {
    return streamMessage(buf, PutResponse.codec(), opts)
  }
}

export interface GetRequest {
  multihash: Uint8Array<ArrayBuffer>
}

export namespace GetRequest {
  let _codec: Codec<GetRequest>

  export const codec = (): Codec<GetRequest> => {
    if (_codec == null) {
      _codec = message<GetRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.multihash != null && obj.multihash.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.multihash)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          multihash: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.multihash = reader.bytes()
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
                field: `${prefix}.multihash`,
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

  export interface GetRequestMultihashFieldEvent {
    field: '$.multihash'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<GetRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GetRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GetRequest>): GetRequest {
    return decodeMessage(buf, GetRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GetRequest>): Generator<GetRequestMultihashFieldEvent> {
    return streamMessage(buf, GetRequest.codec(), opts)
  }
}

export interface GetResponse {
  found: boolean
  data: Uint8Array<ArrayBuffer>
  replicas: number
}

export namespace GetResponse {
  let _codec: Codec<GetResponse>

  export const codec = (): Codec<GetResponse> => {
    if (_codec == null) {
      _codec = message<GetResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.found != null && obj.found !== false)) {
          w.uint32(8)
          w.bool(obj.found)
        }

        if ((obj.data != null && obj.data.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.data)
        }

        if ((obj.replicas != null && obj.replicas !== 0)) {
          w.uint32(24)
          w.uint32(obj.replicas)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          found: false,
          data: uint8ArrayAlloc(0),
          replicas: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.found = reader.bool()
              break
            }
            case 2: {
              obj.data = reader.bytes()
              break
            }
            case 3: {
              obj.replicas = reader.uint32()
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
                field: `${prefix}.found`,
                value: reader.bool()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.data`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.replicas`,
                value: reader.uint32()
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

  export interface GetResponseFoundFieldEvent {
    field: '$.found'
    value: boolean
  }

  export interface GetResponseDataFieldEvent {
    field: '$.data'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GetResponseReplicasFieldEvent {
    field: '$.replicas'
    value: number
  }

  export function encode (obj: Partial<GetResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GetResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GetResponse>): GetResponse {
    return decodeMessage(buf, GetResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GetResponse>): Generator<GetResponseFoundFieldEvent | GetResponseDataFieldEvent | GetResponseReplicasFieldEvent> {
    return streamMessage(buf, GetResponse.codec(), opts)
  }
}

export interface HaveRequest {
  multihashes: Uint8Array<ArrayBuffer>[]
}

export namespace HaveRequest {
  let _codec: Codec<HaveRequest>

  export const codec = (): Codec<HaveRequest> => {
    if (_codec == null) {
      _codec = message<HaveRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.multihashes != null && obj.multihashes.length > 0) {
          for (const value of obj.multihashes) {
            w.uint32(10)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          multihashes: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.multihashes != null && obj.multihashes.length === opts.limits.multihashes) {
                throw new MaxLengthError('Decode error - repeated field "multihashes" had too many elements')
              }

              obj.multihashes.push(reader.bytes())
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
        const obj = {
          multihashes: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.multihashes != null && obj.multihashes === opts.limits.multihashes) {
                throw new MaxLengthError('Streaming decode error - repeated field "multihashes" had too many elements')
              }

              yield {
                field: `${prefix}.multihashes[]`,
                index: obj.multihashes,
                value: reader.bytes()
              }

              obj.multihashes++

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

  export interface HaveRequestMultihashesFieldEvent {
    field: '$.multihashes[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<HaveRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, HaveRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<HaveRequest>): HaveRequest {
    return decodeMessage(buf, HaveRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<HaveRequest>): Generator<HaveRequestMultihashesFieldEvent> {
    return streamMessage(buf, HaveRequest.codec(), opts)
  }
}

export interface HaveResponse {
  bits: Uint8Array<ArrayBuffer>
  keeps: Uint8Array<ArrayBuffer>
}

export namespace HaveResponse {
  let _codec: Codec<HaveResponse>

  export const codec = (): Codec<HaveResponse> => {
    if (_codec == null) {
      _codec = message<HaveResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.bits != null && obj.bits.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.bits)
        }

        if ((obj.keeps != null && obj.keeps.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.keeps)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          bits: uint8ArrayAlloc(0),
          keeps: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.bits = reader.bytes()
              break
            }
            case 2: {
              obj.keeps = reader.bytes()
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
                field: `${prefix}.bits`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.keeps`,
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

  export interface HaveResponseBitsFieldEvent {
    field: '$.bits'
    value: Uint8Array<ArrayBuffer>
  }

  export interface HaveResponseKeepsFieldEvent {
    field: '$.keeps'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<HaveResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, HaveResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<HaveResponse>): HaveResponse {
    return decodeMessage(buf, HaveResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<HaveResponse>): Generator<HaveResponseBitsFieldEvent | HaveResponseKeepsFieldEvent> {
    return streamMessage(buf, HaveResponse.codec(), opts)
  }
}

export interface AbortRequest {
  session: Uint8Array<ArrayBuffer>
}

export namespace AbortRequest {
  let _codec: Codec<AbortRequest>

  export const codec = (): Codec<AbortRequest> => {
    if (_codec == null) {
      _codec = message<AbortRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.session != null && obj.session.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.session)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          session: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.session = reader.bytes()
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
                field: `${prefix}.session`,
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

  export interface AbortRequestSessionFieldEvent {
    field: '$.session'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<AbortRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AbortRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AbortRequest>): AbortRequest {
    return decodeMessage(buf, AbortRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AbortRequest>): Generator<AbortRequestSessionFieldEvent> {
    return streamMessage(buf, AbortRequest.codec(), opts)
  }
}

export interface AbortResponse {
  dropped: number
}

export namespace AbortResponse {
  let _codec: Codec<AbortResponse>

  export const codec = (): Codec<AbortResponse> => {
    if (_codec == null) {
      _codec = message<AbortResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.dropped != null && obj.dropped !== 0)) {
          w.uint32(8)
          w.uint32(obj.dropped)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          dropped: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.dropped = reader.uint32()
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
                field: `${prefix}.dropped`,
                value: reader.uint32()
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

  export interface AbortResponseDroppedFieldEvent {
    field: '$.dropped'
    value: number
  }

  export function encode (obj: Partial<AbortResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AbortResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AbortResponse>): AbortResponse {
    return decodeMessage(buf, AbortResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AbortResponse>): Generator<AbortResponseDroppedFieldEvent> {
    return streamMessage(buf, AbortResponse.codec(), opts)
  }
}

export interface CommitRequest {
  session: Uint8Array<ArrayBuffer>
}

export namespace CommitRequest {
  let _codec: Codec<CommitRequest>

  export const codec = (): Codec<CommitRequest> => {
    if (_codec == null) {
      _codec = message<CommitRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.session != null && obj.session.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.session)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          session: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.session = reader.bytes()
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
                field: `${prefix}.session`,
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

  export interface CommitRequestSessionFieldEvent {
    field: '$.session'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<CommitRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, CommitRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CommitRequest>): CommitRequest {
    return decodeMessage(buf, CommitRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CommitRequest>): Generator<CommitRequestSessionFieldEvent> {
    return streamMessage(buf, CommitRequest.codec(), opts)
  }
}

export interface CommitResponse {}

export namespace CommitResponse {
  let _codec: Codec<CommitResponse>

  export const codec = (): Codec<CommitResponse> => {
    if (_codec == null) {
      _codec = message<CommitResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
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

  export function encode (obj: Partial<CommitResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, CommitResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CommitResponse>): CommitResponse {
    return decodeMessage(buf, CommitResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CommitResponse>): Generator<{}> {
    return streamMessage(buf, CommitResponse.codec(), opts)
  }
}
