import { afterEach, describe, expect, it } from 'vitest'
import { createMeshNode, type MeshNode } from '../../src/index.js'
import { DaemonFleet, type DaemonProcess, runCliJson } from '../helpers/cli.js'
import { localInit, trackNodes } from '../helpers/mesh.js'
import { waitFor, within } from '../helpers/wait.js'

interface PeersJson {
  live: Array<{ peerId: string; labels: Record<string, string> }>
}

/**
 * Sends `signal` to a daemon and measures how long until it leaves the
 * observer's view, and why; fails after 10 s rather than hang.
 */
async function leaveAfter(
  observer: MeshNode,
  peerId: string,
  daemon: DaemonProcess,
  signal: NodeJS.Signals
): Promise<{ reason: string; ms: number }> {
  const left = new Promise<{ reason: string; at: number }>((resolve) => {
    observer.view.addEventListener('peer:left', (evt) => {
      if (evt.detail.peerId === peerId)
        resolve({ reason: evt.detail.reason, at: performance.now() })
    })
  })
  const sentAt = performance.now()
  daemon.child.kill(signal)
  const { reason, at } = await within(left, 10_000, `the daemon stayed in the view after ${signal}`)
  console.log(
    `${signal}: the daemon left the view after ${(at - sentAt).toFixed(0)} ms (${reason})`
  )

  return { reason, ms: at - sentAt }
}

describe('failure detection across processes', () => {
  const fleet = new DaemonFleet()
  const nodes = trackNodes()

  afterEach(async () => {
    await fleet.cleanup()
  })

  it('drops a killed daemon within 2 s, and a hung one within TTL + 1 s until it resumes', async () => {
    const first = await fleet.start(await fleet.tempDir(), ['daemon', '--label', 'zone=eu'])
    const { token } = await runCliJson<{ token: string }>(['invite', '--data-dir', first.dataDir])
    const second = await fleet.start(await fleet.tempDir(), ['join', token, '--label', 'gpu=none'])
    const ids = await Promise.all(
      [first, second].map(
        async (d) =>
          (await runCliJson<{ peerId: string }>(['status', '--data-dir', d.dataDir])).peerId
      )
    )
    const [firstId, secondId] = ids as [string, string]
    const observer = await createMeshNode(localInit({ join: token }))
    nodes.push(observer)
    await waitFor(() => observer.view.size === 3 && observer.peers.length === 2, {
      timeout: 10_000,
      message: 'the observer never saw both daemons'
    })

    // labels given on the command line reach the other daemon's `mycel peers --json`
    await waitFor(async () => {
      const { live } = await runCliJson<PeersJson>(['peers', '--data-dir', second.dataDir])
      return live.find((peer) => peer.peerId === firstId)?.labels.zone === 'eu'
    })

    // a hung daemon keeps its sockets open: only its silence gives it away
    const ttl = 3 * 1_000
    const hung = await leaveAfter(observer, firstId, first, 'SIGSTOP')
    expect(hung.reason).toBe('expired')
    expect(hung.ms).toBeLessThan(ttl + 1_000)

    first.child.kill('SIGCONT')
    await waitFor(() => observer.view.has(firstId), {
      timeout: 5_000,
      message: 'the resumed daemon did not rejoin the view'
    })

    // a killed daemon's connections close: a ping, direct and through a peer, decides
    const killed = await leaveAfter(observer, secondId, second, 'SIGKILL')
    expect(killed.reason).toBe('disconnected')
    expect(killed.ms).toBeLessThan(2_000)
  })

  it('drops a killed daemon within 2 s on a node that was never connected to it', async () => {
    const first = await fleet.start(await fleet.tempDir())
    const { token } = await runCliJson<{ token: string }>(['invite', '--data-dir', first.dataDir])
    const second = await fleet.start(await fleet.tempDir(), ['join', token])
    const secondId = (
      await runCliJson<{ peerId: string }>(['status', '--data-dir', second.dataDir])
    ).peerId
    // no listen address, one connection: it hears of the second daemon only through the first
    const observer = await createMeshNode(
      localInit({ join: token, listen: [], targetConnections: 1 })
    )
    nodes.push(observer)
    await waitFor(() => observer.view.size === 3, {
      timeout: 10_000,
      message: 'the observer never saw both daemons'
    })
    // the observer's own DHT queries may have dialled the second daemon: hang up
    const secondPeer = observer.peers.find((id) => id.toString() === secondId)
    if (secondPeer !== undefined) await observer.libp2p.hangUp(secondPeer)
    expect(observer.peers.map(String)).not.toContain(secondId)

    const killed = await leaveAfter(observer, secondId, second, 'SIGKILL')
    expect(killed.reason).toBe('disconnected')
    expect(killed.ms).toBeLessThan(2_000)
  })
})
