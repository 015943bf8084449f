import { CID } from 'multiformats/cid'
import { sha256, sha512 } from 'multiformats/hashes/sha2'
import { describe, expect, it } from 'vitest'
import {
  blockCid,
  DAG_CBOR,
  MAX_CID_LENGTH,
  parseCid,
  RAW,
  ringKey,
  verifyBlock
} from '../../src/store/block.js'
import { thrown } from '../helpers/errors.js'

const hello = new TextEncoder().encode('hello world')
const HELLO_RAW = 'bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e'
const HELLO_CBOR = 'bafyreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e'

describe('block CIDs', () => {
  it('are CIDv1 sha2-256 and stable for known bytes, raw by default', async () => {
    const raw = await blockCid(hello)

    expect(raw.toString()).toBe(HELLO_RAW)
    expect(raw.version).toBe(1)
    expect(raw.code).toBe(RAW)
    expect((await blockCid(hello, DAG_CBOR)).toString()).toBe(HELLO_CBOR)
    expect((await blockCid(new Uint8Array(0))).toString()).toBe(
      'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku'
    )
  })

  it('verify the bytes they name, and catch a single flipped byte', async () => {
    const cid = await blockCid(hello)
    const flipped = hello.slice()
    flipped[4] = (flipped[4] ?? 0) ^ 0x01

    await expect(verifyBlock(cid, hello)).resolves.toBeUndefined()
    await expect(verifyBlock(cid, flipped)).rejects.toMatchObject({
      name: 'CorruptBlockError',
      message: expect.stringMatching(/^expected bytes that hash to bafkrei\S+, got 11 bytes/)
    })
    await expect(verifyBlock(cid, hello.subarray(1))).rejects.toHaveProperty(
      'name',
      'CorruptBlockError'
    )
  })

  it('cannot be verified with a hash other than sha2-256, and say so', async () => {
    const cid = CID.createV1(RAW, await sha512.digest(hello))

    await expect(verifyBlock(cid, hello)).rejects.toMatchObject({
      name: 'CorruptBlockError',
      message: expect.stringContaining('expected a sha2-256 hash, got multihash code 0x13')
    })
  })

  it('give their digest as the ring key, whatever the codec', async () => {
    const raw = await blockCid(hello)
    const key = ringKey(raw)

    expect(Buffer.from(key).toString('hex')).toBe(
      'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9'
    )
    expect(ringKey(await blockCid(hello, DAG_CBOR))).toEqual(key)

    key[0] = 0
    expect(ringKey(raw)[0]).toBe(0xb9)
  })
})

describe('parseCid', () => {
  it('reads a good CID as text in base32 or base58btc, and as bytes', async () => {
    const cid = await blockCid(hello)

    expect(parseCid(HELLO_RAW).equals(cid)).toBe(true)
    expect(parseCid(HELLO_CBOR).code).toBe(DAG_CBOR)
    expect(parseCid('zb2rhj7crUKTQYRGCRATFaQ6YFLTde2YzdqbbhAASkL9uRDXn').equals(cid)).toBe(true)
    expect(parseCid(cid.bytes).equals(cid)).toBe(true)
  })

  it('refuses garbage, showing it truncated and without control characters', () => {
    const garbage = thrown(() => parseCid('xyz'))

    expect(garbage.name).toBe('InvalidCidError')
    expect(garbage.message).toBe("expected a CID such as bafkrei…, got 'xyz'")

    const hostile = thrown(() => parseCid(`bafk\u001b[2J\r\n${'a'.repeat(60)}`))

    expect(hostile.name).toBe('InvalidCidError')
    expect(hostile.message).toContain("got 'bafk\\u001b[2J\\u000d\\u000aaaaaaaaaaaaaaa…'")
    expect(hostile.message).not.toMatch(/\p{Cc}/u)

    const bytes = thrown(() => parseCid(Uint8Array.of(1, 2, 3)))

    expect(bytes.name).toBe('InvalidCidError')
    expect(bytes.message).toBe('expected a CID such as bafkrei…, got 3 bytes 0x010203')
  })

  it('refuses empty and overlong input', () => {
    expect(thrown(() => parseCid('')).message).toBe(
      'expected a CID such as bafkrei…, got an empty string'
    )
    expect(thrown(() => parseCid(new Uint8Array(0))).name).toBe('InvalidCidError')

    const long = thrown(() => parseCid(`b${'a'.repeat(MAX_CID_LENGTH)}`))

    expect(long.name).toBe('InvalidCidError')
    expect(long.message).toBe('expected a CID of at most 128 characters, got 129 characters')
    expect(thrown(() => parseCid(new Uint8Array(MAX_CID_LENGTH + 1))).message).toContain(
      'got 129 bytes'
    )
  })

  it('refuses a CIDv0, a hash other than sha2-256 and codecs other than raw and dag-cbor', async () => {
    const digest = await sha256.digest(hello)
    const v0 = thrown(() => parseCid(CID.createV0(digest).toString()))
    const sha512Cid = CID.createV1(RAW, await sha512.digest(hello))
    const dagPb = thrown(() => parseCid(CID.createV1(0x70, digest).toString()))

    expect(v0.name).toBe('InvalidCidError')
    expect(v0.message).toContain('expected a CIDv1')
    expect(thrown(() => parseCid(sha512Cid.toString())).name).toBe('InvalidCidError')
    expect(thrown(() => parseCid(sha512Cid.bytes)).message).toContain(
      'expected a CID with a sha2-256 hash, got multihash code 0x13'
    )
    expect(dagPb.name).toBe('InvalidCidError')
    expect(dagPb.message).toContain('got codec 0x70')
  })
})
