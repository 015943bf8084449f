/**
 * `mycel tasks` and `mycel task <id>`: the tasks this node submitted, at a
 * glance and one in full with its history, so "why is my task pending?" has
 * an answer at the command line.
 */
import type { Command } from 'commander'
import { InvalidTaskError } from '../../errors.js'
import { formatNeeds } from '../../scheduler/needs.js'
import type { HistoryEntry, TaskInfo, TaskSummary } from '../../scheduler/record.js'
import type { TaskState } from '../../scheduler/task.js'
import { ApiClient } from '../client.js'
import {
  formatDuration,
  formatFields,
  formatTable,
  print,
  printable,
  printJson,
  shortPeerId
} from '../output.js'
import { count, dataDirOf, wantsJson } from './options.js'

/** How much of a reason or result a line shows when the terminal's width is not known. */
const MAX_SHOWN = 120 // characters

/** Adds `mycel tasks` and `mycel task <id>`. */
export function taskCommands(program: Command): void {
  program
    .command('tasks')
    .description('list the tasks this node submitted, newest first')
    .option('--state <state>', 'only tasks in this state, e.g. pending or failed')
    .option('--limit <n>', 'at most this many (default 100)', count)
    .option('--json', 'print JSON')
    .action(async (options: { state?: string; limit?: number }, cmd: Command) => {
      if (options.limit === 0) {
        throw new InvalidTaskError('expected --limit to be 1 or more, got 0')
      }

      const query = new URLSearchParams()

      if (options.state !== undefined) query.set('state', options.state)
      if (options.limit !== undefined) query.set('limit', String(options.limit))

      const client = await ApiClient.connect(dataDirOf(cmd))
      const { tasks } = await client.get<{ tasks: TaskSummary[] }>(`/v1/tasks?${query}`)

      if (wantsJson(cmd)) {
        printJson(tasks)
        return
      }

      print(tasks.length === 0 ? 'no tasks' : formatTasks(tasks, Date.now(), terminalWidth()))
    })

  program
    .command('task')
    .argument('<id>', 'the id `mycel run --detach` or `mycel tasks` printed')
    .description('show a task: where it is, what it needs, why it waits, and what happened to it')
    .option('--json', 'print JSON')
    .action(async (id: string, _options: unknown, cmd: Command) => {
      const client = await ApiClient.connect(dataDirOf(cmd))
      const task = await client.get<TaskInfo>(`/v1/tasks/${encodeURIComponent(id)}`)

      if (wantsJson(cmd)) {
        printJson(task)
        return
      }

      print(formatTask(task, terminalWidth()))
    })
}

/**
 * What `mycel tasks` prints: one row per task, its pending reason or error
 * last, cut so that each line fits `columns` when given.
 */
export function formatTasks(tasks: readonly TaskSummary[], now: number, columns?: number): string {
  const table = formatTable(
    ['ID', 'KIND', 'STATE', 'NODE', 'AGE', 'ATTEMPTS', 'WHY'],
    tasks.map((task) => [
      task.id,
      task.kind,
      task.state,
      task.node === undefined ? '-' : shortPeerId(task.node),
      formatDuration(Math.max(0, now - task.submittedAt)),
      String(task.attempts),
      cut(oneLine(reasonOf(task)), MAX_SHOWN)
    ])
  )

  return columns === undefined
    ? table
    : table
        .split('\n')
        .map((line) => cut(line, columns - 1))
        .join('\n')
}

/** What `mycel task <id>` prints: its fields, then its history. */
export function formatTask(task: TaskInfo, columns?: number): string {
  const width = columns === undefined ? MAX_SHOWN : Math.max(20, columns - 14)
  const shown = (text: string): string => cut(oneLine(printable(text)), width)
  const needs = formatNeeds(task.needs)
  const fields: Array<[string, string | string[]]> = [
    ['id', task.id],
    ['kind', task.kind],
    ['state', stateLine(task)],
    ['node', task.node ?? '-'],
    ['priority', String(task.priority)],
    ['needs', needs === '' ? '1 slot (the default)' : needs],
    ['args', shown(JSON.stringify(task.args))],
    ['inputs', task.inputs.length === 0 ? '-' : task.inputs],
    ['attempts', `${task.attempts} (retries ${task.retries}, timeout ${formatMs(task.timeout)})`],
    ['submitted', clock(task.submittedAt)]
  ]

  if (task.startedAt !== undefined) {
    fields.push([
      'started',
      `${clock(task.startedAt)} (+${formatMs(task.startedAt - task.submittedAt)})`
    ])
  }

  if (task.finishedAt !== undefined) {
    const from = task.startedAt ?? task.submittedAt
    fields.push(['finished', `${clock(task.finishedAt)} (+${formatMs(task.finishedAt - from)})`])
  }

  if (task.pendingReason !== undefined) fields.push(['pending', shown(task.pendingReason)])
  if (task.error !== undefined) fields.push(['error', shown(task.error)])
  if (task.result !== undefined) fields.push(['result', shown(resultSummary(task.result))])
  if (task.resultCid !== undefined) fields.push(['result', `stored as ${task.resultCid}`])

  const history = formatTable(
    ['TIME', 'EVENT', 'PEER', 'DETAIL'],
    task.history.map((entry: HistoryEntry) => [
      clock(entry.at),
      entry.event,
      entry.peer === undefined ? '-' : shortPeerId(entry.peer),
      oneLine(entry.detail ?? '')
    ])
  )
  const lines = history
    .split('\n')
    .map((line) => (columns === undefined ? line : cut(line, columns - 1)))

  return `${formatFields(fields)}\n\nhistory (${task.history.length}):\n${lines.join('\n')}`
}

/** The state, with progress while running. */
function stateLine(task: TaskSummary): string {
  const { progress } = task

  if (progress === undefined || !isLive(task.state)) {
    return task.state
  }

  const message = progress.message === undefined ? '' : ` ${oneLine(progress.message)}`

  return `${task.state} ${Math.floor(progress.fraction * 100)}%${message}`
}

/** Why a task is where it is: its pending reason, its error, or how far it got. */
function reasonOf(task: TaskSummary): string {
  if (task.pendingReason !== undefined) return task.pendingReason
  if (task.error !== undefined) return task.error

  return task.progress !== undefined && isLive(task.state)
    ? stateLine(task).slice(task.state.length + 1)
    : ''
}

function isLive(state: TaskState): boolean {
  return state === 'running' || state === 'awarded'
}

/** A result as the task view shows it: JSON, or the size of a bytes result (`{ bytes: n }`). */
function resultSummary(result: unknown): string {
  const fields = typeof result === 'object' && result !== null ? Object.entries(result) : []
  const [only] = fields

  if (fields.length === 1 && only?.[0] === 'bytes' && typeof only[1] === 'number') {
    return `${only[1]} bytes`
  }

  return JSON.stringify(result) ?? 'null'
}

/** A time of day, to the millisecond: `14:02:11.123`. */
function clock(at: number): string {
  const time = new Date(at)
  const two = (n: number): string => String(n).padStart(2, '0')

  return (
    `${two(time.getHours())}:${two(time.getMinutes())}:${two(time.getSeconds())}.` +
    String(time.getMilliseconds()).padStart(3, '0')
  )
}

/** A duration: ms under ten seconds, else as `formatDuration` writes it. */
function formatMs(ms: number): string {
  return ms < 10_000 ? `${Math.round(ms)}ms` : formatDuration(ms)
}

/** Text on one line: what a peer sent may hold line breaks. */
function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ')
}

/** Text cut to `width` characters, ending in `…` when cut. */
function cut(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`
}

/** The terminal's width, when stdout is one. */
function terminalWidth(): number | undefined {
  return process.stdout.isTTY ? process.stdout.columns : undefined
}
