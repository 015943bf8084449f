import { decodeMessage, encodeMessage, enumeration, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface Frame {
  id: number
  kind: Frame.Kind
  method: string
  body: Uint8Array<ArrayBuffer>
  code: string
  message: string
}

export namespace Frame {
  export enum Kind {
    REQUEST = 'REQUEST',
    RESPONSE = 'RESPONSE',
    ERROR = 'ERROR'
  }

  enum __KindValues {
    REQUEST = 0,
    RESPONSE = 1,
    ERROR = 2
  }

  export namespace Kind {
    export const codec = (): Codec<Kind> => {
      return enumeration<Kind>(__KindValues)
    }
  }

  let _codec: Codec<Frame>

  export const codec = (): Codec<Frame> => {
    if (_codec == null) {
      _codec = message<Frame>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id !== 0)) {
          w.uint32(8)
          w.uint32(obj.id)
        }

        if (obj.kind != null && __KindValues[obj.kind] !== 0) {
          w.uint32(16)
          Frame.Kind.codec().encode(obj.kind, w)
        }

        if ((obj.method != null && obj.method !== '')) {
          w.uint32(26)
          w.string(obj.method)
        }

        if ((obj.body != null && obj.body.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.body)
        }

        if ((obj.code != null && obj.code !== '')) {
          w.uint32(42)
          w.string(obj.code)
        }

        if ((obj.message != null && obj.message !== '')) {
          w.uint32(50)
          w.string(obj.message)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: 0,
          kind: Kind.REQUEST,
          method: '',
          body: uint8ArrayAlloc(0),
          code: '',
          message: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.uint32()
              break
            }
            case 2: {
              obj.kind = Frame.Kind.codec().decode(reader)
              break
            }
            case 3: {
              obj.method = reader.string()
              break
            }
            case 4: {
              obj.body = reader.bytes()
              break
            }
            case 5: {
              obj.code = reader.string()
              break
            }
            case 6: {
              obj.message = reader.string()
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
                field: `${prefix}.id`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.kind`,
                value: Frame.Kind.codec().decode(reader)
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.method`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.body`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.code`,
                value: reader.string()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.message`,
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

  export interface FrameIdFieldEvent {
    field: '$.id'
    value: number
  }

  export interface FrameKindFieldEvent {
    field: '$.kind'
    value: Frame.Kind
  }

  export interface FrameMethodFieldEvent {
    field: '$.method'
    value: string
  }

  export interface FrameBodyFieldEvent {
    field: '$.body'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FrameCodeFieldEvent {
    field: '$.code'
    value: string
  }

  export interface FrameMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export function encode (obj: Partial<Frame>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Frame.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Frame>): Frame {
    return decodeMessage(buf, Frame.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Frame>): Generator<FrameIdFieldEvent | FrameKindFieldEvent | FrameMethodFieldEvent | FrameBodyFieldEvent | FrameCodeFieldEvent | FrameMessageFieldEvent> {
    return streamMessage(buf, Frame.codec(), opts)
  }
}
