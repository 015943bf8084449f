import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface Advert {
  version: number
  seq: number
  time: number
  interval: number
  leaving: boolean
  cpu?: Cpu
  memory?: Memory
  disk?: Disk
  gpu?: Gpu
  slots?: Slots
  kinds: string[]
  labels: Label[]
  software: string
  uptime: number
  departed: Departure[]
  store?: Store
  addrs: Uint8Array<ArrayBuffer>[]
}

export namespace Advert {
  let _codec: Codec<Advert>

  export const codec = (): Codec<Advert> => {
    if (_codec == null) {
      _codec = message<Advert>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.seq != null && obj.seq !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.seq)
        }

        if ((obj.time != null && obj.time !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.time)
        }

        if ((obj.interval != null && obj.interval !== 0)) {
          w.uint32(32)
          w.uint32(obj.interval)
        }

        if ((obj.leaving != null && obj.leaving !== false)) {
          w.uint32(40)
          w.bool(obj.leaving)
        }

        if (obj.cpu != null) {
          w.uint32(50)
          Cpu.codec().encode(obj.cpu, w)
        }

        if (obj.memory != null) {
          w.uint32(58)
          Memory.codec().encode(obj.memory, w)
        }

        if (obj.disk != null) {
          w.uint32(66)
          Disk.codec().encode(obj.disk, w)
        }

        if (obj.gpu != null) {
          w.uint32(74)
          Gpu.codec().encode(obj.gpu, w)
        }

        if (obj.slots != null) {
          w.uint32(82)
          Slots.codec().encode(obj.slots, w)
        }

        if (obj.kinds != null && obj.kinds.length > 0) {
          for (const value of obj.kinds) {
            w.uint32(90)
            w.string(value)
          }
        }

        if (obj.labels != null && obj.labels.length > 0) {
          for (const value of obj.labels) {
            w.uint32(98)
            Label.codec().encode(value, w)
          }
        }

        if ((obj.software != null && obj.software !== '')) {
          w.uint32(106)
          w.string(obj.software)
        }

        if ((obj.uptime != null && obj.uptime !== 0)) {
          w.uint32(112)
          w.uint64Number(obj.uptime)
        }

        if (obj.departed != null && obj.departed.length > 0) {
          for (const value of obj.departed) {
            w.uint32(122)
            Departure.codec().encode(value, w)
          }
        }

        if (obj.store != null) {
          w.uint32(130)
          Store.codec().encode(obj.store, w)
        }

        if (obj.addrs != null && obj.addrs.length > 0) {
          for (const value of obj.addrs) {
            w.uint32(138)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          seq: 0,
          time: 0,
          interval: 0,
          leaving: false,
          kinds: [],
          labels: [],
          software: '',
          uptime: 0,
          departed: [],
          addrs: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.version = reader.uint32()
              break
            }
            case 2: {
              obj.seq = reader.uint64Number()
              break
            }
            case 3: {
              obj.time = reader.uint64Number()
              break
            }
            case 4: {
              obj.interval = reader.uint32()
              break
            }
            case 5: {
              obj.leaving = reader.bool()
              break
            }
            case 6: {
              obj.cpu = Cpu.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.cpu
              })
              break
            }
            case 7: {
              obj.memory = Memory.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.memory
              })
              break
            }
            case 8: {
              obj.disk = Disk.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.disk
              })
              break
            }
            case 9: {
              obj.gpu = Gpu.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.gpu
              })
              break
            }
            case 10: {
              obj.slots = Slots.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.slots
              })
              break
            }
            case 11: {
              if (opts.limits?.kinds != null && obj.kinds.length === opts.limits.kinds) {
                throw new MaxLengthError('Decode error - repeated field "kinds" had too many elements')
              }

              obj.kinds.push(reader.string())
              break
            }
            case 12: {
              if (opts.limits?.labels != null && obj.labels.length === opts.limits.labels) {
                throw new MaxLengthError('Decode error - repeated field "labels" had too many elements')
              }

              obj.labels.push(Label.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.labels$
              }))
              break
            }
            case 13: {
              obj.software = reader.string()
              break
            }
            case 14: {
              obj.uptime = reader.uint64Number()
              break
            }
            case 15: {
              if (opts.limits?.departed != null && obj.departed.length === opts.limits.departed) {
                throw new MaxLengthError('Decode error - repeated field "departed" had too many elements')
              }

              obj.departed.push(Departure.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.departed$
              }))
              break
            }
            case 16: {
              obj.store = Store.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.store
              })
              break
            }
            case 17: {
              if (opts.limits?.addrs != null && obj.addrs.length === opts.limits.addrs) {
                throw new MaxLengthError('Decode error - repeated field "addrs" had too many elements')
              }

              obj.addrs.push(reader.bytes())
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
          kinds: 0,
          labels: 0,
          departed: 0,
          addrs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.seq`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.time`,
                value: reader.uint64Number()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.interval`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.leaving`,
                value: reader.bool()
              }
              break
            }
            case 6: {
              yield * Cpu.codec().stream(reader, reader.uint32(), `${prefix}.cpu`, {
                limits: opts.limits?.cpu
              })

              break
            }
            case 7: {
              yield * Memory.codec().stream(reader, reader.uint32(), `${prefix}.memory`, {
                limits: opts.limits?.memory
              })

              break
            }
            case 8: {
              yield * Disk.codec().stream(reader, reader.uint32(), `${prefix}.disk`, {
                limits: opts.limits?.disk
              })

              break
            }
            case 9: {
              yield * Gpu.codec().stream(reader, reader.uint32(), `${prefix}.gpu`, {
                limits: opts.limits?.gpu
              })

              break
            }
            case 10: {
              yield * Slots.codec().stream(reader, reader.uint32(), `${prefix}.slots`, {
                limits: opts.limits?.slots
              })

              break
            }
            case 11: {
              if (opts.limits?.kinds != null && obj.kinds === opts.limits.kinds) {
                throw new MaxLengthError('Streaming decode error - repeated field "kinds" had too many elements')
              }

              yield {
                field: `${prefix}.kinds[]`,
                index: obj.kinds,
                value: reader.string()
              }

              obj.kinds++

              break
            }
            case 12: {
              if (opts.limits?.labels != null && obj.labels === opts.limits.labels) {
                throw new MaxLengthError('Streaming decode error - repeated field "labels" had too many elements')
              }

              for (const evt of Label.codec().stream(reader, reader.uint32(), `${prefix}.labels[]`, {
                limits: opts.limits?.labels$
              })) {
                yield {
                  ...evt,
                  index: obj.labels
                }
              }

              obj.labels++

              break
            }
            case 13: {
              yield {
                field: `${prefix}.software`,
                value: reader.string()
              }
              break
            }
            case 14: {
              yield {
                field: `${prefix}.uptime`,
                value: reader.uint64Number()
              }
              break
            }
            case 15: {
              if (opts.limits?.departed != null && obj.departed === opts.limits.departed) {
                throw new MaxLengthError('Streaming decode error - repeated field "departed" had too many elements')
              }

              for (const evt of Departure.codec().stream(reader, reader.uint32(), `${prefix}.departed[]`, {
                limits: opts.limits?.departed$
              })) {
                yield {
                  ...evt,
                  index: obj.departed
                }
              }

              obj.departed++

              break
            }
            case 16: {
              yield * Store.codec().stream(reader, reader.uint32(), `${prefix}.store`, {
                limits: opts.limits?.store
              })

              break
            }
            case 17: {
              if (opts.limits?.addrs != null && obj.addrs === opts.limits.addrs) {
                throw new MaxLengthError('Streaming decode error - repeated field "addrs" had too many elements')
              }

              yield {
                field: `${prefix}.addrs[]`,
                index: obj.addrs,
                value: reader.bytes()
              }

              obj.addrs++

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

  export interface AdvertVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface AdvertSeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export interface AdvertTimeFieldEvent {
    field: '$.time'
    value: number
  }

  export interface AdvertIntervalFieldEvent {
    field: '$.interval'
    value: number
  }

  export interface AdvertLeavingFieldEvent {
    field: '$.leaving'
    value: boolean
  }

  export interface AdvertCpuCoresFieldEvent {
    field: '$.cpu.cores'
    value: number
  }

  export interface AdvertCpuModelFieldEvent {
    field: '$.cpu.model'
    value: string
  }

  export interface AdvertCpuLoad1FieldEvent {
    field: '$.cpu.load1'
    value: number
  }

  export interface AdvertMemoryTotalFieldEvent {
    field: '$.memory.total'
    value: number
  }

  export interface AdvertMemoryFreeFieldEvent {
    field: '$.memory.free'
    value: number
  }

  export interface AdvertDiskCapacityFieldEvent {
    field: '$.disk.capacity'
    value: number
  }

  export interface AdvertDiskFreeFieldEvent {
    field: '$.disk.free'
    value: number
  }

  export interface AdvertGpuCountFieldEvent {
    field: '$.gpu.count'
    value: number
  }

  export interface AdvertGpuModelFieldEvent {
    field: '$.gpu.model'
    value: string
  }

  export interface AdvertSlotsTotalFieldEvent {
    field: '$.slots.total'
    value: number
  }

  export interface AdvertSlotsBusyFieldEvent {
    field: '$.slots.busy'
    value: number
  }

  export interface AdvertSlotsQueuedFieldEvent {
    field: '$.slots.queued'
    value: number
  }

  export interface AdvertKindsFieldEvent {
    field: '$.kinds[]'
    index: number
    value: string
  }

  export interface AdvertLabelsKeyFieldEvent {
    field: '$.labels[].key'
    value: string
    index: number
  }

  export interface AdvertLabelsValueFieldEvent {
    field: '$.labels[].value'
    value: string
    index: number
  }

  export interface AdvertSoftwareFieldEvent {
    field: '$.software'
    value: string
  }

  export interface AdvertUptimeFieldEvent {
    field: '$.uptime'
    value: number
  }

  export interface AdvertDepartedPeerFieldEvent {
    field: '$.departed[].peer'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface AdvertDepartedSeqFieldEvent {
    field: '$.departed[].seq'
    value: number
    index: number
  }

  export interface AdvertStoreCapacityFieldEvent {
    field: '$.store.capacity'
    value: number
  }

  export interface AdvertStoreUsedFieldEvent {
    field: '$.store.used'
    value: number
  }

  export interface AdvertStoreBlocksFieldEvent {
    field: '$.store.blocks'
    value: number
  }

  export interface AdvertAddrsFieldEvent {
    field: '$.addrs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Advert>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Advert.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Advert>): Advert {
    return decodeMessage(buf, Advert.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Advert>): Generator<AdvertVersionFieldEvent | AdvertSeqFieldEvent | AdvertTimeFieldEvent | AdvertIntervalFieldEvent | AdvertLeavingFieldEvent | AdvertCpuCoresFieldEvent | AdvertCpuModelFieldEvent | AdvertCpuLoad1FieldEvent | AdvertMemoryTotalFieldEvent | AdvertMemoryFreeFieldEvent | AdvertDiskCapacityFieldEvent | AdvertDiskFreeFieldEvent | AdvertGpuCountFieldEvent | AdvertGpuModelFieldEvent | AdvertSlotsTotalFieldEvent | AdvertSlotsBusyFieldEvent | AdvertSlotsQueuedFieldEvent | AdvertKindsFieldEvent | AdvertLabelsKeyFieldEvent | AdvertLabelsValueFieldEvent | AdvertSoftwareFieldEvent | AdvertUptimeFieldEvent | AdvertDepartedPeerFieldEvent | AdvertDepartedSeqFieldEvent | AdvertStoreCapacityFieldEvent | AdvertStoreUsedFieldEvent | AdvertStoreBlocksFieldEvent | AdvertAddrsFieldEvent> {
    return streamMessage(buf, Advert.codec(), opts)
  }
}

export interface Store {
  capacity: number
  used: number
  blocks: number
}

export namespace Store {
  let _codec: Codec<Store>

  export const codec = (): Codec<Store> => {
    if (_codec == null) {
      _codec = message<Store>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.capacity != null && obj.capacity !== 0)) {
          w.uint32(8)
          w.sint64Number(obj.capacity)
        }

        if ((obj.used != null && obj.used !== 0)) {
          w.uint32(16)
          w.sint64Number(obj.used)
        }

        if ((obj.blocks != null && obj.blocks !== 0)) {
          w.uint32(24)
          w.sint64Number(obj.blocks)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          capacity: 0,
          used: 0,
          blocks: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.capacity = reader.sint64Number()
              break
            }
            case 2: {
              obj.used = reader.sint64Number()
              break
            }
            case 3: {
              obj.blocks = reader.sint64Number()
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
                field: `${prefix}.capacity`,
                value: reader.sint64Number()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.used`,
                value: reader.sint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.blocks`,
                value: reader.sint64Number()
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

  export interface StoreCapacityFieldEvent {
    field: '$.capacity'
    value: number
  }

  export interface StoreUsedFieldEvent {
    field: '$.used'
    value: number
  }

  export interface StoreBlocksFieldEvent {
    field: '$.blocks'
    value: number
  }

  export function encode (obj: Partial<Store>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Store.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Store>): Store {
    return decodeMessage(buf, Store.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Store>): Generator<StoreCapacityFieldEvent | StoreUsedFieldEvent | StoreBlocksFieldEvent> {
    return streamMessage(buf, Store.codec(), opts)
  }
}

export interface Departure {
  peer: Uint8Array<ArrayBuffer>
  seq: number
}

export namespace Departure {
  let _codec: Codec<Departure>

  export const codec = (): Codec<Departure> => {
    if (_codec == null) {
      _codec = message<Departure>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.peer != null && obj.peer.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.peer)
        }

        if ((obj.seq != null && obj.seq !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.seq)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          peer: uint8ArrayAlloc(0),
          seq: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.peer = reader.bytes()
              break
            }
            case 2: {
              obj.seq = reader.uint64Number()
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
            case 2: {
              yield {
                field: `${prefix}.seq`,
                value: reader.uint64Number()
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

  export interface DeparturePeerFieldEvent {
    field: '$.peer'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DepartureSeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export function encode (obj: Partial<Departure>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Departure.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Departure>): Departure {
    return decodeMessage(buf, Departure.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Departure>): Generator<DeparturePeerFieldEvent | DepartureSeqFieldEvent> {
    return streamMessage(buf, Departure.codec(), opts)
  }
}

export interface Cpu {
  cores: number
  model: string
  load1: number
}

export namespace Cpu {
  let _codec: Codec<Cpu>

  export const codec = (): Codec<Cpu> => {
    if (_codec == null) {
      _codec = message<Cpu>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.cores != null && obj.cores !== 0)) {
          w.uint32(8)
          w.uint32(obj.cores)
        }

        if ((obj.model != null && obj.model !== '')) {
          w.uint32(18)
          w.string(obj.model)
        }

        if ((obj.load1 != null && obj.load1 !== 0)) {
          w.uint32(25)
          w.double(obj.load1)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          cores: 0,
          model: '',
          load1: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.cores = reader.uint32()
              break
            }
            case 2: {
              obj.model = reader.string()
              break
            }
            case 3: {
              obj.load1 = reader.double()
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
                field: `${prefix}.cores`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.model`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.load1`,
                value: reader.double()
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

  export interface CpuCoresFieldEvent {
    field: '$.cores'
    value: number
  }

  export interface CpuModelFieldEvent {
    field: '$.model'
    value: string
  }

  export interface CpuLoad1FieldEvent {
    field: '$.load1'
    value: number
  }

  export function encode (obj: Partial<Cpu>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Cpu.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Cpu>): Cpu {
    return decodeMessage(buf, Cpu.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Cpu>): Generator<CpuCoresFieldEvent | CpuModelFieldEvent | CpuLoad1FieldEvent> {
    return streamMessage(buf, Cpu.codec(), opts)
  }
}

export interface Memory {
  total: number
  free: number
}

export namespace Memory {
  let _codec: Codec<Memory>

  export const codec = (): Codec<Memory> => {
    if (_codec == null) {
      _codec = message<Memory>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.total != null && obj.total !== 0)) {
          w.uint32(8)
          w.sint64Number(obj.total)
        }

        if ((obj.free != null && obj.free !== 0)) {
          w.uint32(16)
          w.sint64Number(obj.free)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          total: 0,
          free: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.total = reader.sint64Number()
              break
            }
            case 2: {
              obj.free = reader.sint64Number()
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
                field: `${prefix}.total`,
                value: reader.sint64Number()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.free`,
                value: reader.sint64Number()
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

  export interface MemoryTotalFieldEvent {
    field: '$.total'
    value: number
  }

  export interface MemoryFreeFieldEvent {
    field: '$.free'
    value: number
  }

  export function encode (obj: Partial<Memory>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Memory.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Memory>): Memory {
    return decodeMessage(buf, Memory.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Memory>): Generator<MemoryTotalFieldEvent | MemoryFreeFieldEvent> {
    return streamMessage(buf, Memory.codec(), opts)
  }
}

export interface Disk {
  capacity: number
  free: number
}

export namespace Disk {
  let _codec: Codec<Disk>

  export const codec = (): Codec<Disk> => {
    if (_codec == null) {
      _codec = message<Disk>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.capacity != null && obj.capacity !== 0)) {
          w.uint32(8)
          w.sint64Number(obj.capacity)
        }

        if ((obj.free != null && obj.free !== 0)) {
          w.uint32(16)
          w.sint64Number(obj.free)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          capacity: 0,
          free: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.capacity = reader.sint64Number()
              break
            }
            case 2: {
              obj.free = reader.sint64Number()
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
                field: `${prefix}.capacity`,
                value: reader.sint64Number()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.free`,
                value: reader.sint64Number()
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

  export interface DiskCapacityFieldEvent {
    field: '$.capacity'
    value: number
  }

  export interface DiskFreeFieldEvent {
    field: '$.free'
    value: number
  }

  export function encode (obj: Partial<Disk>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Disk.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Disk>): Disk {
    return decodeMessage(buf, Disk.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Disk>): Generator<DiskCapacityFieldEvent | DiskFreeFieldEvent> {
    return streamMessage(buf, Disk.codec(), opts)
  }
}

export interface Gpu {
  count: number
  model: string
}

export namespace Gpu {
  let _codec: Codec<Gpu>

  export const codec = (): Codec<Gpu> => {
    if (_codec == null) {
      _codec = message<Gpu>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.count != null && obj.count !== 0)) {
          w.uint32(8)
          w.uint32(obj.count)
        }

        if ((obj.model != null && obj.model !== '')) {
          w.uint32(18)
          w.string(obj.model)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          count: 0,
          model: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.count = reader.uint32()
              break
            }
            case 2: {
              obj.model = reader.string()
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
                field: `${prefix}.count`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.model`,
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

  export interface GpuCountFieldEvent {
    field: '$.count'
    value: number
  }

  export interface GpuModelFieldEvent {
    field: '$.model'
    value: string
  }

  export function encode (obj: Partial<Gpu>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Gpu.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Gpu>): Gpu {
    return decodeMessage(buf, Gpu.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Gpu>): Generator<GpuCountFieldEvent | GpuModelFieldEvent> {
    return streamMessage(buf, Gpu.codec(), opts)
  }
}

export interface Slots {
  total: number
  busy: number
  queued: number
}

export namespace Slots {
  let _codec: Codec<Slots>

  export const codec = (): Codec<Slots> => {
    if (_codec == null) {
      _codec = message<Slots>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.total != null && obj.total !== 0)) {
          w.uint32(8)
          w.uint32(obj.total)
        }

        if ((obj.busy != null && obj.busy !== 0)) {
          w.uint32(16)
          w.uint32(obj.busy)
        }

        if ((obj.queued != null && obj.queued !== 0)) {
          w.uint32(24)
          w.uint32(obj.queued)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          total: 0,
          busy: 0,
          queued: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.total = reader.uint32()
              break
            }
            case 2: {
              obj.busy = reader.uint32()
              break
            }
            case 3: {
              obj.queued = reader.uint32()
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
                field: `${prefix}.total`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.busy`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.queued`,
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

  export interface SlotsTotalFieldEvent {
    field: '$.total'
    value: number
  }

  export interface SlotsBusyFieldEvent {
    field: '$.busy'
    value: number
  }

  export interface SlotsQueuedFieldEvent {
    field: '$.queued'
    value: number
  }

  export function encode (obj: Partial<Slots>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Slots.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Slots>): Slots {
    return decodeMessage(buf, Slots.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Slots>): Generator<SlotsTotalFieldEvent | SlotsBusyFieldEvent | SlotsQueuedFieldEvent> {
    return streamMessage(buf, Slots.codec(), opts)
  }
}

export interface Label {
  key: string
  value: string
}

export namespace Label {
  let _codec: Codec<Label>

  export const codec = (): Codec<Label> => {
    if (_codec == null) {
      _codec = message<Label>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.key != null && obj.key !== '')) {
          w.uint32(10)
          w.string(obj.key)
        }

        if ((obj.value != null && obj.value !== '')) {
          w.uint32(18)
          w.string(obj.value)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          key: '',
          value: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.key = reader.string()
              break
            }
            case 2: {
              obj.value = reader.string()
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
                field: `${prefix}.key`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.value`,
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

  export interface LabelKeyFieldEvent {
    field: '$.key'
    value: string
  }

  export interface LabelValueFieldEvent {
    field: '$.value'
    value: string
  }

  export function encode (obj: Partial<Label>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Label.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Label>): Label {
    return decodeMessage(buf, Label.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Label>): Generator<LabelKeyFieldEvent | LabelValueFieldEvent> {
    return streamMessage(buf, Label.codec(), opts)
  }
}
