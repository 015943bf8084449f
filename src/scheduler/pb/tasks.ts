import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

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

export interface Needs {
  slots: number
  memory: number
  gpu: number
  labels: Label[]
}

export namespace Needs {
  let _codec: Codec<Needs>

  export const codec = (): Codec<Needs> => {
    if (_codec == null) {
      _codec = message<Needs>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.slots != null && obj.slots !== 0)) {
          w.uint32(8)
          w.uint32(obj.slots)
        }

        if ((obj.memory != null && obj.memory !== 0)) {
          w.uint32(16)
          w.uint32(obj.memory)
        }

        if ((obj.gpu != null && obj.gpu !== 0)) {
          w.uint32(24)
          w.uint32(obj.gpu)
        }

        if (obj.labels != null && obj.labels.length > 0) {
          for (const value of obj.labels) {
            w.uint32(34)
            Label.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          slots: 0,
          memory: 0,
          gpu: 0,
          labels: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.slots = reader.uint32()
              break
            }
            case 2: {
              obj.memory = reader.uint32()
              break
            }
            case 3: {
              obj.gpu = reader.uint32()
              break
            }
            case 4: {
              if (opts.limits?.labels != null && obj.labels.length === opts.limits.labels) {
                throw new MaxLengthError('Decode error - repeated field "labels" had too many elements')
              }

              obj.labels.push(Label.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.labels$
              }))
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
          labels: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.slots`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.memory`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.gpu`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
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

  export interface NeedsSlotsFieldEvent {
    field: '$.slots'
    value: number
  }

  export interface NeedsMemoryFieldEvent {
    field: '$.memory'
    value: number
  }

  export interface NeedsGpuFieldEvent {
    field: '$.gpu'
    value: number
  }

  export interface NeedsLabelsKeyFieldEvent {
    field: '$.labels[].key'
    value: string
    index: number
  }

  export interface NeedsLabelsValueFieldEvent {
    field: '$.labels[].value'
    value: string
    index: number
  }

  export function encode (obj: Partial<Needs>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Needs.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Needs>): Needs {
    return decodeMessage(buf, Needs.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Needs>): Generator<NeedsSlotsFieldEvent | NeedsMemoryFieldEvent | NeedsGpuFieldEvent | NeedsLabelsKeyFieldEvent | NeedsLabelsValueFieldEvent> {
    return streamMessage(buf, Needs.codec(), opts)
  }
}

export interface Offer {
  id: string
  kind: string
  needs?: Needs
  priority: number
  inputs: Uint8Array<ArrayBuffer>[]
}

export namespace Offer {
  let _codec: Codec<Offer>

  export const codec = (): Codec<Offer> => {
    if (_codec == null) {
      _codec = message<Offer>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id !== '')) {
          w.uint32(10)
          w.string(obj.id)
        }

        if ((obj.kind != null && obj.kind !== '')) {
          w.uint32(18)
          w.string(obj.kind)
        }

        if (obj.needs != null) {
          w.uint32(26)
          Needs.codec().encode(obj.needs, w)
        }

        if ((obj.priority != null && obj.priority !== 0)) {
          w.uint32(32)
          w.sint32(obj.priority)
        }

        if (obj.inputs != null && obj.inputs.length > 0) {
          for (const value of obj.inputs) {
            w.uint32(42)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: '',
          kind: '',
          priority: 0,
          inputs: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.string()
              break
            }
            case 2: {
              obj.kind = reader.string()
              break
            }
            case 3: {
              obj.needs = Needs.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.needs
              })
              break
            }
            case 4: {
              obj.priority = reader.sint32()
              break
            }
            case 5: {
              if (opts.limits?.inputs != null && obj.inputs.length === opts.limits.inputs) {
                throw new MaxLengthError('Decode error - repeated field "inputs" had too many elements')
              }

              obj.inputs.push(reader.bytes())
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
          inputs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.id`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.kind`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield * Needs.codec().stream(reader, reader.uint32(), `${prefix}.needs`, {
                limits: opts.limits?.needs
              })

              break
            }
            case 4: {
              yield {
                field: `${prefix}.priority`,
                value: reader.sint32()
              }
              break
            }
            case 5: {
              if (opts.limits?.inputs != null && obj.inputs === opts.limits.inputs) {
                throw new MaxLengthError('Streaming decode error - repeated field "inputs" had too many elements')
              }

              yield {
                field: `${prefix}.inputs[]`,
                index: obj.inputs,
                value: reader.bytes()
              }

              obj.inputs++

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

  export interface OfferIdFieldEvent {
    field: '$.id'
    value: string
  }

  export interface OfferKindFieldEvent {
    field: '$.kind'
    value: string
  }

  export interface OfferNeedsSlotsFieldEvent {
    field: '$.needs.slots'
    value: number
  }

  export interface OfferNeedsMemoryFieldEvent {
    field: '$.needs.memory'
    value: number
  }

  export interface OfferNeedsGpuFieldEvent {
    field: '$.needs.gpu'
    value: number
  }

  export interface OfferNeedsLabelsKeyFieldEvent {
    field: '$.needs.labels[].key'
    value: string
    index: number
  }

  export interface OfferNeedsLabelsValueFieldEvent {
    field: '$.needs.labels[].value'
    value: string
    index: number
  }

  export interface OfferPriorityFieldEvent {
    field: '$.priority'
    value: number
  }

  export interface OfferInputsFieldEvent {
    field: '$.inputs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Offer>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Offer.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Offer>): Offer {
    return decodeMessage(buf, Offer.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Offer>): Generator<OfferIdFieldEvent | OfferKindFieldEvent | OfferNeedsSlotsFieldEvent | OfferNeedsMemoryFieldEvent | OfferNeedsGpuFieldEvent | OfferNeedsLabelsKeyFieldEvent | OfferNeedsLabelsValueFieldEvent | OfferPriorityFieldEvent | OfferInputsFieldEvent> {
    return streamMessage(buf, Offer.codec(), opts)
  }
}

export interface CallForProposals {
  offers: Offer[]
}

export namespace CallForProposals {
  let _codec: Codec<CallForProposals>

  export const codec = (): Codec<CallForProposals> => {
    if (_codec == null) {
      _codec = message<CallForProposals>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.offers != null && obj.offers.length > 0) {
          for (const value of obj.offers) {
            w.uint32(10)
            Offer.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          offers: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.offers != null && obj.offers.length === opts.limits.offers) {
                throw new MaxLengthError('Decode error - repeated field "offers" had too many elements')
              }

              obj.offers.push(Offer.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.offers$
              }))
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
          offers: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.offers != null && obj.offers === opts.limits.offers) {
                throw new MaxLengthError('Streaming decode error - repeated field "offers" had too many elements')
              }

              for (const evt of Offer.codec().stream(reader, reader.uint32(), `${prefix}.offers[]`, {
                limits: opts.limits?.offers$
              })) {
                yield {
                  ...evt,
                  index: obj.offers
                }
              }

              obj.offers++

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

  export interface CallForProposalsOffersIdFieldEvent {
    field: '$.offers[].id'
    value: string
    index: number
  }

  export interface CallForProposalsOffersKindFieldEvent {
    field: '$.offers[].kind'
    value: string
    index: number
  }

  export interface CallForProposalsOffersNeedsSlotsFieldEvent {
    field: '$.offers[].needs.slots'
    value: number
    index: number
  }

  export interface CallForProposalsOffersNeedsMemoryFieldEvent {
    field: '$.offers[].needs.memory'
    value: number
    index: number
  }

  export interface CallForProposalsOffersNeedsGpuFieldEvent {
    field: '$.offers[].needs.gpu'
    value: number
    index: number
  }

  export interface CallForProposalsOffersNeedsLabelsKeyFieldEvent {
    field: '$.offers[].needs.labels[].key'
    value: string
    index: number
  }

  export interface CallForProposalsOffersNeedsLabelsValueFieldEvent {
    field: '$.offers[].needs.labels[].value'
    value: string
    index: number
  }

  export interface CallForProposalsOffersPriorityFieldEvent {
    field: '$.offers[].priority'
    value: number
    index: number
  }

  export interface CallForProposalsOffersInputsFieldEvent {
    field: '$.offers[].inputs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<CallForProposals>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, CallForProposals.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CallForProposals>): CallForProposals {
    return decodeMessage(buf, CallForProposals.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CallForProposals>): Generator<CallForProposalsOffersIdFieldEvent | CallForProposalsOffersKindFieldEvent | CallForProposalsOffersNeedsSlotsFieldEvent | CallForProposalsOffersNeedsMemoryFieldEvent | CallForProposalsOffersNeedsGpuFieldEvent | CallForProposalsOffersNeedsLabelsKeyFieldEvent | CallForProposalsOffersNeedsLabelsValueFieldEvent | CallForProposalsOffersPriorityFieldEvent | CallForProposalsOffersInputsFieldEvent> {
    return streamMessage(buf, CallForProposals.codec(), opts)
  }
}

export interface Bid {
  startDelay: number
  runTime: number
  fetchBytes: number
  expires: number
}

export namespace Bid {
  let _codec: Codec<Bid>

  export const codec = (): Codec<Bid> => {
    if (_codec == null) {
      _codec = message<Bid>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.startDelay != null && obj.startDelay !== 0)) {
          w.uint32(8)
          w.uint32(obj.startDelay)
        }

        if ((obj.runTime != null && obj.runTime !== 0)) {
          w.uint32(16)
          w.uint32(obj.runTime)
        }

        if ((obj.fetchBytes != null && obj.fetchBytes !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.fetchBytes)
        }

        if ((obj.expires != null && obj.expires !== 0)) {
          w.uint32(32)
          w.uint32(obj.expires)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          startDelay: 0,
          runTime: 0,
          fetchBytes: 0,
          expires: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.startDelay = reader.uint32()
              break
            }
            case 2: {
              obj.runTime = reader.uint32()
              break
            }
            case 3: {
              obj.fetchBytes = reader.uint64Number()
              break
            }
            case 4: {
              obj.expires = reader.uint32()
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
                field: `${prefix}.startDelay`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.runTime`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.fetchBytes`,
                value: reader.uint64Number()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.expires`,
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

  export interface BidStartDelayFieldEvent {
    field: '$.startDelay'
    value: number
  }

  export interface BidRunTimeFieldEvent {
    field: '$.runTime'
    value: number
  }

  export interface BidFetchBytesFieldEvent {
    field: '$.fetchBytes'
    value: number
  }

  export interface BidExpiresFieldEvent {
    field: '$.expires'
    value: number
  }

  export function encode (obj: Partial<Bid>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Bid.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Bid>): Bid {
    return decodeMessage(buf, Bid.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Bid>): Generator<BidStartDelayFieldEvent | BidRunTimeFieldEvent | BidFetchBytesFieldEvent | BidExpiresFieldEvent> {
    return streamMessage(buf, Bid.codec(), opts)
  }
}

export interface Proposal {
  id: string
  bid?: Bid
  refusal: string
}

export namespace Proposal {
  let _codec: Codec<Proposal>

  export const codec = (): Codec<Proposal> => {
    if (_codec == null) {
      _codec = message<Proposal>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id !== '')) {
          w.uint32(10)
          w.string(obj.id)
        }

        if (obj.bid != null) {
          w.uint32(18)
          Bid.codec().encode(obj.bid, w)
        }

        if ((obj.refusal != null && obj.refusal !== '')) {
          w.uint32(26)
          w.string(obj.refusal)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: '',
          refusal: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.string()
              break
            }
            case 2: {
              obj.bid = Bid.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.bid
              })
              break
            }
            case 3: {
              obj.refusal = reader.string()
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
                value: reader.string()
              }
              break
            }
            case 2: {
              yield * Bid.codec().stream(reader, reader.uint32(), `${prefix}.bid`, {
                limits: opts.limits?.bid
              })

              break
            }
            case 3: {
              yield {
                field: `${prefix}.refusal`,
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

  export interface ProposalIdFieldEvent {
    field: '$.id'
    value: string
  }

  export interface ProposalBidStartDelayFieldEvent {
    field: '$.bid.startDelay'
    value: number
  }

  export interface ProposalBidRunTimeFieldEvent {
    field: '$.bid.runTime'
    value: number
  }

  export interface ProposalBidFetchBytesFieldEvent {
    field: '$.bid.fetchBytes'
    value: number
  }

  export interface ProposalBidExpiresFieldEvent {
    field: '$.bid.expires'
    value: number
  }

  export interface ProposalRefusalFieldEvent {
    field: '$.refusal'
    value: string
  }

  export function encode (obj: Partial<Proposal>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Proposal.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Proposal>): Proposal {
    return decodeMessage(buf, Proposal.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Proposal>): Generator<ProposalIdFieldEvent | ProposalBidStartDelayFieldEvent | ProposalBidRunTimeFieldEvent | ProposalBidFetchBytesFieldEvent | ProposalBidExpiresFieldEvent | ProposalRefusalFieldEvent> {
    return streamMessage(buf, Proposal.codec(), opts)
  }
}

export interface Proposals {
  proposals: Proposal[]
  room: number
}

export namespace Proposals {
  let _codec: Codec<Proposals>

  export const codec = (): Codec<Proposals> => {
    if (_codec == null) {
      _codec = message<Proposals>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.proposals != null && obj.proposals.length > 0) {
          for (const value of obj.proposals) {
            w.uint32(10)
            Proposal.codec().encode(value, w)
          }
        }

        if ((obj.room != null && obj.room !== 0)) {
          w.uint32(16)
          w.uint32(obj.room)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          proposals: [],
          room: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.proposals != null && obj.proposals.length === opts.limits.proposals) {
                throw new MaxLengthError('Decode error - repeated field "proposals" had too many elements')
              }

              obj.proposals.push(Proposal.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.proposals$
              }))
              break
            }
            case 2: {
              obj.room = reader.uint32()
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
          proposals: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.proposals != null && obj.proposals === opts.limits.proposals) {
                throw new MaxLengthError('Streaming decode error - repeated field "proposals" had too many elements')
              }

              for (const evt of Proposal.codec().stream(reader, reader.uint32(), `${prefix}.proposals[]`, {
                limits: opts.limits?.proposals$
              })) {
                yield {
                  ...evt,
                  index: obj.proposals
                }
              }

              obj.proposals++

              break
            }
            case 2: {
              yield {
                field: `${prefix}.room`,
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

  export interface ProposalsProposalsIdFieldEvent {
    field: '$.proposals[].id'
    value: string
    index: number
  }

  export interface ProposalsProposalsBidStartDelayFieldEvent {
    field: '$.proposals[].bid.startDelay'
    value: number
    index: number
  }

  export interface ProposalsProposalsBidRunTimeFieldEvent {
    field: '$.proposals[].bid.runTime'
    value: number
    index: number
  }

  export interface ProposalsProposalsBidFetchBytesFieldEvent {
    field: '$.proposals[].bid.fetchBytes'
    value: number
    index: number
  }

  export interface ProposalsProposalsBidExpiresFieldEvent {
    field: '$.proposals[].bid.expires'
    value: number
    index: number
  }

  export interface ProposalsProposalsRefusalFieldEvent {
    field: '$.proposals[].refusal'
    value: string
    index: number
  }

  export interface ProposalsRoomFieldEvent {
    field: '$.room'
    value: number
  }

  export function encode (obj: Partial<Proposals>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Proposals.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Proposals>): Proposals {
    return decodeMessage(buf, Proposals.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Proposals>): Generator<ProposalsProposalsIdFieldEvent | ProposalsProposalsBidStartDelayFieldEvent | ProposalsProposalsBidRunTimeFieldEvent | ProposalsProposalsBidFetchBytesFieldEvent | ProposalsProposalsBidExpiresFieldEvent | ProposalsProposalsRefusalFieldEvent | ProposalsRoomFieldEvent> {
    return streamMessage(buf, Proposals.codec(), opts)
  }
}

export interface Award {
  id: string
  attempt: number
  kind: string
  args: string
  inputs: Uint8Array<ArrayBuffer>[]
  needs?: Needs
  priority: number
  timeout: number
  direct: boolean
}

export namespace Award {
  let _codec: Codec<Award>

  export const codec = (): Codec<Award> => {
    if (_codec == null) {
      _codec = message<Award>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id !== '')) {
          w.uint32(10)
          w.string(obj.id)
        }

        if ((obj.attempt != null && obj.attempt !== 0)) {
          w.uint32(16)
          w.uint32(obj.attempt)
        }

        if ((obj.kind != null && obj.kind !== '')) {
          w.uint32(26)
          w.string(obj.kind)
        }

        if ((obj.args != null && obj.args !== '')) {
          w.uint32(34)
          w.string(obj.args)
        }

        if (obj.inputs != null && obj.inputs.length > 0) {
          for (const value of obj.inputs) {
            w.uint32(42)
            w.bytes(value)
          }
        }

        if (obj.needs != null) {
          w.uint32(50)
          Needs.codec().encode(obj.needs, w)
        }

        if ((obj.priority != null && obj.priority !== 0)) {
          w.uint32(56)
          w.sint32(obj.priority)
        }

        if ((obj.timeout != null && obj.timeout !== 0)) {
          w.uint32(64)
          w.uint32(obj.timeout)
        }

        if ((obj.direct != null && obj.direct !== false)) {
          w.uint32(72)
          w.bool(obj.direct)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: '',
          attempt: 0,
          kind: '',
          args: '',
          inputs: [],
          priority: 0,
          timeout: 0,
          direct: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.string()
              break
            }
            case 2: {
              obj.attempt = reader.uint32()
              break
            }
            case 3: {
              obj.kind = reader.string()
              break
            }
            case 4: {
              obj.args = reader.string()
              break
            }
            case 5: {
              if (opts.limits?.inputs != null && obj.inputs.length === opts.limits.inputs) {
                throw new MaxLengthError('Decode error - repeated field "inputs" had too many elements')
              }

              obj.inputs.push(reader.bytes())
              break
            }
            case 6: {
              obj.needs = Needs.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.needs
              })
              break
            }
            case 7: {
              obj.priority = reader.sint32()
              break
            }
            case 8: {
              obj.timeout = reader.uint32()
              break
            }
            case 9: {
              obj.direct = reader.bool()
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
          inputs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.id`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.attempt`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.kind`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.args`,
                value: reader.string()
              }
              break
            }
            case 5: {
              if (opts.limits?.inputs != null && obj.inputs === opts.limits.inputs) {
                throw new MaxLengthError('Streaming decode error - repeated field "inputs" had too many elements')
              }

              yield {
                field: `${prefix}.inputs[]`,
                index: obj.inputs,
                value: reader.bytes()
              }

              obj.inputs++

              break
            }
            case 6: {
              yield * Needs.codec().stream(reader, reader.uint32(), `${prefix}.needs`, {
                limits: opts.limits?.needs
              })

              break
            }
            case 7: {
              yield {
                field: `${prefix}.priority`,
                value: reader.sint32()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.timeout`,
                value: reader.uint32()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.direct`,
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

  export interface AwardIdFieldEvent {
    field: '$.id'
    value: string
  }

  export interface AwardAttemptFieldEvent {
    field: '$.attempt'
    value: number
  }

  export interface AwardKindFieldEvent {
    field: '$.kind'
    value: string
  }

  export interface AwardArgsFieldEvent {
    field: '$.args'
    value: string
  }

  export interface AwardInputsFieldEvent {
    field: '$.inputs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface AwardNeedsSlotsFieldEvent {
    field: '$.needs.slots'
    value: number
  }

  export interface AwardNeedsMemoryFieldEvent {
    field: '$.needs.memory'
    value: number
  }

  export interface AwardNeedsGpuFieldEvent {
    field: '$.needs.gpu'
    value: number
  }

  export interface AwardNeedsLabelsKeyFieldEvent {
    field: '$.needs.labels[].key'
    value: string
    index: number
  }

  export interface AwardNeedsLabelsValueFieldEvent {
    field: '$.needs.labels[].value'
    value: string
    index: number
  }

  export interface AwardPriorityFieldEvent {
    field: '$.priority'
    value: number
  }

  export interface AwardTimeoutFieldEvent {
    field: '$.timeout'
    value: number
  }

  export interface AwardDirectFieldEvent {
    field: '$.direct'
    value: boolean
  }

  export function encode (obj: Partial<Award>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Award.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Award>): Award {
    return decodeMessage(buf, Award.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Award>): Generator<AwardIdFieldEvent | AwardAttemptFieldEvent | AwardKindFieldEvent | AwardArgsFieldEvent | AwardInputsFieldEvent | AwardNeedsSlotsFieldEvent | AwardNeedsMemoryFieldEvent | AwardNeedsGpuFieldEvent | AwardNeedsLabelsKeyFieldEvent | AwardNeedsLabelsValueFieldEvent | AwardPriorityFieldEvent | AwardTimeoutFieldEvent | AwardDirectFieldEvent> {
    return streamMessage(buf, Award.codec(), opts)
  }
}

export interface Awards {
  awards: Award[]
}

export namespace Awards {
  let _codec: Codec<Awards>

  export const codec = (): Codec<Awards> => {
    if (_codec == null) {
      _codec = message<Awards>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.awards != null && obj.awards.length > 0) {
          for (const value of obj.awards) {
            w.uint32(10)
            Award.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          awards: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.awards != null && obj.awards.length === opts.limits.awards) {
                throw new MaxLengthError('Decode error - repeated field "awards" had too many elements')
              }

              obj.awards.push(Award.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.awards$
              }))
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
          awards: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.awards != null && obj.awards === opts.limits.awards) {
                throw new MaxLengthError('Streaming decode error - repeated field "awards" had too many elements')
              }

              for (const evt of Award.codec().stream(reader, reader.uint32(), `${prefix}.awards[]`, {
                limits: opts.limits?.awards$
              })) {
                yield {
                  ...evt,
                  index: obj.awards
                }
              }

              obj.awards++

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

  export interface AwardsAwardsIdFieldEvent {
    field: '$.awards[].id'
    value: string
    index: number
  }

  export interface AwardsAwardsAttemptFieldEvent {
    field: '$.awards[].attempt'
    value: number
    index: number
  }

  export interface AwardsAwardsKindFieldEvent {
    field: '$.awards[].kind'
    value: string
    index: number
  }

  export interface AwardsAwardsArgsFieldEvent {
    field: '$.awards[].args'
    value: string
    index: number
  }

  export interface AwardsAwardsInputsFieldEvent {
    field: '$.awards[].inputs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface AwardsAwardsNeedsSlotsFieldEvent {
    field: '$.awards[].needs.slots'
    value: number
    index: number
  }

  export interface AwardsAwardsNeedsMemoryFieldEvent {
    field: '$.awards[].needs.memory'
    value: number
    index: number
  }

  export interface AwardsAwardsNeedsGpuFieldEvent {
    field: '$.awards[].needs.gpu'
    value: number
    index: number
  }

  export interface AwardsAwardsNeedsLabelsKeyFieldEvent {
    field: '$.awards[].needs.labels[].key'
    value: string
    index: number
  }

  export interface AwardsAwardsNeedsLabelsValueFieldEvent {
    field: '$.awards[].needs.labels[].value'
    value: string
    index: number
  }

  export interface AwardsAwardsPriorityFieldEvent {
    field: '$.awards[].priority'
    value: number
    index: number
  }

  export interface AwardsAwardsTimeoutFieldEvent {
    field: '$.awards[].timeout'
    value: number
    index: number
  }

  export interface AwardsAwardsDirectFieldEvent {
    field: '$.awards[].direct'
    value: boolean
    index: number
  }

  export function encode (obj: Partial<Awards>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Awards.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Awards>): Awards {
    return decodeMessage(buf, Awards.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Awards>): Generator<AwardsAwardsIdFieldEvent | AwardsAwardsAttemptFieldEvent | AwardsAwardsKindFieldEvent | AwardsAwardsArgsFieldEvent | AwardsAwardsInputsFieldEvent | AwardsAwardsNeedsSlotsFieldEvent | AwardsAwardsNeedsMemoryFieldEvent | AwardsAwardsNeedsGpuFieldEvent | AwardsAwardsNeedsLabelsKeyFieldEvent | AwardsAwardsNeedsLabelsValueFieldEvent | AwardsAwardsPriorityFieldEvent | AwardsAwardsTimeoutFieldEvent | AwardsAwardsDirectFieldEvent> {
    return streamMessage(buf, Awards.codec(), opts)
  }
}

export interface Acceptance {
  id: string
  accepted: boolean
  reason: string
}

export namespace Acceptance {
  let _codec: Codec<Acceptance>

  export const codec = (): Codec<Acceptance> => {
    if (_codec == null) {
      _codec = message<Acceptance>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id !== '')) {
          w.uint32(10)
          w.string(obj.id)
        }

        if ((obj.accepted != null && obj.accepted !== false)) {
          w.uint32(16)
          w.bool(obj.accepted)
        }

        if ((obj.reason != null && obj.reason !== '')) {
          w.uint32(26)
          w.string(obj.reason)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: '',
          accepted: false,
          reason: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.string()
              break
            }
            case 2: {
              obj.accepted = reader.bool()
              break
            }
            case 3: {
              obj.reason = reader.string()
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
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.accepted`,
                value: reader.bool()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.reason`,
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

  export interface AcceptanceIdFieldEvent {
    field: '$.id'
    value: string
  }

  export interface AcceptanceAcceptedFieldEvent {
    field: '$.accepted'
    value: boolean
  }

  export interface AcceptanceReasonFieldEvent {
    field: '$.reason'
    value: string
  }

  export function encode (obj: Partial<Acceptance>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Acceptance.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Acceptance>): Acceptance {
    return decodeMessage(buf, Acceptance.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Acceptance>): Generator<AcceptanceIdFieldEvent | AcceptanceAcceptedFieldEvent | AcceptanceReasonFieldEvent> {
    return streamMessage(buf, Acceptance.codec(), opts)
  }
}

export interface Acceptances {
  acceptances: Acceptance[]
  reports: Report[]
}

export namespace Acceptances {
  let _codec: Codec<Acceptances>

  export const codec = (): Codec<Acceptances> => {
    if (_codec == null) {
      _codec = message<Acceptances>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.acceptances != null && obj.acceptances.length > 0) {
          for (const value of obj.acceptances) {
            w.uint32(10)
            Acceptance.codec().encode(value, w)
          }
        }

        if (obj.reports != null && obj.reports.length > 0) {
          for (const value of obj.reports) {
            w.uint32(18)
            Report.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          acceptances: [],
          reports: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.acceptances != null && obj.acceptances.length === opts.limits.acceptances) {
                throw new MaxLengthError('Decode error - repeated field "acceptances" had too many elements')
              }

              obj.acceptances.push(Acceptance.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.acceptances$
              }))
              break
            }
            case 2: {
              if (opts.limits?.reports != null && obj.reports.length === opts.limits.reports) {
                throw new MaxLengthError('Decode error - repeated field "reports" had too many elements')
              }

              obj.reports.push(Report.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.reports$
              }))
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
          acceptances: 0,
          reports: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.acceptances != null && obj.acceptances === opts.limits.acceptances) {
                throw new MaxLengthError('Streaming decode error - repeated field "acceptances" had too many elements')
              }

              for (const evt of Acceptance.codec().stream(reader, reader.uint32(), `${prefix}.acceptances[]`, {
                limits: opts.limits?.acceptances$
              })) {
                yield {
                  ...evt,
                  index: obj.acceptances
                }
              }

              obj.acceptances++

              break
            }
            case 2: {
              if (opts.limits?.reports != null && obj.reports === opts.limits.reports) {
                throw new MaxLengthError('Streaming decode error - repeated field "reports" had too many elements')
              }

              for (const evt of Report.codec().stream(reader, reader.uint32(), `${prefix}.reports[]`, {
                limits: opts.limits?.reports$
              })) {
                yield {
                  ...evt,
                  index: obj.reports
                }
              }

              obj.reports++

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

  export interface AcceptancesAcceptancesIdFieldEvent {
    field: '$.acceptances[].id'
    value: string
    index: number
  }

  export interface AcceptancesAcceptancesAcceptedFieldEvent {
    field: '$.acceptances[].accepted'
    value: boolean
    index: number
  }

  export interface AcceptancesAcceptancesReasonFieldEvent {
    field: '$.acceptances[].reason'
    value: string
    index: number
  }

  export interface AcceptancesReportsIdFieldEvent {
    field: '$.reports[].id'
    value: string
    index: number
  }

  export interface AcceptancesReportsAttemptFieldEvent {
    field: '$.reports[].attempt'
    value: number
    index: number
  }

  export interface AcceptancesReportsStatusFieldEvent {
    field: '$.reports[].status'
    value: Status
    index: number
  }

  export interface AcceptancesReportsProgressFieldEvent {
    field: '$.reports[].progress'
    value: number
    index: number
  }

  export interface AcceptancesReportsMessageFieldEvent {
    field: '$.reports[].message'
    value: string
    index: number
  }

  export interface AcceptancesReportsJsonFieldEvent {
    field: '$.reports[].json'
    value: string
    index: number
  }

  export interface AcceptancesReportsBytesFieldEvent {
    field: '$.reports[].bytes'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface AcceptancesReportsCidFieldEvent {
    field: '$.reports[].cid'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface AcceptancesReportsCidJsonFieldEvent {
    field: '$.reports[].cidJson'
    value: boolean
    index: number
  }

  export interface AcceptancesReportsFailureFieldEvent {
    field: '$.reports[].failure'
    value: Failure
    index: number
  }

  export interface AcceptancesReportsErrorFieldEvent {
    field: '$.reports[].error'
    value: string
    index: number
  }

  export interface AcceptancesReportsElapsedFieldEvent {
    field: '$.reports[].elapsed'
    value: number
    index: number
  }

  export function encode (obj: Partial<Acceptances>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Acceptances.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Acceptances>): Acceptances {
    return decodeMessage(buf, Acceptances.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Acceptances>): Generator<AcceptancesAcceptancesIdFieldEvent | AcceptancesAcceptancesAcceptedFieldEvent | AcceptancesAcceptancesReasonFieldEvent | AcceptancesReportsIdFieldEvent | AcceptancesReportsAttemptFieldEvent | AcceptancesReportsStatusFieldEvent | AcceptancesReportsProgressFieldEvent | AcceptancesReportsMessageFieldEvent | AcceptancesReportsJsonFieldEvent | AcceptancesReportsBytesFieldEvent | AcceptancesReportsCidFieldEvent | AcceptancesReportsCidJsonFieldEvent | AcceptancesReportsFailureFieldEvent | AcceptancesReportsErrorFieldEvent | AcceptancesReportsElapsedFieldEvent> {
    return streamMessage(buf, Acceptances.codec(), opts)
  }
}

export interface TaskRefs {
  tasks: TaskRef[]
}

export namespace TaskRefs {
  let _codec: Codec<TaskRefs>

  export const codec = (): Codec<TaskRefs> => {
    if (_codec == null) {
      _codec = message<TaskRefs>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.tasks != null && obj.tasks.length > 0) {
          for (const value of obj.tasks) {
            w.uint32(10)
            TaskRef.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          tasks: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.tasks != null && obj.tasks.length === opts.limits.tasks) {
                throw new MaxLengthError('Decode error - repeated field "tasks" had too many elements')
              }

              obj.tasks.push(TaskRef.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.tasks$
              }))
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
          tasks: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.tasks != null && obj.tasks === opts.limits.tasks) {
                throw new MaxLengthError('Streaming decode error - repeated field "tasks" had too many elements')
              }

              for (const evt of TaskRef.codec().stream(reader, reader.uint32(), `${prefix}.tasks[]`, {
                limits: opts.limits?.tasks$
              })) {
                yield {
                  ...evt,
                  index: obj.tasks
                }
              }

              obj.tasks++

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

  export interface TaskRefsTasksIdFieldEvent {
    field: '$.tasks[].id'
    value: string
    index: number
  }

  export interface TaskRefsTasksAttemptFieldEvent {
    field: '$.tasks[].attempt'
    value: number
    index: number
  }

  export function encode (obj: Partial<TaskRefs>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, TaskRefs.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TaskRefs>): TaskRefs {
    return decodeMessage(buf, TaskRefs.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TaskRefs>): Generator<TaskRefsTasksIdFieldEvent | TaskRefsTasksAttemptFieldEvent> {
    return streamMessage(buf, TaskRefs.codec(), opts)
  }
}

export interface TaskRef {
  id: string
  attempt: number
}

export namespace TaskRef {
  let _codec: Codec<TaskRef>

  export const codec = (): Codec<TaskRef> => {
    if (_codec == null) {
      _codec = message<TaskRef>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id !== '')) {
          w.uint32(10)
          w.string(obj.id)
        }

        if ((obj.attempt != null && obj.attempt !== 0)) {
          w.uint32(16)
          w.uint32(obj.attempt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: '',
          attempt: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.string()
              break
            }
            case 2: {
              obj.attempt = reader.uint32()
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
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.attempt`,
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

  export interface TaskRefIdFieldEvent {
    field: '$.id'
    value: string
  }

  export interface TaskRefAttemptFieldEvent {
    field: '$.attempt'
    value: number
  }

  export function encode (obj: Partial<TaskRef>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, TaskRef.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TaskRef>): TaskRef {
    return decodeMessage(buf, TaskRef.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TaskRef>): Generator<TaskRefIdFieldEvent | TaskRefAttemptFieldEvent> {
    return streamMessage(buf, TaskRef.codec(), opts)
  }
}

export enum Status {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  DONE = 'DONE',
  FAILED = 'FAILED'
}

enum __StatusValues {
  QUEUED = 0,
  RUNNING = 1,
  DONE = 2,
  FAILED = 3
}

export namespace Status {
  export const codec = (): Codec<Status> => {
    return enumeration<Status>(__StatusValues)
  }
}

export enum Failure {
  ERROR = 'ERROR',
  TIMEOUT = 'TIMEOUT',
  CRASHED = 'CRASHED',
  CANCELLED = 'CANCELLED',
  UNRUNNABLE = 'UNRUNNABLE'
}

enum __FailureValues {
  ERROR = 0,
  TIMEOUT = 1,
  CRASHED = 2,
  CANCELLED = 3,
  UNRUNNABLE = 4
}

export namespace Failure {
  export const codec = (): Codec<Failure> => {
    return enumeration<Failure>(__FailureValues)
  }
}

export interface Report {
  id: string
  attempt: number
  status: Status
  progress: number
  message: string
  json?: string
  bytes?: Uint8Array<ArrayBuffer>
  cid?: Uint8Array<ArrayBuffer>
  cidJson: boolean
  failure: Failure
  error: string
  elapsed: number
}

export namespace Report {
  let _codec: Codec<Report>

  export const codec = (): Codec<Report> => {
    if (_codec == null) {
      _codec = message<Report>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id !== '')) {
          w.uint32(10)
          w.string(obj.id)
        }

        if ((obj.attempt != null && obj.attempt !== 0)) {
          w.uint32(16)
          w.uint32(obj.attempt)
        }

        if (obj.status != null && __StatusValues[obj.status] !== 0) {
          w.uint32(24)
          Status.codec().encode(obj.status, w)
        }

        if ((obj.progress != null && obj.progress !== 0)) {
          w.uint32(33)
          w.double(obj.progress)
        }

        if ((obj.message != null && obj.message !== '')) {
          w.uint32(42)
          w.string(obj.message)
        }

        if (obj.json != null) {
          w.uint32(50)
          w.string(obj.json)
        }

        if (obj.bytes != null) {
          w.uint32(58)
          w.bytes(obj.bytes)
        }

        if (obj.cid != null) {
          w.uint32(66)
          w.bytes(obj.cid)
        }

        if ((obj.cidJson != null && obj.cidJson !== false)) {
          w.uint32(72)
          w.bool(obj.cidJson)
        }

        if (obj.failure != null && __FailureValues[obj.failure] !== 0) {
          w.uint32(80)
          Failure.codec().encode(obj.failure, w)
        }

        if ((obj.error != null && obj.error !== '')) {
          w.uint32(90)
          w.string(obj.error)
        }

        if ((obj.elapsed != null && obj.elapsed !== 0)) {
          w.uint32(96)
          w.uint32(obj.elapsed)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: '',
          attempt: 0,
          status: Status.QUEUED,
          progress: 0,
          message: '',
          cidJson: false,
          failure: Failure.ERROR,
          error: '',
          elapsed: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.string()
              break
            }
            case 2: {
              obj.attempt = reader.uint32()
              break
            }
            case 3: {
              obj.status = Status.codec().decode(reader)
              break
            }
            case 4: {
              obj.progress = reader.double()
              break
            }
            case 5: {
              obj.message = reader.string()
              break
            }
            case 6: {
              obj.json = reader.string()
              break
            }
            case 7: {
              obj.bytes = reader.bytes()
              break
            }
            case 8: {
              obj.cid = reader.bytes()
              break
            }
            case 9: {
              obj.cidJson = reader.bool()
              break
            }
            case 10: {
              obj.failure = Failure.codec().decode(reader)
              break
            }
            case 11: {
              obj.error = reader.string()
              break
            }
            case 12: {
              obj.elapsed = reader.uint32()
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
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.attempt`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.status`,
                value: Status.codec().decode(reader)
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.progress`,
                value: reader.double()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.message`,
                value: reader.string()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.json`,
                value: reader.string()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.bytes`,
                value: reader.bytes()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.cid`,
                value: reader.bytes()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.cidJson`,
                value: reader.bool()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.failure`,
                value: Failure.codec().decode(reader)
              }
              break
            }
            case 11: {
              yield {
                field: `${prefix}.error`,
                value: reader.string()
              }
              break
            }
            case 12: {
              yield {
                field: `${prefix}.elapsed`,
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

  export interface ReportIdFieldEvent {
    field: '$.id'
    value: string
  }

  export interface ReportAttemptFieldEvent {
    field: '$.attempt'
    value: number
  }

  export interface ReportStatusFieldEvent {
    field: '$.status'
    value: Status
  }

  export interface ReportProgressFieldEvent {
    field: '$.progress'
    value: number
  }

  export interface ReportMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export interface ReportJsonFieldEvent {
    field: '$.json'
    value: string
  }

  export interface ReportBytesFieldEvent {
    field: '$.bytes'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ReportCidFieldEvent {
    field: '$.cid'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ReportCidJsonFieldEvent {
    field: '$.cidJson'
    value: boolean
  }

  export interface ReportFailureFieldEvent {
    field: '$.failure'
    value: Failure
  }

  export interface ReportErrorFieldEvent {
    field: '$.error'
    value: string
  }

  export interface ReportElapsedFieldEvent {
    field: '$.elapsed'
    value: number
  }

  export function encode (obj: Partial<Report>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Report.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Report>): Report {
    return decodeMessage(buf, Report.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Report>): Generator<ReportIdFieldEvent | ReportAttemptFieldEvent | ReportStatusFieldEvent | ReportProgressFieldEvent | ReportMessageFieldEvent | ReportJsonFieldEvent | ReportBytesFieldEvent | ReportCidFieldEvent | ReportCidJsonFieldEvent | ReportFailureFieldEvent | ReportErrorFieldEvent | ReportElapsedFieldEvent> {
    return streamMessage(buf, Report.codec(), opts)
  }
}

export interface Reports {
  reports: Report[]
}

export namespace Reports {
  let _codec: Codec<Reports>

  export const codec = (): Codec<Reports> => {
    if (_codec == null) {
      _codec = message<Reports>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.reports != null && obj.reports.length > 0) {
          for (const value of obj.reports) {
            w.uint32(10)
            Report.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          reports: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.reports != null && obj.reports.length === opts.limits.reports) {
                throw new MaxLengthError('Decode error - repeated field "reports" had too many elements')
              }

              obj.reports.push(Report.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.reports$
              }))
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
          reports: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.reports != null && obj.reports === opts.limits.reports) {
                throw new MaxLengthError('Streaming decode error - repeated field "reports" had too many elements')
              }

              for (const evt of Report.codec().stream(reader, reader.uint32(), `${prefix}.reports[]`, {
                limits: opts.limits?.reports$
              })) {
                yield {
                  ...evt,
                  index: obj.reports
                }
              }

              obj.reports++

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

  export interface ReportsReportsIdFieldEvent {
    field: '$.reports[].id'
    value: string
    index: number
  }

  export interface ReportsReportsAttemptFieldEvent {
    field: '$.reports[].attempt'
    value: number
    index: number
  }

  export interface ReportsReportsStatusFieldEvent {
    field: '$.reports[].status'
    value: Status
    index: number
  }

  export interface ReportsReportsProgressFieldEvent {
    field: '$.reports[].progress'
    value: number
    index: number
  }

  export interface ReportsReportsMessageFieldEvent {
    field: '$.reports[].message'
    value: string
    index: number
  }

  export interface ReportsReportsJsonFieldEvent {
    field: '$.reports[].json'
    value: string
    index: number
  }

  export interface ReportsReportsBytesFieldEvent {
    field: '$.reports[].bytes'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface ReportsReportsCidFieldEvent {
    field: '$.reports[].cid'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface ReportsReportsCidJsonFieldEvent {
    field: '$.reports[].cidJson'
    value: boolean
    index: number
  }

  export interface ReportsReportsFailureFieldEvent {
    field: '$.reports[].failure'
    value: Failure
    index: number
  }

  export interface ReportsReportsErrorFieldEvent {
    field: '$.reports[].error'
    value: string
    index: number
  }

  export interface ReportsReportsElapsedFieldEvent {
    field: '$.reports[].elapsed'
    value: number
    index: number
  }

  export function encode (obj: Partial<Reports>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Reports.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Reports>): Reports {
    return decodeMessage(buf, Reports.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Reports>): Generator<ReportsReportsIdFieldEvent | ReportsReportsAttemptFieldEvent | ReportsReportsStatusFieldEvent | ReportsReportsProgressFieldEvent | ReportsReportsMessageFieldEvent | ReportsReportsJsonFieldEvent | ReportsReportsBytesFieldEvent | ReportsReportsCidFieldEvent | ReportsReportsCidJsonFieldEvent | ReportsReportsFailureFieldEvent | ReportsReportsErrorFieldEvent | ReportsReportsElapsedFieldEvent> {
    return streamMessage(buf, Reports.codec(), opts)
  }
}

export interface ReportAck {
  id: string
  accepted: boolean
  reason: string
}

export namespace ReportAck {
  let _codec: Codec<ReportAck>

  export const codec = (): Codec<ReportAck> => {
    if (_codec == null) {
      _codec = message<ReportAck>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id !== '')) {
          w.uint32(10)
          w.string(obj.id)
        }

        if ((obj.accepted != null && obj.accepted !== false)) {
          w.uint32(16)
          w.bool(obj.accepted)
        }

        if ((obj.reason != null && obj.reason !== '')) {
          w.uint32(26)
          w.string(obj.reason)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: '',
          accepted: false,
          reason: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.string()
              break
            }
            case 2: {
              obj.accepted = reader.bool()
              break
            }
            case 3: {
              obj.reason = reader.string()
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
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.accepted`,
                value: reader.bool()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.reason`,
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

  export interface ReportAckIdFieldEvent {
    field: '$.id'
    value: string
  }

  export interface ReportAckAcceptedFieldEvent {
    field: '$.accepted'
    value: boolean
  }

  export interface ReportAckReasonFieldEvent {
    field: '$.reason'
    value: string
  }

  export function encode (obj: Partial<ReportAck>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ReportAck.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ReportAck>): ReportAck {
    return decodeMessage(buf, ReportAck.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ReportAck>): Generator<ReportAckIdFieldEvent | ReportAckAcceptedFieldEvent | ReportAckReasonFieldEvent> {
    return streamMessage(buf, ReportAck.codec(), opts)
  }
}

export interface ReportAcks {
  acks: ReportAck[]
}

export namespace ReportAcks {
  let _codec: Codec<ReportAcks>

  export const codec = (): Codec<ReportAcks> => {
    if (_codec == null) {
      _codec = message<ReportAcks>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.acks != null && obj.acks.length > 0) {
          for (const value of obj.acks) {
            w.uint32(10)
            ReportAck.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          acks: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.acks != null && obj.acks.length === opts.limits.acks) {
                throw new MaxLengthError('Decode error - repeated field "acks" had too many elements')
              }

              obj.acks.push(ReportAck.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.acks$
              }))
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
          acks: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.acks != null && obj.acks === opts.limits.acks) {
                throw new MaxLengthError('Streaming decode error - repeated field "acks" had too many elements')
              }

              for (const evt of ReportAck.codec().stream(reader, reader.uint32(), `${prefix}.acks[]`, {
                limits: opts.limits?.acks$
              })) {
                yield {
                  ...evt,
                  index: obj.acks
                }
              }

              obj.acks++

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

  export interface ReportAcksAcksIdFieldEvent {
    field: '$.acks[].id'
    value: string
    index: number
  }

  export interface ReportAcksAcksAcceptedFieldEvent {
    field: '$.acks[].accepted'
    value: boolean
    index: number
  }

  export interface ReportAcksAcksReasonFieldEvent {
    field: '$.acks[].reason'
    value: string
    index: number
  }

  export function encode (obj: Partial<ReportAcks>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ReportAcks.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ReportAcks>): ReportAcks {
    return decodeMessage(buf, ReportAcks.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ReportAcks>): Generator<ReportAcksAcksIdFieldEvent | ReportAcksAcksAcceptedFieldEvent | ReportAcksAcksReasonFieldEvent> {
    return streamMessage(buf, ReportAcks.codec(), opts)
  }
}
