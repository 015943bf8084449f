/**
 * What taking in one advert costs a node here, measured on the real code:
 * checking the gossipsub signature (Ed25519) and running the advert intake
 * (decode, validation, the view). Every node takes in every advert, so this
 * times the mesh's size over the advert interval is the CPU share adverts
 * take on each node, which sets where the mesh outgrows one gossip topic.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { AdvertIntake } from '../../src/adverts/intake.js'
import { Advert } from '../../src/adverts/pb/advert.js'
import { MeshView } from '../../src/adverts/view.js'
import { typicalAdvert } from './node.js'

export interface AdvertCost {
  /** Microseconds to check one advert's signature. */
  verify: number
  /** Microseconds to decode, validate and apply one advert. */
  intake: number
  /** The advert's size on the wire, in bytes. */
  bytes: number
}

const AUTHORS = 500
const ROUNDS = 10

/** The cost once the code is warm: the first pass only warms it. */
export async function advertCost(): Promise<AdvertCost> {
  await measure()
  return measure()
}

async function measure(): Promise<AdvertCost> {
  const key = await generateKeyPair('Ed25519')
  const authors = Array.from({ length: AUTHORS }, (_, i) => `author-${i}`)
  const sample = (time: number): Uint8Array => Advert.encode(typicalAdvert(time))
  const bytes = sample(0)
  const signature = await key.sign(bytes)

  let started = process.hrtime.bigint()
  for (let i = 0; i < AUTHORS; i++) await key.publicKey.verify(bytes, signature)
  const verify = Number(process.hrtime.bigint() - started) / 1_000 / AUTHORS

  const intake = new AdvertIntake(new MeshView())
  const adverts = Array.from({ length: ROUNDS }, (_, round) => sample(1_000 * (round + 1)))
  started = process.hrtime.bigint()
  for (const [round, advert] of adverts.entries()) {
    for (const author of authors) intake.take(author, advert, 1_000 * (round + 1))
  }
  const taken = Number(process.hrtime.bigint() - started) / 1_000 / (AUTHORS * ROUNDS)

  return { verify: round(verify), intake: round(taken), bytes: bytes.byteLength }
}

function round(value: number): number {
  return Math.round(value * 10) / 10
}
