/**
 * The floor under both systems: a raw request and response over one reused
 * libp2p stream between two processes, on the stack mycel runs (TCP, a
 * private network, Noise, Yamux), with no scheduler and no RPC layer. One
 * process serves (`serve`): it echoes each length-prefixed message, and
 * answers a large one with a byte, as a store answers a put. The other asks
 * (`ask`): n small round trips one after another, n messages streamed with
 * the answers read as they come, and n / 5 puts of 1 MiB.
 */
import '../../src/polyfill.js'
import type { Stream } from '@libp2p/interface'
import { noise } from '@libp2p/noise'
import { preSharedKey } from '@libp2p/pnet'
import { tcp } from '@libp2p/tcp'
import { lpStream } from '@libp2p/utils'
import { yamux } from '@libp2p/yamux'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p, type Libp2p } from 'libp2p'
import { fromString } from 'uint8arrays/from-string'
import { fixXsalsa20Memory } from '../../src/net/xsalsa20-memory.js'
import { median } from '../figures.js'
import { serveParent } from './procs.js'
import { percentile, round } from './workloads.js'

const PROTOCOL = '/mycel-bench/echo/1.0.0'
const ACK = new Uint8Array(1)
const MIB = 1024 * 1024

type Framed = ReturnType<typeof lpStream>

async function host(swarmKey: string, listen: boolean): Promise<Libp2p> {
  // as a mesh node does: without it the private network's cipher fails after some megabytes
  fixXsalsa20Memory()

  return createLibp2p({
    addresses: { listen: listen ? ['/ip4/127.0.0.1/tcp/0'] : [] },
    transports: [tcp()],
    connectionProtector: preSharedKey({ psk: fromString(swarmKey) }),
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()]
  })
}

const [role = 'serve', swarmKey = ''] = process.argv.slice(2)
const node = await host(swarmKey, role === 'serve')

if (role === 'serve') {
  await node.handle(PROTOCOL, async (stream) => {
    const lp = lpStream(stream, { maxDataLength: MIB + 1 })
    try {
      for (;;) {
        const message = await lp.read()
        await lp.write(message.byteLength > 1024 ? ACK : message)
      }
    } catch {
      // the asker closed the stream
    }
  })
}

/** Round trips of `message`, one after another, in ms. */
async function roundTrips(lp: Framed, message: Uint8Array, n: number): Promise<number[]> {
  const times: number[] = []

  for (let i = 0; i < n; i++) {
    const start = performance.now()
    await lp.write(message)
    await lp.read()
    times.push(performance.now() - start)
  }

  return times
}

/** Messages per second through `lp`, n written while the answers are read as they come. */
async function streamed(lp: Framed, message: Uint8Array, n: number): Promise<number> {
  const start = performance.now()
  const reading = (async () => {
    for (let i = 0; i < n; i++) await lp.read()
  })()

  for (let i = 0; i < n; i++) await lp.write(message)
  await reading

  return Math.round(n / ((performance.now() - start) / 1000))
}

/** The stream every run of `ask` goes over, opened by the first. */
let asking: { stream: Stream; lp: Framed } | undefined

async function ask({ addr, n }: { addr: string; n: number }): Promise<Record<string, number>> {
  if (asking === undefined || asking.stream.writeStatus !== 'writable') {
    const stream = await node.dialProtocol(multiaddr(addr), PROTOCOL)
    asking = { stream, lp: lpStream(stream, { maxDataLength: MIB + 1 }) }
  }

  const { lp } = asking
  const message = new Uint8Array(64)
  const times = await roundTrips(lp, message, n)
  const perSecond = await streamed(lp, message, n)
  const puts = await roundTrips(lp, new Uint8Array(MIB), Math.max(4, Math.round(n / 5)))

  return {
    tasks: n,
    value: round(median(times)),
    p50: round(median(times)),
    p99: round(percentile(times, 0.99)),
    perSecond,
    mibPutMs: round(median(puts))
  }
}

serveParent(
  {
    addr: () => node.getMultiaddrs()[0]?.toString(),
    ask: (params: { addr: string; n: number }) => ask(params)
  },
  async () => {
    await node.stop()
  }
)
