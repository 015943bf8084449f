import './dist/polyfill.js'
import { createLibp2p } from 'libp2p'
import { webSockets } from '@libp2p/websockets'
import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { preSharedKey } from '@libp2p/pnet'
import { generateSwarmKey } from './dist/net/swarm-key.js'
const psk = generateSwarmKey()
const mk = (p) => createLibp2p({ addresses: { listen: ['/ip4/127.0.0.1/tcp/0/ws'] }, transports: [webSockets()], connectionEncrypters: [noise()], streamMuxers: [yamux()], ...(p ? { connectionProtector: preSharedKey({ psk }) } : {}) })
  const a = await mk(true), b = await mk(true)
  try { await b.dial(a.getMultiaddrs()[0], { signal: AbortSignal.timeout(3000) }); console.log('ok') } catch (e) { console.log('fail', e.message) }
  await a.stop(); await b.stop()
