import type { Report, Status } from '../../src/scheduler/pb/tasks.js'
import { blankReport } from '../../src/scheduler/wire.js'

/** A report on a task's attempt with nothing else in it; override what a test is about. */
export function report(
  id: string,
  attempt: number,
  status: Status,
  overrides: Partial<Report> = {}
): Report {
  return { ...blankReport(id, attempt), status, ...overrides }
}

/** What each report is on, as [id, attempt, status]. */
export function shape(reports: readonly Report[]): Array<[string, number, Status]> {
  return reports.map((r) => [r.id, r.attempt, r.status])
}
