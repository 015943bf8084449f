import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { Command } from 'commander'
import { Repo } from '../../repo/repo.js'
import { formatFields, print } from '../output.js'
import { collect, dataDirOf } from './options.js'

export function initCommand(program: Command): void {
  program
    .command('init')
    .description('set up a data directory: node key, config, and the swarm key of a new mesh')
    .option('--mesh <name>', 'name of the new mesh', 'default')
    .option('--listen <multiaddr>', 'address to listen on (repeatable)', collect, [])
    .option('--bootstrap <multiaddr>', 'peer to join through (repeatable)', collect, [])
    .action(
      async (options: { mesh: string; listen: string[]; bootstrap: string[] }, cmd: Command) => {
        const dir = dataDirOf(cmd)
        const repo = await Repo.init(dir, {
          config: {
            mesh: options.mesh,
            ...(options.listen.length > 0 ? { listen: options.listen } : {}),
            ...(options.bootstrap.length > 0 ? { bootstrap: options.bootstrap } : {})
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
      }
    )
}
