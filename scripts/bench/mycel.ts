/**
 * mycel as the benchmark runs it: a submitter process (a library node with no
 * slots) and two `mycel join` daemons with one slot each, every one its own
 * OS process on loopback.
 */
import {
  type BenchSystem,
  ProgramProcess,
  profileFlags,
  removeDir,
  ScriptProcess,
  tempDir,
  until
} from './procs.js'
import { type Figures, runTimeout, WORKERS } from './workloads.js'

const MYCEL_BIN = new URL('../../bin/mycel.js', import.meta.url).pathname

export async function startMycel(): Promise<BenchSystem> {
  const submitter = new ScriptProcess('submitter', './mycel-submitter.ts')
  const dirs: string[] = []
  const workers: ProgramProcess[] = []
  const stop = async (): Promise<void> => {
    await Promise.all([submitter, ...workers].map((p) => p.stop()))
    await Promise.all(dirs.map((dir) => removeDir(dir)))
  }

  try {
    const token = await submitter.request<string>('invite')

    for (let i = 0; i < WORKERS; i++) {
      const dir = await tempDir()
      dirs.push(dir)
      workers.push(
        new ProgramProcess(`daemon ${i + 1}`, process.execPath, [
          ...profileFlags(`mycel-daemon-${i + 1}`),
          MYCEL_BIN,
          'join',
          token,
          '--data-dir',
          dir,
          '--listen',
          '/ip4/127.0.0.1/tcp/0',
          '--no-mdns',
          '--slots',
          '1'
        ])
      )
    }

    await until(async () => {
      const gone = workers.find((worker) => !worker.running)
      if (gone !== undefined) throw new Error(`${gone.name} exited:\n${gone.output()}`)
      return submitter.request<boolean>('sees', WORKERS)
    }, 'the mycel submitter never saw both workers')
  } catch (err) {
    await stop()
    throw err
  }

  return {
    name: 'mycel',
    processes: [submitter, ...workers],
    run: (workload, n) => submitter.request<Figures>('run', { workload, n }, runTimeout(n)),
    stop
  }
}
