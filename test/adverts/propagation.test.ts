import { describe, expect, it } from 'vitest'
import { startMesh, trackNodes } from '../helpers/mesh.js'
import { waitFor, within } from '../helpers/wait.js'

/** The q-quantile of some figures, by the nearest-rank method. */
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b)

  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN
}

describe('advert propagation', () => {
  const nodes = trackNodes()

  it('carries a change on one node to every other view within 1 s (p99 of 50)', async () => {
    nodes.push(...(await startMesh(6)))
    await waitFor(() => nodes.every((node) => node.view.size === 6), { timeout: 5_000 })
    const [source, ...others] = nodes
    const id = source!.peerId.toString()
    const latencies: number[] = []

    for (let change = 1; change <= 50; change++) {
      const started = performance.now()
      source!.adverts.setSlots({ queued: change })

      await waitFor(
        () => others.every((node) => node.view.get(id)?.advert.slots?.queued === change),
        { timeout: 5_000, interval: 2, message: `change ${change} did not reach every view` }
      )
      latencies.push(performance.now() - started)
    }

    const p50 = quantile(latencies, 0.5)
    const p99 = quantile(latencies, 0.99)
    console.log(`advert change in every view: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`)
    expect(p99).toBeLessThan(1_000)
  })

  it('removes a node that stops cleanly from every other view within 0.5 s', async () => {
    nodes.push(...(await startMesh(4)))
    await waitFor(() => nodes.every((node) => node.view.size === 4), { timeout: 5_000 })
    const [leaver, ...stayers] = nodes
    const id = leaver!.peerId.toString()
    const reasons = stayers.map(
      (node) =>
        new Promise<{ reason: string; at: number }>((resolve) => {
          node.view.addEventListener('peer:left', (evt) => {
            if (evt.detail.peerId === id)
              resolve({ reason: evt.detail.reason, at: performance.now() })
          })
        })
    )
    const stopped = performance.now()

    await leaver!.stop()
    const left = await within(Promise.all(reasons), 5_000, 'the stopped node stayed in a view')

    for (const { reason, at } of left) {
      expect(reason).toBe('stopped')
      expect(at - stopped).toBeLessThan(500)
    }
  })
})
