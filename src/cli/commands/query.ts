/**
 * The commands that ask a running daemon: `status`, `peers`, `invite`.
 */
import type { Command } from 'commander'
import type { ConnectedPeer, KnownPeer, LivePeer, NodeStatus } from '../../node/mesh-node.js'
import { ApiClient } from '../client.js'
import {
  formatBytes,
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
  live: LivePeer[]
  connected: ConnectedPeer[]
  known: KnownPeer[]
}

/**
 * Adds a command that GETs one API path and prints the answer: as JSON with
 * `--json`, else as `render` lays it out.
 */
function queryCommand<T>(
  program: Command,
  spec: { name: string; description: string; path: string },
  render: (answer: T, client: ApiClient) => { json: unknown; text: string; note?: string }
): void {
  program
    .command(spec.name)
    .description(spec.description)
    .option('--json', 'print JSON')
    .action(async (_options: unknown, cmd: Command) => {
      const client = await ApiClient.connect(dataDirOf(cmd))
      const shown = render(await client.get<T>(spec.path), client)

      if (wantsJson(cmd)) {
        printJson(shown.json)
        return
      }

      if (shown.note !== undefined) {
        note(shown.note)
      }

      print(shown.text)
    })
}

/** Adds `mycel status`, `mycel peers` and `mycel invite`. */
export function queryCommands(program: Command): void {
  queryCommand<NodeStatus>(
    program,
    {
      name: 'status',
      description: "show this node's peer id, mesh, addresses, uptime and connections",
      path: '/v1/status'
    },
    (status, client) => ({
      json: { ...status, api: client.url },
      text: formatFields([
        ['peer id', status.peerId],
        ['mesh name', status.mesh],
        ['version', status.version],
        ['uptime', formatDuration(status.uptimeMs)],
        ['mesh', `${status.meshSize} live nodes`],
        ['peers', `${status.peers} connected (${status.connections} connections)`],
        [
          'store',
          `${formatBytes(status.store.used)} of ${formatBytes(status.store.quota)} in ` +
            `${status.store.blocks} blocks; ${status.store.ringMembers} nodes store data`
        ],
        ['addresses', status.addresses],
        ['api', client.url]
      ])
    })
  )

  queryCommand<PeersAnswer>(
    program,
    {
      name: 'peers',
      description: 'list connected peers, and known peers that are not connected',
      path: '/v1/peers'
    },
    (peers) => ({ json: peers, text: formatPeers(peers) })
  )

  queryCommand<{ token: string }>(
    program,
    {
      name: 'invite',
      description: 'print the line another machine runs to join this mesh',
      path: '/v1/invite'
    },
    ({ token }) => ({
      json: { token, command: `mycel join ${token}` },
      text: `mycel join ${token}`,
      note: 'run this line on the machine that should join. it holds the mesh key: keep it secret.'
    })
  )
}

/** An address without its `/p2p/<peer id>` tail, which the PEER column shows already. */
function withoutPeerId(address?: string): string {
  return address?.split('/p2p/')[0] ?? '-'
}

function formatPeers({ live, connected, known }: PeersAnswer): string {
  const inView = new Set(live.map((peer) => peer.peerId))
  const elsewhere = connected.filter((peer) => !inView.has(peer.peerId))
  const lines = [
    formatTable(
      ['PEER', 'ADDRESS', 'CORES', 'LOAD', 'MEM FREE', 'DISK FREE', 'SLOTS', 'LABELS', 'AGE'],
      live.map((peer) => [
        shortPeerId(peer.peerId),
        peer.self ? '(this node)' : withoutPeerId(peer.address),
        String(peer.cores),
        peer.load1.toFixed(2),
        formatBytes(peer.memory.free),
        formatBytes(peer.disk.free),
        `${peer.slots.busy}/${peer.slots.total}${peer.slots.queued > 0 ? ` +${peer.slots.queued}` : ''}`,
        Object.entries(peer.labels)
          .map(([key, value]) => `${key}=${value}`)
          .join(',') || '-',
        `${(peer.ageMs / 1000).toFixed(1)}s`
      ])
    )
  ]

  if (elsewhere.length > 0) {
    lines.push(
      '',
      `connected, no advert yet (${elsewhere.length}):`,
      formatTable(
        ['PEER', 'DIRECTION', 'ADDRESS'],
        elsewhere.map((peer) => [
          shortPeerId(peer.peerId),
          peer.direction,
          peer.addresses[0] ?? '-'
        ])
      )
    )
  }

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
