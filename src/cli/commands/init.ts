import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { Command } from 'commander'
import { DEFAULT_MESH } from '../../net/wire-names.js'
import { Repo } from '../../repo/repo.js'
import { formatFields, print } from '../output.js'
import { collect, dataDirOf, labelsOf } from './options.js'

interface InitOptions {
  mesh: string
  listen: string[]
  bootstrap: string[]
  label: string[]
}

/** Adds `mycel init`. */
export function initCommand(program: Command): void {
  program
    .command('init')
    .description('set up a data directory: node key, config, and the swarm key of a new mesh')
    .option('--mesh <name>', 'name of the new mesh', DEFAULT_MESH)
    .option('--listen <multiaddr>', 'address to listen on (repeatable)', collect, [])
    .option('--bootstrap <multiaddr>', 'peer to join through (repeatable)', collect, [])
    .option('--label <key=value>', 'a label to advertise, e.g. zone=eu (repeatable)', collect, [])
    .action(async (options: InitOptions, cmd: Command) => {
      const dir = dataDirOf(cmd)
      const repo = await Repo.init(dir, {
        config: {
          mesh: options.mesh,
          ...(options.listen.length > 0 ? { listen: options.listen } : {}),
          ...(options.bootstrap.length > 0 ? { bootstrap: options.bootstrap } : {}),
          labels: labelsOf(options.label)
        }
      })

      print(
        formatFields([
          ['data dir', repo.dir],
          ['peer id', peerIdFromPrivateKey(repo.privateKey).toString()],
          ['mesh', repo.config.mesh]
        ]),
        '',
        `start the node with: mycel daemon --data-dir ${repo.dir}`
      )
    })
}
