/**
 * Tasks this node submitted: counts by state as big numbers, and the most
 * recent ones as a table whose rows open the task's details.
 */
import type { DashboardSnapshot, TaskCounts, TaskSummary } from '../api/dashboard/snapshot.js'
import { h, KeyedList, Meter, setAttr, setText } from './dom.js'
import {
  formatClock,
  formatDateTime,
  formatDuration,
  formatPercent,
  shortPeerId,
  shortTaskId
} from './format.js'

const COUNTED: Array<keyof TaskCounts> = [
  'pending',
  'auction',
  'running',
  'completed',
  'failed',
  'cancelled'
]

class TaskRow {
  readonly el: HTMLTableRowElement
  private readonly kind = h('td', 'kind')
  private readonly state = h('span', 'badge')
  private readonly node = h('td', 'mono')
  private readonly duration = h('td', 'num')
  private readonly outcome = h('td', 'outcome')
  private outcomeKey = ''

  constructor(task: TaskSummary, onSelect: (id: string) => void) {
    this.el = h(
      'tr',
      { class: 'clickable', data: { taskId: task.id }, attrs: { tabindex: '0' } },
      h('td', { class: 'mono', title: task.id }, shortTaskId(task.id)),
      this.kind,
      h('td', {}, this.state),
      this.node,
      h(
        'td',
        { class: 'num', title: formatDateTime(task.submittedAt) },
        formatClock(task.submittedAt)
      ),
      this.duration,
      this.outcome
    )
    this.el.addEventListener('click', () => onSelect(task.id))
    this.el.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault()
        onSelect(task.id)
      }
    })
  }

  update(task: TaskSummary, now: number, selected: boolean): void {
    setAttr(this.el, 'data-state', task.state)
    setAttr(this.el, 'aria-selected', selected ? 'true' : undefined)
    this.el.classList.toggle('selected', selected)

    setText(this.kind, task.kind)
    setAttr(this.kind, 'title', task.kind)
    setText(this.state, task.state)
    setAttr(this.state, 'data-state', task.state)
    setText(this.node, task.node === undefined ? '—' : shortPeerId(task.node))
    setAttr(this.node, 'title', task.node)

    const [duration, waiting] = durationOf(task, now)
    setText(this.duration, duration)
    this.duration.classList.toggle('muted', waiting)

    this.updateOutcome(task)
  }

  private updateOutcome(task: TaskSummary): void {
    const retry = task.attempts > 1 ? ` · attempt ${task.attempts}` : ''

    if (task.state === 'running' && task.progress !== undefined) {
      const key = `progress:${task.progress.fraction}:${task.progress.message ?? ''}${retry}`
      if (key === this.outcomeKey) return
      this.outcomeKey = key

      const meter = new Meter()
      meter.set(task.progress.fraction)
      const message = task.progress.message ? ` ${task.progress.message}` : ''
      const text = `${formatPercent(task.progress.fraction)}${message}${retry}`
      this.outcome.replaceChildren(h('div', 'progress', meter.el, h('span', {}, text)))
      setAttr(this.outcome, 'title', text)
      return
    }

    const [text, tone] = outcomeOf(task)
    const key = `${tone}:${text}${retry}`
    if (key === this.outcomeKey) return
    this.outcomeKey = key

    const parts: Node[] = [h('span', tone, text)]
    if (retry !== '') parts.push(h('span', 'muted', retry))
    this.outcome.replaceChildren(...parts)
    setAttr(this.outcome, 'title', text)
  }
}

/** What a task's duration column says, and whether it is a wait rather than a run. */
function durationOf(task: TaskSummary, now: number): [string, boolean] {
  if (task.startedAt !== undefined) {
    return [formatDuration((task.finishedAt ?? now) - task.startedAt), false]
  }
  if (task.finishedAt !== undefined) return ['—', true]

  return [`waiting ${formatDuration(now - task.submittedAt)}`, true]
}

function outcomeOf(task: TaskSummary): [string, string] {
  switch (task.state) {
    case 'completed':
      return ['✓ completed', 'ok']
    case 'failed':
      return [task.error ?? 'failed', 'error']
    case 'cancelled':
      return [task.error ?? 'cancelled', 'muted']
    case 'running':
      return ['running', 'muted']
    case 'awarded':
      return ['awarded, starting', 'muted']
    case 'auction':
      return ['collecting bids', 'muted']
    default:
      return [task.pendingReason ?? 'waiting', 'muted']
  }
}

/** The task counts and the `#tasks` table. */
export class TasksView {
  private readonly counts = new Map<string, HTMLElement>()
  private readonly rows: KeyedList<TaskSummary, TaskRow>
  private readonly empty: HTMLElement
  private readonly summary: HTMLElement
  private selected: string | undefined
  private last: DashboardSnapshot | undefined

  constructor(
    countsRoot: HTMLElement,
    table: HTMLTableElement,
    empty: HTMLElement,
    summary: HTMLElement,
    onSelect: (id: string) => void
  ) {
    for (const element of countsRoot.querySelectorAll<HTMLElement>('[data-count]')) {
      this.counts.set(element.dataset.count ?? '', element)
    }

    const body = table.tBodies[0] ?? table.createTBody()
    this.rows = new KeyedList(
      body,
      (task) => task.id,
      (task) => new TaskRow(task, onSelect)
    )
    this.empty = empty
    this.summary = summary
  }

  render(snapshot: DashboardSnapshot): void {
    this.last = snapshot
    const { counts, recent, ranHere } = snapshot.tasks

    for (const state of COUNTED) this.setCount(state, counts[state])
    this.setCount('ran-here', ranHere)

    this.rows.sync(recent, (row, task) => row.update(task, snapshot.at, task.id === this.selected))
    this.empty.hidden = recent.length > 0
    setText(this.empty, 'No tasks submitted from this node yet.')
    setText(this.summary, recent.length > 0 ? `latest ${recent.length}` : '')
  }

  /** Marks the row of this task as the one shown in the side panel, or none. */
  select(id: string | undefined): void {
    this.selected = id
    if (this.last !== undefined) this.render(this.last)
  }

  private setCount(name: string, value: number): void {
    const element = this.counts.get(name)
    if (element === undefined) return

    setText(element, String(value))
    element.closest('.count')?.classList.toggle('zero', value === 0)
  }
}
