import { Failure, type Report, type Status } from '../../src/scheduler/pb/tasks.js'

/** A report on a task's attempt with nothing else in it; override what a test is about. */
export function report(
  id: string,
  attempt: number,
  status: Status,
  overrides: Partial<Report> = {}
): Report {
  return {
    id,
    attempt,
    status,
    progress: 0,
    message: '',
    cidJson: false,
    failure: Failure.ERROR,
    error: '',
    elapsed: 0,
    ...overrides
  }
}

/** What each report is on, as [id, attempt, status]. */
export function shape(reports: readonly Report[]): Array<[string, number, Status]> {
  return reports.map((r) => [r.id, r.attempt, r.status])
}
