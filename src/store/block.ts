/**
 * Blocks are named by what they hold: a CIDv1 over the sha-256 of their bytes.
 * Data chunks use the raw codec, manifests dag-cbor. Pure: bytes in, CIDs out.
 */
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { equals } from 'uint8arrays/equals'
import { toString as toHex } from 'uint8arrays/to-string'
import { CorruptBlockError, InvalidCidError } from '../errors.js'

/** The codec of data chunks: the bytes themselves. */
export const RAW = 0x55
/** The codec of manifests (`@ipld/dag-cbor`). */
export const DAG_CBOR = 0x71
/** The codecs a block may have. */
export type BlockCodec = typeof RAW | typeof DAG_CBOR
/** The multihash code of sha2-256, the only hash mycel reads. */
export const SHA2_256 = sha256.code
/** Length of a sha2-256 digest. */
export const DIGEST_LENGTH = 32 // bytes
/** Longest CID accepted from outside, as text or as bytes. */
export const MAX_CID_LENGTH = 128 // characters or bytes
/** How much of a bad input an error message shows. */
const SHOWN_LENGTH = 24 // characters or bytes

const CODEC_NAMES = new Map<number, string>([
  [RAW, 'raw'],
  [DAG_CBOR, 'dag-cbor']
])

/** The CIDv1 of `bytes`: sha2-256 of the bytes, under `codec`. */
export async function blockCid(bytes: Uint8Array, codec: BlockCodec = RAW): Promise<CID> {
  const digest = await sha256.digest(bytes)

  return CID.createV1(codec, digest)
}

/**
 * Checks that `bytes` are what `cid` names.
 *
 * @throws {CorruptBlockError} when the bytes hash to something else, or the CID's hash is not
 * sha2-256 so the bytes cannot be checked
 */
export async function verifyBlock(cid: CID, bytes: Uint8Array): Promise<void> {
  if (cid.multihash.code !== SHA2_256) {
    throw new CorruptBlockError(
      `cannot verify ${cid}: expected a sha2-256 hash, ` +
        `got multihash code ${hex(cid.multihash.code)}`
    )
  }

  const digest = await sha256.digest(bytes)

  if (!equals(digest.digest, cid.multihash.digest)) {
    const actual = CID.createV1(cid.code, digest)

    throw new CorruptBlockError(
      `expected bytes that hash to ${cid}, got ${bytes.byteLength} bytes that hash to ${actual}`
    )
  }
}

/**
 * Reads a CID given as text (base32 `bafy…`/`bafk…`, base36 or base58btc) or as bytes, and
 * checks that it names a block mycel can hold: CIDv1, sha2-256, raw or dag-cbor.
 *
 * @throws {InvalidCidError} saying what was expected and showing, made printable, what came
 * @example
 * ```ts
 * const cid = parseCid('bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e')
 * ```
 */
export function parseCid(input: string | Uint8Array): CID {
  const text = typeof input === 'string'

  if (input.length === 0) {
    throw new InvalidCidError(
      `expected a CID such as bafkrei…, got ${text ? 'an empty string' : 'no bytes'}`
    )
  }

  if (input.length > MAX_CID_LENGTH) {
    const unit = text ? 'characters' : 'bytes'

    throw new InvalidCidError(
      `expected a CID of at most ${MAX_CID_LENGTH} ${unit}, got ${input.length} ${unit}`
    )
  }

  let cid: CID

  try {
    cid = typeof input === 'string' ? CID.parse(input) : CID.decode(input)
  } catch (err) {
    throw new InvalidCidError(`expected a CID such as bafkrei…, got ${show(input)}`, { cause: err })
  }

  checkCid(cid)

  return cid
}

/**
 * Checks that a CID names a block mycel can hold: CIDv1, a 32-byte sha2-256 digest, and the raw
 * or dag-cbor codec.
 *
 * @throws {InvalidCidError} naming the first part that is not
 */
export function checkCid(cid: CID): void {
  if (cid.version !== 1) {
    throw new InvalidCidError(`expected a CIDv1 such as bafkrei…, got a CIDv${cid.version} ${cid}`)
  }

  const { code, digest } = cid.multihash

  if (code !== SHA2_256 || digest.byteLength !== DIGEST_LENGTH) {
    throw new InvalidCidError(
      `expected a CID with a sha2-256 hash, got multihash code ${hex(code)} ` +
        `with a ${digest.byteLength}-byte digest in ${cid}`
    )
  }

  if (!CODEC_NAMES.has(cid.code)) {
    throw new InvalidCidError(
      `expected a CID with codec raw (0x55) or dag-cbor (0x71), ` +
        `got codec ${hex(cid.code)} in ${cid}`
    )
  }
}

/**
 * Where a block sits on the consistent-hash ring: its sha2-256 digest, which is uniform over the
 * key space whatever the codec. A copy, so the CID cannot be changed through it.
 *
 * @throws {InvalidCidError} when the CID's hash is not sha2-256
 */
export function ringKey(cid: CID): Uint8Array {
  const { code, digest } = cid.multihash

  if (code !== SHA2_256 || digest.byteLength !== DIGEST_LENGTH) {
    throw new InvalidCidError(`expected a CID with a sha2-256 hash, got ${cid}`)
  }

  return digest.slice()
}

/** The name of a block codec, for messages: `raw`, `dag-cbor` or its code in hex. */
export function codecName(code: number): string {
  return CODEC_NAMES.get(code) ?? hex(code)
}

function hex(code: number): string {
  return `0x${code.toString(16)}`
}

/** A bad input as an error message may show it: quoted, cut short, every control escaped. */
function show(input: string | Uint8Array): string {
  if (typeof input !== 'string') {
    const more = input.byteLength > SHOWN_LENGTH ? '…' : ''

    return `${input.byteLength} bytes 0x${toHex(input.subarray(0, SHOWN_LENGTH), 'base16')}${more}`
  }

  const more = input.length > SHOWN_LENGTH ? '…' : ''
  const escaped = input
    .slice(0, SHOWN_LENGTH)
    .replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)

  return `'${escaped}${more}'`
}
