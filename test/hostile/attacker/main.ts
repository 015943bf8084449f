/**
 * A hostile mesh member, run as its own process by the hostile-peer suite
 * so that its memory is not counted as the victim's. It joins with an
 * invite (so it holds the swarm key), prints one JSON line
 * `{ "ready": true, "peerId": ... }`, then takes commands on stdin, one JSON
 * line each (`{ "id", "command", "args" }`), and answers each on stdout
 * (`{ "id", "ok", "result" | "error" }`). See `attacks.ts` for the commands.
 *
 *   node --import tsx test/hostile/attacker/main.ts '<init as JSON>'
 *
 * init: `{ join, slots?, quota?, labels? }`
 */
import '../../../src/polyfill.js'
import { createInterface } from 'node:readline'
import { createMeshNode } from '../../../src/index.js'
import { type Command, type Context, commands } from './attacks.js'

interface AttackerInit {
  join: string
  slots?: number
  quota?: number | string
  labels?: Record<string, string>
}

const init = JSON.parse(process.argv[2] ?? '{}') as AttackerInit
const node = await createMeshNode({
  join: init.join,
  listen: ['/ip4/127.0.0.1/tcp/0'],
  mdns: false,
  slots: init.slots ?? 0,
  store: { quota: init.quota ?? 0 },
  ...(init.labels === undefined ? {} : { labels: init.labels })
})
const context: Context = { node, join: init.join, extras: [], corruptServed: 0 }

function reply(message: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(message)}\n`)
}

async function run(line: string): Promise<void> {
  const { id, command, args } = JSON.parse(line) as { id: number; command: string; args: object }
  const handler: Command | undefined = commands[command]

  try {
    if (handler === undefined) {
      throw new Error(`no command ${command}`)
    }

    reply({ id, ok: true, result: (await handler(context, args as never)) ?? null })
  } catch (err) {
    reply({ id, ok: false, error: `${(err as Error).name}: ${(err as Error).message}` })
  }
}

reply({ ready: true, peerId: node.peerId.toString() })

// commands run side by side: the test may start an attack and, meanwhile, ask for another
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== '') void run(line)
}

// stdin closed: the test is done with us
await Promise.allSettled([...context.extras, node].map((n) => n.stop()))
process.exit(0)
