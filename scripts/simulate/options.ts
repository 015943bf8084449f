/**
 * What `npm run simulate` is asked for: its options, checked, as the runs
 * they make.
 */
import { parseArgs } from 'node:util'
import type { RunInit } from './run.js'
import { WORKLOADS, type WorkloadName } from './workloads.js'

export const USAGE = `usage: npm run simulate -- [options]
  --nodes N         nodes in the mesh (default 1000)
  --tasks N         tasks per run (default 20000; a burst is --burst tasks)
  --burst N         tasks in the burst workload (default 10000)
  --workload LIST   of ${WORKLOADS.join(', ')} (default all)
  --load LIST       offered load as a fraction of slots (default 0.7,0.95)
  --slots N         slots per node (default 4)
  --submitters N    nodes that submit, sharing the stream (default: one node in ten)
  --replicas N      copies of each block (default 3)
  --blocks N        blocks stored for data, churn and failure (default 2000)
  --churn N         nodes replaced a second in the churn workload (default 1)
  --seed N          seed of the run (default 1)
  --sweep LIST      steady runs at these mesh sizes (20 tasks a node unless --tasks), with a chart
  --out DIR         where the JSON and the chart go (default simulate-results)`

export class UsageError extends Error {
  override name = 'UsageError'
}

function count(value: string | undefined, name: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < min) {
    throw new UsageError(`--${name} must be a whole number of at least ${min}, got "${value}"`)
  }
  return n
}

function fractions(value: string | undefined, name: string, fallback: number[]): number[] {
  if (value === undefined) return fallback
  return value.split(',').map((part) => {
    const n = Number(part)
    if (!Number.isFinite(n) || n <= 0 || n > 1) {
      throw new UsageError(`--${name} takes fractions above 0 and at most 1, got "${part}"`)
    }
    return n
  })
}

function workloads(value: string | undefined): WorkloadName[] {
  if (value === undefined) return [...WORKLOADS]
  return value.split(',').map((name) => {
    if (!(WORKLOADS as readonly string[]).includes(name)) {
      throw new UsageError(`--workload takes ${WORKLOADS.join(', ')}, got "${name}"`)
    }
    return name as WorkloadName
  })
}

/** The runs the options ask for. */
export function runsOf(args: string[]): { runs: RunInit[]; out: string; sweep: boolean } {
  const { values } = parseArgs({
    args,
    options: {
      nodes: { type: 'string' },
      tasks: { type: 'string' },
      burst: { type: 'string' },
      workload: { type: 'string' },
      load: { type: 'string' },
      slots: { type: 'string' },
      submitters: { type: 'string' },
      replicas: { type: 'string' },
      blocks: { type: 'string' },
      churn: { type: 'string' },
      seed: { type: 'string' },
      sweep: { type: 'string' },
      out: { type: 'string' }
    },
    strict: true
  })
  const sizes =
    values.sweep === undefined
      ? [count(values.nodes, 'nodes', 1_000, 2)]
      : values.sweep.split(',').map((n) => count(n, 'sweep', 0, 2))
  const sweep = values.sweep !== undefined
  const runs: RunInit[] = []

  for (const nodes of sizes) {
    const base = {
      nodes,
      tasks: count(values.tasks, 'tasks', sweep ? 20 * nodes : 20_000),
      slots: count(values.slots, 'slots', 4),
      submitters: count(values.submitters, 'submitters', Math.max(1, Math.round(nodes / 10))),
      replicas: count(values.replicas, 'replicas', 3),
      blocks: count(values.blocks, 'blocks', 2_000),
      churn: Number(values.churn ?? 1),
      seed: count(values.seed, 'seed', 1, 0)
    }
    if (!(base.churn > 0)) throw new UsageError(`--churn must be above 0, got "${values.churn}"`)
    if (base.replicas > nodes) throw new UsageError('--replicas cannot exceed --nodes')

    for (const name of sweep ? (['steady'] as const) : workloads(values.workload)) {
      const loads =
        name === 'steady' && !sweep
          ? fractions(values.load, 'load', [0.7, 0.95])
          : [fractions(values.load, 'load', [0.7])[0] as number]
      for (const load of loads) {
        const tasks = name === 'burst' ? count(values.burst, 'burst', 10_000) : base.tasks
        runs.push({ ...base, name, load, tasks })
      }
    }
  }

  return { runs, out: values.out ?? 'simulate-results', sweep }
}
