import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PeerId } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { describe, expect, it } from 'vitest'
import { FailureDetector, type FailureDetectorInit } from '../../src/adverts/failure-detector.js'
import { MeshView } from '../../src/adverts/view.js'
import { waitFor } from '../helpers/wait.js'
import { advert } from './fixtures.js'

const newPeer = async (): Promise<PeerId> => peerIdFromPrivateKey(await generateKeyPair('Ed25519'))

/** A view holding `suspect` and `helper`, and a detector with the given ping answers. */
async function setup(overrides: Partial<FailureDetectorInit>) {
  const [suspect, helper] = [await newPeer(), await newPeer()]
  const view = new MeshView()
  view.apply(suspect.toString(), advert({ seq: 1 }), Date.now())
  view.apply(helper.toString(), advert({ seq: 1 }), Date.now())
  const asked: string[] = []
  const detector = new FailureDetector({
    view,
    timeout: 100,
    log: defaultLogger().forComponent('test'),
    pingDirect: async () => false,
    pingThrough: async (via) => {
      asked.push(via.toString())
      return false
    },
    helpersFor: () => [helper],
    ...overrides
  })

  return { suspect, helper, view, detector, asked }
}

describe('the failure detector', () => {
  it('removes a peer that answers neither directly nor through a helper', async () => {
    const { suspect, helper, view, detector, asked } = await setup({})

    detector.suspect(suspect)

    await waitFor(() => !view.has(suspect.toString()))
    expect(asked).toEqual([helper.toString()])
  })

  it('keeps a peer that answers directly, or through a helper only', async () => {
    const direct = await setup({ pingDirect: async () => true })
    const through = await setup({ pingThrough: async () => true })

    direct.detector.suspect(direct.suspect)
    through.detector.suspect(through.suspect)
    await waitFor(() => direct.detector.pending === 0 && through.detector.pending === 0)

    expect(direct.view.has(direct.suspect.toString())).toBe(true)
    expect(through.view.has(through.suspect.toString())).toBe(true)
  })

  it('keeps a peer whose newer advert arrives while it is probed', async () => {
    let answer!: (alive: boolean) => void
    const { suspect, view, detector } = await setup({
      pingDirect: () => new Promise((resolve) => (answer = resolve))
    })

    detector.suspect(suspect)
    view.apply(suspect.toString(), advert({ seq: 2 }), Date.now())
    answer(false)
    await waitFor(() => detector.pending === 0)

    expect(view.has(suspect.toString())).toBe(true)
  })

  it('removes nobody once stopped, even with probes under way', async () => {
    let answer!: (alive: boolean) => void
    const { suspect, view, detector } = await setup({
      pingDirect: () => new Promise((resolve) => (answer = resolve))
    })

    detector.suspect(suspect)
    detector.stop()
    answer(false)
    await waitFor(() => detector.pending === 0)

    expect(view.has(suspect.toString())).toBe(true)
  })
})
