/**
 * The side panel with one task in full: its spec, where it is, and its
 * history (candidates, bids, refusals and their reasons, awards, outcome),
 * fetched from `GET /v1/tasks/<id>` and kept fresh while the task moves.
 */
import type { DashboardSnapshot, HistoryEntry, TaskInfo } from '../api/dashboard/snapshot.js'
import { type Child, h, setText } from './dom.js'
import {
  formatBytes,
  formatDateTime,
  formatDuration,
  formatPercent,
  shortPeerId
} from './format.js'

/** The most of a JSON value the panel shows, in characters. */
const MAX_JSON = 4000

const FINAL_STATES = new Set(['completed', 'failed', 'cancelled'])

/** Where the panel lives in the page. */
export interface TaskDetailElements {
  panel: HTMLElement
  title: HTMLElement
  body: HTMLElement
  close: HTMLButtonElement
}

/** The `#task-detail` panel. */
export class TaskDetailPanel {
  private readonly elements: TaskDetailElements
  private readonly onClose: () => void
  private shown: string | undefined
  private info: TaskInfo | undefined
  private request = 0
  private loading = false

  constructor(elements: TaskDetailElements, onClose: () => void) {
    this.elements = elements
    this.onClose = onClose
    elements.close.addEventListener('click', () => this.close())
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && this.shown !== undefined) this.close()
    })
  }

  /** Shows the task with this id, fetching it. */
  open(id: string): void {
    this.shown = id
    this.info = undefined
    this.elements.panel.hidden = false
    this.elements.panel.dataset.taskId = id
    setText(this.elements.title, id)
    this.elements.body.replaceChildren(h('p', 'muted', 'Loading…'))
    this.elements.close.focus()
    void this.load(id)
  }

  /** Hides the panel. */
  close(): void {
    if (this.shown === undefined) return

    this.shown = undefined
    this.info = undefined
    this.request++
    this.elements.panel.hidden = true
    delete this.elements.panel.dataset.taskId
    this.onClose()
  }

  /** Fetches the shown task again if it may have moved since it was fetched. */
  refresh(snapshot: DashboardSnapshot): void {
    const id = this.shown
    if (id === undefined || this.loading) return

    const summary = snapshot.tasks.recent.find((task) => task.id === id)
    const settled = this.info !== undefined && FINAL_STATES.has(this.info.state)

    if (settled && (summary === undefined || summary.state === this.info?.state)) return
    void this.load(id)
  }

  private async load(id: string): Promise<void> {
    const request = ++this.request
    this.loading = true

    try {
      const info = await fetchTask(id)
      if (request !== this.request) return

      this.info = info
      this.elements.body.replaceChildren(...renderTask(info))
    } catch (err) {
      if (request !== this.request) return

      const message = err instanceof Error ? err.message : String(err)
      this.elements.body.replaceChildren(h('p', 'error-box', `Could not load the task: ${message}`))
    } finally {
      if (request === this.request) this.loading = false
    }
  }
}

async function fetchTask(id: string): Promise<TaskInfo> {
  const response = await fetch(`/v1/tasks/${encodeURIComponent(id)}`, {
    credentials: 'same-origin',
    headers: { accept: 'application/json' }
  })

  if (!response.ok) {
    const body = (await response.json().catch(() => undefined)) as { error?: unknown } | undefined
    const reason = typeof body?.error === 'string' ? body.error : response.statusText
    throw new Error(`${response.status} ${reason}`)
  }

  return (await response.json()) as TaskInfo
}

function renderTask(task: TaskInfo): Node[] {
  const nodes: Node[] = [
    h(
      'div',
      'detail-status',
      h('span', { class: 'badge', data: { state: task.state } }, task.state),
      h('span', 'detail-kind', task.kind)
    )
  ]

  if (task.error !== undefined) nodes.push(h('p', 'error-box', task.error))
  if (task.state === 'pending' && task.pendingReason !== undefined) {
    nodes.push(h('p', 'note-box', task.pendingReason))
  }
  if (task.progress !== undefined && !FINAL_STATES.has(task.state)) {
    const message = task.progress.message ? ` — ${task.progress.message}` : ''
    nodes.push(h('p', 'note-box', `Progress ${formatPercent(task.progress.fraction)}${message}`))
  }

  nodes.push(h('h3', {}, 'Spec'), renderFields(task))

  if (task.resultCid !== undefined) {
    nodes.push(h('h3', {}, 'Result'), h('p', 'mono wrap', `stored as ${task.resultCid}`))
  } else if (task.result !== undefined) {
    nodes.push(h('h3', {}, 'Result'), h('pre', 'json', toJson(task.result)))
  }

  nodes.push(h('h3', {}, `History (${task.history.length})`), renderHistory(task.history))

  if (task.args !== undefined && task.args !== null) {
    nodes.push(h('h3', {}, 'Arguments'), h('pre', 'json', toJson(task.args)))
  }

  return nodes
}

function renderFields(task: TaskInfo): HTMLElement {
  const { needs } = task
  const labels = Object.entries(needs.labels ?? {})
  const rows: Array<[string, Child]> = [
    ['Kind', task.kind],
    ['Priority', String(task.priority)],
    ['Attempts', `${task.attempts} of ${task.retries + 1}`],
    [
      'Node',
      task.node === undefined
        ? '—'
        : h('span', { class: 'mono', title: task.node }, shortPeerId(task.node))
    ],
    [
      'Needs',
      h(
        'span',
        {},
        `${needs.slots} slot${needs.slots === 1 ? '' : 's'}`,
        needs.memory > 0 ? ` · ${formatBytes(needs.memory * 1024 * 1024)}` : '',
        needs.gpu > 0 ? ` · ${needs.gpu} GPU` : '',
        ...labels.map(([name, value]) => h('span', 'chip', h('b', {}, name), value))
      )
    ],
    ['Timeout', formatDuration(task.timeout)],
    ['Retries', String(task.retries)],
    ['Submitted', formatDateTime(task.submittedAt)],
    ['Started', task.startedAt === undefined ? '—' : formatDateTime(task.startedAt)],
    ['Finished', task.finishedAt === undefined ? '—' : formatDateTime(task.finishedAt)]
  ]

  if (task.startedAt !== undefined && task.finishedAt !== undefined) {
    rows.push(['Ran for', formatDuration(task.finishedAt - task.startedAt)])
  }
  if (task.inputs.length > 0) {
    rows.push([
      'Inputs',
      h('div', 'mono wrap', ...task.inputs.map((cid) => h('div', { title: cid }, cid)))
    ])
  }

  return h(
    'dl',
    'fields',
    ...rows.flatMap(([name, value]) => [h('dt', {}, name), h('dd', {}, value)])
  )
}

function renderHistory(history: HistoryEntry[]): HTMLElement {
  const start = history[0]?.at ?? 0

  return h(
    'ol',
    'history',
    ...history.map((entry) =>
      h(
        'li',
        { data: { event: entry.event } },
        h(
          'span',
          { class: 'history-time', title: formatDateTime(entry.at) },
          offset(entry.at - start)
        ),
        h('span', { class: 'history-event', data: { event: entry.event } }, entry.event),
        entry.peer === undefined
          ? h('span', 'history-peer')
          : h('span', { class: 'history-peer mono', title: entry.peer }, shortPeerId(entry.peer)),
        h('span', 'history-detail', entry.detail ?? '')
      )
    )
  )
}

function offset(ms: number): string {
  return ms <= 0 ? '0 ms' : `+${formatDuration(ms)}`
}

function toJson(value: unknown): string {
  const text = JSON.stringify(value, null, 2) ?? String(value)
  return text.length > MAX_JSON
    ? `${text.slice(0, MAX_JSON)}\n… (${text.length - MAX_JSON} more characters)`
    : text
}
