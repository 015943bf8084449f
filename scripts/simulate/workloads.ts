/**
 * What the simulated mesh is asked to do. Each workload is a plan of task
 * submissions in virtual time (which submitter, how long each task runs,
 * which block it reads) and, for churn and failure, what happens to the
 * nodes meanwhile.
 */
import { normalizeSpec } from '../../src/scheduler/spec.js'
import type { SimMesh } from './mesh.js'
import { type SimNode, WORK } from './node.js'
import { below, exponential, type Random, sample } from './random.js'

export const WORKLOADS = ['steady', 'burst', 'data', 'churn', 'failure'] as const
export type WorkloadName = (typeof WORKLOADS)[number]

/** Tasks of mixed length: many short, some of a second, a few long. Mean 1.2 s. */
const LENGTHS = [
  { ms: 200, share: 0.5 },
  { ms: 1_000, share: 0.35 },
  { ms: 5_000, share: 0.15 }
]
export const MEAN_LENGTH = LENGTHS.reduce((sum, l) => sum + l.ms * l.share, 0)

export interface WorkloadInit {
  name: WorkloadName
  tasks: number
  /** Offered load as a fraction of the mesh's slots. */
  load: number
  /** Nodes crashed (and as many started) a second, for churn. */
  churn: number
  /** Blocks stored, for the workloads that read data. */
  blocks: number
}

export interface PlannedTask {
  id: string
  /** When it is submitted, in ms after the workload starts. */
  at: number
  submitter: number
  ms: number
  input?: string
}

export interface Plan {
  tasks: PlannedTask[]
  /** When the last task is submitted, in ms after the start. */
  span: number
}

/** The submissions of a workload: a Poisson stream at the load asked, or one burst. */
export function plan(init: WorkloadInit, mesh: SimMesh, inputs: readonly string[]): Plan {
  const { random } = mesh
  const slots = mesh.live.length * mesh.init.slots
  const submitters = mesh.submitters.length
  const tasks: PlannedTask[] = []
  const rate = (init.load * slots) / MEAN_LENGTH // tasks a ms
  let at = 0

  for (let i = 0; i < init.tasks; i++) {
    const burst = init.name === 'burst'
    if (!burst) at += exponential(random, 1 / rate)
    const input = inputs.length === 0 ? undefined : inputs[below(random, inputs.length)]
    tasks.push({
      id: `t${i}`,
      at: burst ? 0 : at,
      submitter: burst ? 0 : below(random, submitters),
      ms: length(random),
      ...(input === undefined ? {} : { input })
    })
  }

  return { tasks, span: at }
}

/** Submits the planned tasks at their times; returns when each was submitted, by id. */
export function submit(mesh: SimMesh, plan: Plan): Map<string, number> {
  const submittedAt = new Map<string, number>()
  const start = mesh.clock.now()
  const submitters = mesh.submitters

  for (const task of plan.tasks) {
    mesh.clock.setTimeout(
      () => {
        const node = submitters[task.submitter]
        submittedAt.set(task.id, mesh.clock.now())
        node?.submitter?.submit(
          normalizeSpec(
            {
              kind: WORK,
              args: { ms: task.ms },
              ...(task.input === undefined ? {} : { inputs: [task.input] }),
              retries: 3
            },
            task.id
          )
        )
      },
      start + task.at - mesh.clock.now()
    )
  }

  return submittedAt
}

/** Nodes that may be made to fail: all but the submitters. */
export function workers(mesh: SimMesh): SimNode[] {
  return mesh.live.filter((n) => n.index >= mesh.init.submitters)
}

/** Crashes `fraction` of the workers at once; returns their ids. */
export function massFailure(mesh: SimMesh, fraction: number): string[] {
  const victims = sample(mesh.random, workers(mesh), Math.round(fraction * mesh.live.length))
  for (const node of victims) node.crash()

  return victims.map((n) => n.id)
}

/**
 * Churn for `span` ms: at the rate asked, a random worker crashes and a new
 * node starts (while spare ids last). Returns how many changes were made.
 */
export function churn(mesh: SimMesh, perSecond: number, span: number): { changes: number } {
  const outcome = { changes: 0 }
  if (perSecond <= 0) return outcome

  const gap = 1_000 / perSecond
  const start = mesh.clock.now()

  const next = (): void => {
    if (mesh.clock.now() - start > span) return
    const [victim] = sample(mesh.random, workers(mesh), 1)
    if (victim !== undefined) {
      victim.crash()
      outcome.changes++
    }
    if (mesh.add() !== undefined) outcome.changes++
    mesh.clock.setTimeout(next, gap)
  }

  mesh.clock.setTimeout(next, gap)

  return outcome
}

function length(random: Random): number {
  let draw = random()

  for (const { ms, share } of LENGTHS) {
    draw -= share
    if (draw < 0) return ms
  }

  return LENGTHS[0]?.ms ?? 1_000
}
