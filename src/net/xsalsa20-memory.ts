/**
 * A fix for the cipher under libp2p's private networks (`@libp2p/pnet` uses
 * the `xsalsa20` package, 1.2.0, in WebAssembly).
 *
 * All ciphers share one WebAssembly memory, and each keeps a view of it.
 * When one cipher grows the memory, the others' views go stale (empty), and
 * the next time one of them runs it takes its empty view for a small memory
 * and grows it again, by the whole size of its input. On a node that moves
 * megabytes over several connections the memory climbs at every turn until
 * it passes the module's limit (about 60 MiB) and the cipher throws inside
 * an event handler: the process dies. Refreshing a stale view before each
 * use keeps the memory at the largest single write.
 */
import { createRequire } from 'node:module'

interface WasmCipher {
  _memory: Uint8Array
  update(input: Uint8Array, output: Uint8Array): void
}

interface XSalsa20 {
  _xor: WasmCipher | object
  finalize(): void
}

const PATCHED = Symbol.for('mycel:xsalsa20-memory')

/** Makes every xsalsa20 cipher in this process refresh a stale memory view; safe to call twice. */
export function fixXsalsa20Memory(): boolean {
  const require = createRequire(import.meta.url)
  const create = require('xsalsa20') as (nonce: Uint8Array, key: Uint8Array) => XSalsa20
  const fresh = (): Uint8Array => {
    const cipher = create(new Uint8Array(24), new Uint8Array(32))
    const view = (cipher._xor as WasmCipher)._memory
    cipher.finalize()

    return view
  }
  const probe = create(new Uint8Array(24), new Uint8Array(32))
  const inner = probe._xor
  const proto = Object.getPrototypeOf(inner) as WasmCipher & { [PATCHED]?: true }
  probe.finalize()

  // the pure JavaScript fallback (no WebAssembly) has no shared memory to go stale
  if (!('_memory' in inner) || proto[PATCHED] === true) {
    return false
  }

  const update = proto.update
  proto.update = function (this: WasmCipher, input: Uint8Array, output: Uint8Array): void {
    if (this._memory.byteLength === 0) {
      this._memory = fresh()
    }

    update.call(this, input, output)
  }
  proto[PATCHED] = true

  return true
}
