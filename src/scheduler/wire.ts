/**
 * The scheduler's messages as they travel, and the checks every one passes
 * before it touches any state. A message from a peer that breaks a limit is
 * refused whole with the reason (the submitter is broken or hostile), and
 * counted by the protocol.
 */
import type { CID } from 'multiformats/cid'
import { InvalidTaskError } from '../errors.js'
import { parseCid } from '../store/block.js'
import type { OfferedTask } from './bidder.js'
import {
  type Acceptance,
  Acceptances,
  type Award,
  Awards,
  CallForProposals,
  Failure,
  type Needs,
  type Offer,
  type Report,
  Reports,
  Status,
  TaskRefs
} from './pb/tasks.js'
import { assertKind } from './spec.js'
import {
  MAX_ARGS_BYTES,
  MAX_INLINE_RESULT,
  MAX_INPUTS,
  MAX_PRIORITY,
  MAX_TASK_ID,
  MAX_TIMEOUT,
  type Task,
  type TaskNeeds
} from './task.js'

/** Tasks one message carries at most. */
export const MAX_BATCH = 256
/** Largest scheduler message: a full batch of awards with the largest arguments. */
export const MAX_TASK_MESSAGE = 8 * 1024 * 1024
/** Bytes of tasks packed into one message before a new one is begun. */
export const PACK_BYTES = 1024 * 1024
/** Reports one message carries at most. */
const MAX_REPORTS = MAX_BATCH * 4
/** Longest error text a report carries. */
export const MAX_ERROR_TEXT = 2_000
const MAX_SLOTS = 1_024
const MAX_GPU = 64
const MAX_MEMORY = 16 * 1024 * 1024 // MiB
const MAX_LABELS = 16
const ID_PATTERN = /^[A-Za-z0-9_-]+$/

export function needsToWire(needs: TaskNeeds): Needs {
  return {
    slots: needs.slots,
    memory: needs.memory,
    gpu: needs.gpu,
    labels: Object.entries(needs.labels).map(([key, value]) => ({ key, value }))
  }
}

export function offerOf(task: Task): Offer {
  return {
    id: task.id,
    kind: task.kind,
    needs: needsToWire(task.needs),
    priority: task.priority,
    inputs: task.inputs.map((cid) => cid.bytes as Uint8Array<ArrayBuffer>)
  }
}

/** An award of a task; `direct` when it is offered without an auction. */
export function awardOf(task: Task, attempt: number, direct = false): Award {
  return { ...offerOf(task), attempt, args: task.args, timeout: task.timeout, direct }
}

/** A call for proposals' offers, checked, with their inputs as CIDs. */
export function readOffers(
  body: Uint8Array
): Array<Omit<OfferedTask, 'fetchBytes'> & { inputs: CID[] }> {
  const { offers } = decode('call for proposals', () =>
    CallForProposals.decode(body, { limits: { offers: MAX_BATCH } })
  )

  return offers.map((offer) => readOffer(offer))
}

/** An award's tasks, checked. */
export function readAwards(
  body: Uint8Array
): Array<{ task: Task; attempt: number; direct: boolean }> {
  const { awards } = decode('award', () => Awards.decode(body, { limits: { awards: MAX_BATCH } }))

  return awards.map((award) => {
    const { id, kind, needs, priority, inputs } = readOffer(award)

    if (Buffer.byteLength(award.args) > MAX_ARGS_BYTES) {
      throw new InvalidTaskError(`the arguments of task ${id} are over ${MAX_ARGS_BYTES} bytes`)
    }

    try {
      JSON.parse(award.args)
    } catch {
      throw new InvalidTaskError(`the arguments of task ${id} are not JSON`)
    }

    check(
      award.timeout >= 1 && award.timeout <= MAX_TIMEOUT,
      `a timeout of 1-${MAX_TIMEOUT} ms`,
      award.timeout
    )

    return {
      task: {
        id,
        kind,
        needs,
        priority,
        inputs,
        args: award.args,
        timeout: award.timeout,
        retries: 0
      },
      attempt: award.attempt,
      direct: award.direct
    }
  })
}

/** Task references (releases, cancels), checked. */
export function readRefs(body: Uint8Array): Array<{ id: string; attempt: number }> {
  const { tasks } = decode('task list', () =>
    TaskRefs.decode(body, { limits: { tasks: MAX_BATCH * 4 } })
  )

  for (const ref of tasks) {
    readId(ref.id)
  }

  return tasks
}

/** Reports, checked. */
export function readReports(body: Uint8Array): Report[] {
  const { reports } = decode('report', () =>
    Reports.decode(body, { limits: { reports: MAX_REPORTS } })
  )

  for (const report of reports) {
    checkReport(report)
  }

  return reports
}

/**
 * The answer to `count` awards: whether each was taken, and the reports
 * that rode along. A report that breaks a limit is left out and counted in
 * `refused`, so one bad report does not undo the answer's acceptances.
 */
export function readAcceptances(
  body: Uint8Array,
  count: number
): { acceptances: Acceptance[]; reports: Report[]; refused: number } {
  const answer = decode('award answer', () =>
    Acceptances.decode(body, { limits: { acceptances: count, reports: MAX_REPORTS } })
  )
  const reports = answer.reports.filter((report) => {
    try {
      checkReport(report)
      return true
    } catch {
      return false
    }
  })

  return {
    acceptances: answer.acceptances,
    reports,
    refused: answer.reports.length - reports.length
  }
}

function checkReport(report: Report): void {
  readId(report.id)
  check(
    (report.json?.length ?? 0) <= MAX_INLINE_RESULT * 6 &&
      (report.bytes?.byteLength ?? 0) <= MAX_INLINE_RESULT,
    `an inline result of at most ${MAX_INLINE_RESULT} bytes`,
    'more'
  )
  check(Number.isFinite(report.progress), 'a finite progress', report.progress)

  if (report.cid !== undefined) {
    parseCid(report.cid)
  }

  report.error = report.error.slice(0, MAX_ERROR_TEXT)
  report.message = report.message.slice(0, MAX_ERROR_TEXT)
}

function readOffer(offer: Offer): Omit<OfferedTask, 'fetchBytes'> & { inputs: CID[] } {
  const id = readId(offer.id)
  const kind = assertKind(offer.kind)
  check(offer.inputs.length <= MAX_INPUTS, `at most ${MAX_INPUTS} inputs`, offer.inputs.length)
  check(
    Math.abs(offer.priority) <= MAX_PRIORITY,
    `a priority within ±${MAX_PRIORITY}`,
    offer.priority
  )

  return {
    id,
    kind,
    needs: readNeeds(offer.needs),
    priority: offer.priority,
    inputs: offer.inputs.map((bytes) => parseCid(bytes))
  }
}

function readNeeds(needs: Needs | undefined): TaskNeeds {
  const { slots = 1, memory = 0, gpu = 0, labels = [] } = needs ?? {}
  check(slots >= 1 && slots <= MAX_SLOTS, `1-${MAX_SLOTS} slots`, slots)
  check(gpu <= MAX_GPU, `at most ${MAX_GPU} GPUs`, gpu)
  check(memory <= MAX_MEMORY, `at most ${MAX_MEMORY} MiB`, memory)
  check(labels.length <= MAX_LABELS, `at most ${MAX_LABELS} labels`, labels.length)

  return {
    slots,
    memory,
    gpu,
    labels: Object.fromEntries(labels.map(({ key, value }) => [key, value]))
  }
}

function readId(id: string): string {
  check(
    id.length > 0 && id.length <= MAX_TASK_ID && ID_PATTERN.test(id),
    'a task id',
    id.slice(0, 40)
  )

  return id
}

/**
 * Decodes a message, refusing one that does not decode or has more items
 * than allowed by name rather than as an internal error.
 */
function decode<T>(what: string, decoder: () => T): T {
  try {
    return decoder()
  } catch (err) {
    throw new InvalidTaskError(`not a valid ${what} message: ${(err as Error).message}`)
  }
}

function check(ok: boolean, expected: string, got: unknown): void {
  if (!ok) {
    throw new InvalidTaskError(`expected ${expected}, got ${JSON.stringify(got)}`)
  }
}

/**
 * Splits items into batches of at most `MAX_BATCH` and about `PACK_BYTES`,
 * as `size` measures them, so no message outgrows the protocol's limit.
 */
export function pack<T>(items: readonly T[], size: (item: T) => number): T[][] {
  const batches: T[][] = []
  let current: T[] = []
  let bytes = 0

  for (const item of items) {
    const n = size(item)

    if (current.length > 0 && (current.length >= MAX_BATCH || bytes + n > PACK_BYTES)) {
      batches.push(current)
      current = []
      bytes = 0
    }

    current.push(item)
    bytes += n
  }

  if (current.length > 0) {
    batches.push(current)
  }

  return batches
}

/** A report on an attempt of a task, saying nothing yet. */
export function blankReport(id: string, attempt: number): Report {
  return {
    id,
    attempt,
    status: Status.QUEUED,
    progress: 0,
    message: '',
    cidJson: false,
    failure: Failure.ERROR,
    error: '',
    elapsed: 0
  }
}

/** How a report names the error a task ended with. */
export function failureOf(err: unknown): Pick<Report, 'failure' | 'error'> {
  const error = err instanceof Error ? err.message : String(err)
  const failure =
    err instanceof Error
      ? ({
          TaskTimeoutError: Failure.TIMEOUT,
          WorkerCrashedError: Failure.CRASHED,
          TaskCancelledError: Failure.CANCELLED,
          BlockNotFoundError: Failure.UNRUNNABLE,
          InvalidCidError: Failure.UNRUNNABLE
        }[err.name] ?? Failure.ERROR)
      : Failure.ERROR

  return { failure, error }
}
