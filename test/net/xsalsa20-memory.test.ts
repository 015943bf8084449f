import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { fixXsalsa20Memory } from '../../src/net/xsalsa20-memory.js'

/** Eight ciphers taking turns with 4 MiB writes, as eight busy connections do. */
const TURNS = `
  const create = require('xsalsa20')
  const ciphers = Array.from({ length: 8 }, () => create(new Uint8Array(24), new Uint8Array(32)))
  for (let i = 0; i < 400; i++) ciphers[i % 8].update(new Uint8Array(4 * 1048576 + i))
`

describe('xsalsa20 memory', () => {
  it('runs out of memory without the fix (so the fix is still needed)', async () => {
    const result = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['-e', TURNS],
        { cwd: import.meta.dirname },
        (err, _out, stderr) => {
          resolve({ code: err === null ? 0 : 1, stderr })
        }
      )
    })

    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/Maximum memory size exceeded/)
  })

  it('keeps many ciphers taking turns with large writes within memory once fixed', () => {
    fixXsalsa20Memory()
    const require = createRequire(import.meta.url)
    const run = new Function('require', TURNS) as (req: NodeJS.Require) => void

    expect(() => run(require)).not.toThrow()
  })

  it('gives the same keystream whether a write comes whole or in pieces', () => {
    fixXsalsa20Memory()
    const create = createRequire(import.meta.url)('xsalsa20') as (
      n: Uint8Array,
      k: Uint8Array
    ) => { update(input: Uint8Array): Uint8Array }
    const nonce = new Uint8Array(24).fill(7)
    const key = new Uint8Array(32).fill(9)
    const whole = create(nonce, key).update(new Uint8Array(300_000).fill(1))
    const pieces = create(nonce, key)
    const split = [
      pieces.update(new Uint8Array(100).fill(1)),
      pieces.update(new Uint8Array(299_900).fill(1))
    ]

    expect(Buffer.concat(split).equals(Buffer.from(whole))).toBe(true)
  })
})
