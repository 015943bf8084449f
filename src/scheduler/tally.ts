/**
 * What became of the tasks a node submitted, counted by kind, for the
 * metrics. A submitter names any kind it likes, so past `MAX_TALLIED_KINDS`
 * kinds the rest are counted together under `OTHER_KINDS`: a metric's
 * labels must stay few.
 */

export const TALLY_EVENTS = [
  'submitted',
  'awarded',
  'completed',
  'failed',
  'retried',
  'cancelled'
] as const

export type TallyEvent = (typeof TALLY_EVENTS)[number]

/** Most kinds counted apart. */
export const MAX_TALLIED_KINDS = 100
/** What the kinds past the first `MAX_TALLIED_KINDS` are counted as; no kind can be named so. */
export const OTHER_KINDS = '(other)'

export class KindTally {
  private readonly counts = new Map<string, Record<TallyEvent, number>>()

  add(kind: string, event: TallyEvent): void {
    let counts = this.counts.get(kind)

    if (counts === undefined) {
      const key = this.counts.size < MAX_TALLIED_KINDS ? kind : OTHER_KINDS
      counts = this.counts.get(key) ?? zeros()
      this.counts.set(key, counts)
    }

    counts[event]++
  }

  /** How many tasks of each kind saw `event`. */
  of(event: TallyEvent): Record<string, number> {
    const out: Record<string, number> = {}

    for (const [kind, counts] of this.counts) {
      out[kind] = counts[event]
    }

    return out
  }
}

function zeros(): Record<TallyEvent, number> {
  return Object.fromEntries(TALLY_EVENTS.map((event) => [event, 0])) as Record<TallyEvent, number>
}
