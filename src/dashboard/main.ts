/**
 * The node's live dashboard: wires the snapshot feed to the views. Served by
 * the daemon as `/dashboard/main.js`; everything comes from `GET /v1/events`
 * and `GET /v1/tasks/<id>` on the same origin.
 */
import { ThroughputChart } from './chart.js'
import { byId } from './dom.js'
import { HeaderView } from './header.js'
import { PeersView } from './peers.js'
import { RingView } from './ring.js'
import { SnapshotStream } from './stream.js'
import { TaskDetailPanel } from './task-detail.js'
import { TasksView } from './tasks.js'

const header = new HeaderView()
const peers = new PeersView(byId('peers'), byId('peers-summary'), byId('peers-empty'))
const ring = new RingView(byId('ring-body'))
const chart = new ThroughputChart({
  plot: byId('throughput-plot'),
  completedRate: byId('rate-completed'),
  failedRate: byId('rate-failed'),
  caption: byId('throughput-caption')
})

const detail = new TaskDetailPanel(
  {
    panel: byId('task-detail'),
    title: byId('task-detail-title'),
    body: byId('task-detail-body'),
    close: byId('task-detail-close')
  },
  () => tasks.select(undefined)
)

const tasks = new TasksView(
  byId('task-counts'),
  byId('tasks'),
  byId('tasks-empty'),
  byId('tasks-summary'),
  (id) => {
    tasks.select(id)
    detail.open(id)
  }
)

new SnapshotStream({
  onStatus: (status) => header.setStatus(status),
  onSnapshot: (snapshot) => {
    document.body.dataset.ready = 'true'
    header.render(snapshot)
    peers.render(snapshot)
    ring.render(snapshot)
    tasks.render(snapshot)
    chart.render(snapshot.throughput, snapshot.at)
    detail.refresh(snapshot)
  }
}).start()
