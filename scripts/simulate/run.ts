/**
 * One simulated run: a mesh of the size asked, warmed up until every view
 * holds every node, then a workload played on it in virtual time until
 * every task has settled (and, where blocks are stored, every block is back
 * to r copies), then its figures.
 */
import { type Figures, figures, type RunLog } from './figures.js'
import { DEFAULT_NETWORK, SimMesh } from './mesh.js'
import type { NetworkInit } from './network.js'
import { churn, massFailure, plan, submit, type WorkloadInit } from './workloads.js'

/** The share of nodes the failure workload crashes at once. */
export const MASS_FAILURE = 0.1
/** Virtual time a run may take past its last submission before it is cut short. */
const OVERTIME = 600_000 // ms
/** How often recovery is checked on, in virtual ms. */
const CHECK_EVERY = 100 // ms

export interface RunInit extends WorkloadInit {
  nodes: number
  slots: number
  submitters: number
  replicas: number
  seed: number
  network?: NetworkInit
}

export async function simulate(init: RunInit): Promise<Figures> {
  const wall = performance.now()
  const changes = init.name === 'churn' ? Math.ceil(init.churn * 600) : 0
  const mesh = await SimMesh.create({
    nodes: init.nodes,
    spares: changes,
    slots: init.slots,
    submitters: Math.min(init.submitters, init.nodes),
    replicas: init.replicas,
    seed: init.seed,
    network: init.network ?? DEFAULT_NETWORK
  })
  const stores = init.name === 'data' || init.name === 'churn' || init.name === 'failure'
  const inputs = stores ? await mesh.blocks.put(init.blocks) : []
  const workload = plan(init, mesh, inputs)
  const start = mesh.clock.now()
  const submittedAt = submit(mesh, workload)
  const log: RunLog = {
    workload: init.name,
    plan: workload,
    submittedAt,
    slots: init.nodes * init.slots,
    start,
    end: start,
    advertsBefore: mesh.advertsPublished,
    wall
  }
  const stored = inputs.length * init.replicas

  if (init.name === 'churn') {
    const churned = churn(mesh, init.churn, workload.span)
    await finish(mesh, init.tasks, start + workload.span + OVERTIME, stores)
    log.idealMoved = (churned.changes * stored) / init.nodes
  } else if (init.name === 'failure') {
    log.recovery = await failAndRecover(mesh, start + workload.span / 3)
    log.idealMoved = MASS_FAILURE * stored
    await finish(mesh, init.tasks, start + workload.span + OVERTIME, stores)
  } else {
    await finish(mesh, init.tasks, start + workload.span + OVERTIME, stores)
  }

  log.end = mesh.clock.now()
  log.wall = performance.now() - wall

  return figures(mesh, log)
}

/** Runs until every task has settled and, where blocks are stored, every block is back to r copies. */
async function finish(mesh: SimMesh, tasks: number, until: number, blocks: boolean): Promise<void> {
  await mesh.clock.run(until, () => mesh.settled.size >= tasks)

  while (blocks && !mesh.blocks.settled && mesh.clock.now() < until) {
    await mesh.clock.run(mesh.clock.now() + CHECK_EVERY)
  }
}

/**
 * Crashes a tenth of the workers at `at`, then measures how long until every
 * task they held had completed elsewhere and every block was back to r
 * copies on live owners.
 */
async function failAndRecover(mesh: SimMesh, at: number): Promise<NonNullable<RunLog['recovery']>> {
  await mesh.clock.run(at)
  const crashedAt = mesh.clock.now()
  const failed = new Set(massFailure(mesh, MASS_FAILURE))
  // a block whose every copy was on the failed nodes is gone at once: no repair can bring it back
  const gone = mesh.blocks.stats().lost
  const held = new Set(
    mesh.submitters.flatMap((s) =>
      (s.submitter?.all() ?? [])
        .filter((r) => r.node !== undefined && failed.has(r.node) && r.finishedAt === undefined)
        .map((r) => r.task.id)
    )
  )
  let blocksAt: number | undefined

  const check = mesh.clock.setInterval(() => {
    if (blocksAt === undefined && mesh.blocks.settled) blocksAt = mesh.clock.now()
  }, CHECK_EVERY)
  await mesh.clock.run(
    crashedAt + OVERTIME,
    () => blocksAt !== undefined && [...held].every((id) => mesh.settled.has(id))
  )
  mesh.clock.clearInterval(check)
  const recovered = Math.max(
    crashedAt,
    ...[...held].map((id) => mesh.settled.get(id)?.finishedAt ?? Number.POSITIVE_INFINITY)
  )

  return {
    failed: failed.size,
    held: held.size,
    gone,
    tasksMs: Math.round(recovered - crashedAt),
    blocksMs: Math.round((blocksAt ?? Number.POSITIVE_INFINITY) - crashedAt)
  }
}
