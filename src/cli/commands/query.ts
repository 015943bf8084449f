/**
 * The commands that ask a running daemon: `status`, `peers`, `invite`.
 */
import type { Command } from 'commander'
import type { ConnectedPeer, KnownPeer, NodeStatus } from '../../node/mesh-node.js'
import { ApiClient } from '../client.js'
import {
  formatDuration,
  formatFields,
  formatTable,
  note,
  print,
  printJson,
  shortPeerId
} from '../output.js'
import { dataDirOf, wantsJson } from './options.js'

interface PeersAnswer {
  connected: ConnectedPeer[]
  known: KnownPeer[]
}

export function queryCommands(program: Command): void {
  program
    .command('status')
    .description("show this node's peer id, mesh, addresses, uptime and connections")
    .option('--json', 'print JSON')
    .action(async (_options: unknown, cmd: Command) => {
      const client = await ApiClient.connect(dataDirOf(cmd))
      const status = await client.get<NodeStatus>('/v1/status')

      if (wantsJson(cmd)) {
        printJson({ ...status, api: client.url })
        return
      }

      print(
        formatFields([
          ['peer id', status.peerId],
          ['mesh', status.mesh],
          ['version', status.version],
          ['uptime', formatDuration(status.uptimeMs)],
          ['peers', `${status.peers} connected (${status.connections} connections)`],
          ['addresses', status.addresses],
          ['api', client.url]
        ])
      )
    })

  program
    .command('peers')
    .description('list connected peers, and known peers that are not connected')
    .option('--json', 'print JSON')
    .action(async (_options: unknown, cmd: Command) => {
      const client = await ApiClient.connect(dataDirOf(cmd))
      const peers = await client.get<PeersAnswer>('/v1/peers')

      if (wantsJson(cmd)) {
        printJson(peers)
        return
      }

      print(formatPeers(peers))
    })

  program
    .command('invite')
    .description('print the line another machine runs to join this mesh')
    .option('--json', 'print JSON')
    .action(async (_options: unknown, cmd: Command) => {
      const client = await ApiClient.connect(dataDirOf(cmd))
      const { token } = await client.get<{ token: string }>('/v1/invite')

      if (wantsJson(cmd)) {
        printJson({ token, command: `mycel join ${token}` })
        return
      }

      note('run this line on the machine that should join. it holds the mesh key: keep it secret.')
      print(`mycel join ${token}`)
    })
}

function formatPeers({ connected, known }: PeersAnswer): string {
  const now = Date.now()
  const lines = [
    connected.length === 0
      ? 'no connected peers'
      : formatTable(
          ['PEER', 'DIRECTION', 'FOR', 'ADDRESS'],
          connected.map((peer) => [
            shortPeerId(peer.peerId),
            peer.direction,
            formatDuration(now - peer.since),
            peer.addresses[0] ?? '-'
          ])
        )
  ]

  if (known.length > 0) {
    lines.push(
      '',
      `known, not connected (${known.length}):`,
      formatTable(
        ['PEER', 'ADDRESSES'],
        known.map((peer) => [shortPeerId(peer.peerId), peer.addresses.join(' ') || '-'])
      )
    )
  }

  return lines.join('\n')
}
