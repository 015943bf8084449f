/**
 * `mycel put`, `mycel get` and `mycel stat`: data in and out of the mesh's
 * block store, through the local daemon. `-` means stdin or stdout. Long
 * transfers show a progress bar on a terminal (on stderr, so stdout stays
 * the data or the CID).
 */
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs'
import { rename, rm, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { Command } from 'commander'
import { ApiError, FileAccessError } from '../../errors.js'
import { fileError, readableFileSize } from '../../repo/files.js'
import { parseCid } from '../../store/block.js'
import type { BlockPlacement, ObjectStat } from '../../store/store.js'
import { ApiClient } from '../client.js'
import { formatBytes, formatFields, formatTable, print, printJson, shortPeerId } from '../output.js'
import { createProgress, type Progress } from '../progress.js'
import { count, dataDirOf, wantsJson } from './options.js'

interface PutOptions {
  name?: string
  replicas?: number
}

/** Adds `mycel put`, `mycel get` and `mycel stat`. */
export function objectCommands(program: Command): void {
  program
    .command('put')
    .argument('<file>', 'the file to store, or - for stdin')
    .description('store a file in the mesh and print the CID that names it')
    .option('--name <name>', "a name for the object (default: the file's name)")
    .option('--replicas <n>', 'copies to keep (default: the mesh default, 3)', count)
    .option('--json', 'print JSON')
    .action(async (file: string, options: PutOptions, cmd: Command) => {
      const client = await ApiClient.connect(dataDirOf(cmd))
      const size = file === '-' ? undefined : await readableFileSize(file)
      const source = file === '-' ? process.stdin : await openFile(file)
      const progress = createProgress({ label: 'put', stream: process.stderr, ...known(size) })
      const query = new URLSearchParams()

      if (options.name !== undefined || file !== '-') {
        query.set('name', options.name ?? basename(file))
      }

      if (options.replicas !== undefined) {
        query.set('replicas', String(options.replicas))
      }

      const counted = source.pipe(counter(progress))
      // a read that fails half-way ends the upload, and the request says why
      source.on('error', (err) => counted.destroy(err))
      counted.on('error', () => {})
      const body = Readable.toWeb(counted) as ReadableStream
      const response = await client
        .request(`/v1/objects?${query}`, {
          method: 'POST',
          body,
          duplex: 'half',
          headers: size === undefined ? {} : { 'content-length': String(size) }
        } as RequestInit)
        .catch((err: unknown) => {
          progress.abandon()
          throw err
        })
      progress.finish()
      const { cid } = (await response.json()) as { cid: string }

      if (wantsJson(cmd)) {
        printJson({ cid, ...(size === undefined ? {} : { size }) })
        return
      }

      print(cid)
    })

  program
    .command('get')
    .argument('<cid>', 'the CID `mycel put` printed')
    .option('-o, --output <path>', 'where to write the object, or - for stdout', '-')
    .description('fetch an object from the mesh, checking every block against its CID')
    .action(async (text: string, options: { output: string }, cmd: Command) => {
      const cid = parseCid(text.trim())
      const client = await ApiClient.connect(dataDirOf(cmd))
      const response = await client.request(`/v1/objects/${cid}`)
      const length = response.headers.get('content-length')
      const size = length === null ? undefined : Number(length)
      const progress = createProgress({ label: 'get', stream: process.stderr, ...known(size) })
      const body = Readable.fromWeb(response.body as never)

      try {
        await save(body, counter(progress), options.output, size)
      } catch (err) {
        progress.abandon()
        throw err
      }

      progress.finish()
    })

  program
    .command('stat')
    .argument('<cid>', 'the CID `mycel put` printed')
    .option('--json', 'print JSON')
    .description("show an object's size and chunks, and which peers hold each chunk")
    .action(async (text: string, _options: unknown, cmd: Command) => {
      const cid = parseCid(text.trim())
      const client = await ApiClient.connect(dataDirOf(cmd))
      const stat = await client.get<ObjectStat>(`/v1/objects/${cid}/stat`)

      if (wantsJson(cmd)) {
        printJson(stat)
        return
      }

      print(formatStat(stat))
    })
}

/** What `mycel stat` prints. */
export function formatStat(stat: ObjectStat): string {
  const lacking = (blocks: readonly BlockPlacement[]): number =>
    blocks.filter((block) => block.holders.length < block.owners.length).length
  const short = lacking(stat.chunks)
  const inner =
    stat.manifests.length === 0
      ? ''
      : `; ${stat.manifests.length} inner manifests, ${lacking(stat.manifests)} with fewer copies than owners`
  const fields = formatFields([
    ['cid', stat.cid],
    ...(stat.name === undefined ? [] : [['name', stat.name] as const]),
    ['size', `${formatBytes(stat.size)} (${stat.size} bytes)`],
    ['manifest', `${stat.root.holders.length}/${stat.root.owners.length} copies${inner}`],
    [
      'chunks',
      `${stat.chunks.length}${short > 0 ? `, ${short} with fewer copies than owners` : ''}`
    ]
  ])
  const rows = stat.chunks.map((chunk) => [
    chunk.cid,
    chunk.size === undefined ? '' : formatBytes(chunk.size),
    `${chunk.holders.length}/${chunk.owners.length}`,
    chunk.holders.map(shortPeerId).join(' ')
  ])

  return `${fields}\n\n${formatTable(['chunk', 'size', 'copies', 'held by'], rows)}`
}

/**
 * Writes the object to stdout, or to a file that appears whole or not at
 * all: bytes go to a temporary file beside it, renamed once complete.
 */
async function save(
  source: Readable,
  through: Transform,
  output: string,
  size?: number
): Promise<void> {
  let cutOff: Error | undefined
  source.once('error', (err) => {
    cutOff = err
  })
  // a failure of the source is the transfer's; one of the destination is the user's to fix
  const failed = (err: Error, destination: string): Error =>
    cutOff !== undefined || err instanceof ApiError
      ? transferError(cutOff ?? err)
      : fileError('write', destination, err, FileAccessError)

  if (output === '-') {
    await pipeline(source, through, process.stdout).catch((err: Error) => {
      throw failed(err, 'stdout')
    })
    return
  }

  const partial = `${output}.${randomBytes(4).toString('hex')}.part`
  let file: WriteStream

  try {
    file = createWriteStream(partial, { flags: 'wx' })
    await once(file, 'open')
  } catch (err) {
    throw fileError('write', output, err, FileAccessError)
  }

  try {
    await pipeline(source, through, file).catch((err: Error) => {
      throw failed(err, output)
    })
    const written = (await stat(partial)).size

    if (size !== undefined && written !== size) {
      throw new ApiError(502, `the transfer was cut off after ${written} of ${size} bytes`)
    }

    await rename(partial, output)
  } catch (err) {
    await rm(partial, { force: true })
    throw err
  }
}

/** A file opened for reading, or a clear error when it cannot be. */
async function openFile(path: string): Promise<Readable> {
  const stream = createReadStream(path)

  try {
    await once(stream, 'open')
  } catch (err) {
    throw fileError('read', path, err, FileAccessError)
  }

  return stream
}

/** A download that broke off: the daemon or the mesh failed, not the user's input. */
function transferError(err: Error): Error {
  return err instanceof ApiError
    ? err
    : new ApiError(502, `the transfer failed: ${err.message}`, { cause: err })
}

/** Counts bytes through a stream into a progress bar. */
function counter(progress: Progress): Transform {
  let done = 0

  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      done += chunk.byteLength
      progress.update(done)
      callback(null, chunk)
    }
  })
}

function known(size: number | undefined): { total?: number } {
  return size === undefined ? {} : { total: size }
}
