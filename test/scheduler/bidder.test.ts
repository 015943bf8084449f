import { describe, expect, it } from 'vitest'
import { seeded as random } from '../../scripts/simulate/random.js'
import {
  Bidder,
  type BidderInit,
  type BidTerms,
  DEFAULT_QUEUE_DEPTH,
  DEFAULT_RESERVATION_TTL,
  type Held,
  type HeldState,
  type OfferedTask,
  type ProposalAnswer,
  type SelfOffer
} from '../../src/scheduler/bidder.js'
import { DEFAULT_RUN_TIME } from '../../src/scheduler/estimates.js'
import { AGING_INTERVAL } from '../../src/scheduler/queue.js'
import type { TaskNeeds } from '../../src/scheduler/task.js'

const TTL = DEFAULT_RESERVATION_TTL

/** A node that runs `work` and `render` with 4 slots, 8 GiB (4 GiB free), 1 GPU and zone=eu. */
const self: SelfOffer = {
  kinds: new Set(['work', 'render']),
  slots: 4,
  memory: 8192,
  memoryFree: 4096,
  gpu: 1,
  labels: { zone: 'eu' }
}

type OfferOverrides = Partial<Omit<OfferedTask, 'id' | 'needs'>> & { needs?: Partial<TaskNeeds> }

/** A 1-slot `work` task of priority 0 whose inputs are here; override what a test is about. */
function offer(id: string, overrides: OfferOverrides = {}): OfferedTask {
  const { needs, ...rest } = overrides

  return {
    id,
    kind: 'work',
    priority: 0,
    fetchBytes: 0,
    ...rest,
    needs: { slots: 1, memory: 0, gpu: 0, labels: {}, ...needs }
  }
}

/** One slot, no GPU and no queue beyond it, unless told otherwise. */
function bidder(init: Partial<BidderInit> = {}): Bidder<string> {
  return new Bidder<string>({ slots: 1, gpu: 0, queueDepth: 0, ...init })
}

/** The answer to a call for proposals of one task. */
function ask(
  b: Bidder<string>,
  task: OfferedTask,
  now: number,
  submitter = 'alice'
): ProposalAnswer {
  const [answer] = b.propose(submitter, [task], self, now)

  return answer!
}

function bidOf(answer: ProposalAnswer | undefined): BidTerms {
  if (answer === undefined || !('bid' in answer)) {
    throw new Error(`expected a bid, got ${JSON.stringify(answer)}`)
  }

  return answer.bid
}

function refusalOf(answer: ProposalAnswer | undefined): string {
  if (answer === undefined || !('refusal' in answer)) {
    throw new Error(`expected a refusal, got ${JSON.stringify(answer)}`)
  }

  return answer.refusal
}

/** Bids for a task and wins it, so that it waits in the queue. */
function take(b: Bidder<string>, task: OfferedTask, now: number, submitter = 'alice'): void {
  bidOf(ask(b, task, now, submitter))

  expect(b.award(submitter, task.id, `award ${task.id}`, now)).toEqual({ accepted: true })
}

/** Bids for a task, wins it and starts it; the node must have nothing else queued. */
function start(b: Bidder<string>, task: OfferedTask, now: number, submitter = 'alice') {
  take(b, task, now, submitter)
  const held = b.next(now)

  expect(held?.id).toBe(task.id)

  return held!
}

/** Runs one task of `kind` that takes `ms`, so the node learns from it. */
function timeOne(b: Bidder<string>, id: string, ms: number, at: number, kind = 'work'): void {
  b.finish(start(b, offer(id, { kind }), at), at + ms)
}

describe('Bidder', () => {
  describe('bids', () => {
    it('bids to start at once on an idle node, with the default run time and its terms', () => {
      const b = bidder({ slots: 2 })

      expect(ask(b, offer('a', { fetchBytes: 1234 }), 0)).toEqual({
        bid: { startDelay: 0, runTime: DEFAULT_RUN_TIME, fetchBytes: 1234, expires: TTL }
      })
      expect(bidOf(ask(bidder({ reservationTtl: 500 }), offer('a'), 0)).expires).toBe(500)
    })

    it('takes slots × (1 + queueDepth) slot units, the queue depth by default 32', () => {
      expect(bidder({ slots: 3, queueDepth: 2 }).room).toBe(9)
      expect(new Bidder({ slots: 2, gpu: 0 }).room).toBe(2 * (1 + DEFAULT_QUEUE_DEPTH))
    })

    it('reserves, so a full node refuses the next call as busy until the bid is released', () => {
      const b = bidder()

      bidOf(ask(b, offer('a'), 0))

      expect(b.room).toBe(0)
      expect(refusalOf(ask(b, offer('b'), 1))).toBe(
        'busy: 0 of 1 slots running and the queue is full'
      )
      expect(b.release('alice', ['a'])).toBe(1)
      expect(b.room).toBe(1)
      expect(bidOf(ask(b, offer('b'), 2)).startDelay).toBe(0)
      expect(b.get('alice', 'a')).toBeUndefined()
      expect(b.get('alice', 'b')?.state).toBe('reserved')
    })

    it('bids again once the reservation has lapsed, and not a moment before', () => {
      const b = bidder()

      bidOf(ask(b, offer('a'), 1_000))

      expect(refusalOf(ask(b, offer('b'), 1_000 + TTL))).toMatch(/^busy:/)
      expect(bidOf(ask(b, offer('b'), 1_000 + TTL + 1)).startDelay).toBe(0)
      expect(b.get('alice', 'a')).toBeUndefined()
    })

    it('drops lapsed reservations on expire, and tells how many', () => {
      const b = bidder({ slots: 2, reservationTtl: 500 })

      bidOf(ask(b, offer('a'), 0))
      bidOf(ask(b, offer('b'), 100))

      expect(b.expire(500)).toBe(0)
      expect(b.expire(501)).toBe(1)
      expect(b.room).toBe(1)
      expect(b.get('alice', 'a')).toBeUndefined()
      expect(b.get('alice', 'b')?.state).toBe('reserved')
      expect(b.expire(601)).toBe(1)
      expect(b.room).toBe(2)
      expect(b.expire(10_000)).toBe(0)
    })

    it('does not expire awarded tasks', () => {
      const b = bidder()

      take(b, offer('a'), 0)

      expect(b.expire(10 * TTL)).toBe(0)
      expect(b.get('alice', 'a')?.state).toBe('queued')
      expect(b.room).toBe(0)
    })

    it('renews a reservation asked for again, without reserving twice', () => {
      const b = bidder()

      bidOf(ask(b, offer('a'), 0))
      bidOf(ask(b, offer('a'), 1_500))

      expect(b.room).toBe(0)
      expect(b.get('alice', 'a')?.expires).toBe(1_500 + TTL)
      expect(b.award('alice', 'a', 'x', 1_500 + TTL)).toEqual({ accepted: true })
    })

    it('keeps one reservation per submitter and task, so two submitters may bid the same id', () => {
      const b = bidder({ slots: 2 })

      bidOf(ask(b, offer('a'), 0, 'alice'))
      bidOf(ask(b, offer('a'), 0, 'bob'))

      expect(b.room).toBe(0)
      expect(b.get('alice', 'a')?.submitter).toBe('alice')
      expect(b.get('bob', 'a')?.submitter).toBe('bob')
    })

    it('never holds more than slots × (1 + queueDepth) slot units, whatever the order of events', () => {
      for (const seed of [1, 2, 3, 42, 1234]) {
        const next = random(seed)
        const slots = 1 + Math.floor(next() * 3)
        const queueDepth = Math.floor(next() * 4)
        const limit = slots * (1 + queueDepth)
        const b = bidder({ slots, queueDepth, reservationTtl: 100 })
        const submitters = ['alice', 'bob']
        let known: Array<{ submitter: string; id: string }> = []
        const running: Held<string>[] = []
        let now = 0
        let seq = 0
        let busy = 0
        let full = 0

        const pick = <E>(list: E[]): E | undefined => list[Math.floor(next() * list.length)]

        for (let step = 0; step < 1_500; step++) {
          now += Math.floor(next() * 20)
          const roll = next()

          if (roll < 0.4) {
            const submitter = pick(submitters)!
            const offers = Array.from({ length: 1 + Math.floor(next() * 4) }, () =>
              offer(`t${seq++}`, {
                needs: { slots: 1 + Math.floor(next() * Math.min(2, slots)) },
                priority: Math.floor(next() * 3),
                fetchBytes: next() < 0.5 ? 0 : 1_000
              })
            )
            const answers = b.propose(submitter, offers, self, now)

            offers.forEach((task, i) => {
              const answer = answers[i]

              if (answer !== undefined && 'refusal' in answer) {
                expect(answer.refusal).toMatch(/^busy:/)
                busy++
              } else {
                known.push({ submitter, id: task.id })
              }
            })
          } else if (roll < 0.65) {
            const one = pick(known)
            if (one !== undefined) b.award(one.submitter, one.id, 'x', now)
          } else if (roll < 0.7) {
            const one = pick(known)
            if (one !== undefined) b.release(one.submitter, [one.id])
          } else if (roll < 0.75) {
            const one = pick(known)
            if (one !== undefined) b.cancel(one.submitter, one.id)
          } else if (roll < 0.9) {
            const started = b.next(now)
            if (started !== undefined) running.push(started)
          } else if (running.length > 0) {
            const [done] = running.splice(Math.floor(next() * running.length), 1)
            b.finish(done!, now)
          }

          const units: Record<HeldState, number> = { reserved: 0, queued: 0, running: 0 }

          for (const { submitter, id } of known) {
            const held = b.get(submitter, id)
            if (held !== undefined) units[held.state] += held.needs.slots
          }

          const total = units.reserved + units.queued + units.running

          expect(total).toBeLessThanOrEqual(limit)
          expect(units.running).toBeLessThanOrEqual(slots)
          expect(b.room).toBe(limit - total)
          expect(b.load).toEqual({ busy: units.running, queued: units.queued })

          if (total === limit) full++
          known = known.filter(({ submitter, id }) => b.get(submitter, id) !== undefined)
        }

        expect(busy).toBeGreaterThan(0)
        expect(full).toBeGreaterThan(0)
      }
    })
  })

  describe('locality', () => {
    it('keeps a quarter of the queue for tasks whose inputs are here', () => {
      const b = bidder({ slots: 1, queueDepth: 3 })

      bidOf(ask(b, offer('a', { fetchBytes: 10 }), 0))
      bidOf(ask(b, offer('b', { fetchBytes: 10 }), 0))
      bidOf(ask(b, offer('c', { fetchBytes: 10 }), 0))

      expect(b.room).toBe(1)
      expect(refusalOf(ask(b, offer('d', { fetchBytes: 10 }), 0))).toBe(
        'busy: 0 of 1 slots running and the queue is full'
      )
      expect(bidOf(ask(b, offer('e'), 0)).fetchBytes).toBe(0)
      expect(b.room).toBe(0)
    })

    it("lets a second submitter bid on a node one submitter's open bids fill, down to half", () => {
      const b = bidder({ slots: 1, queueDepth: 7 })

      for (let i = 0; i < 8; i++) bidOf(ask(b, offer(`m${i}`), 0, 'mallory'))
      expect(b.room).toBe(0)

      // the newest of mallory's bids give way, never more than down to half the node
      for (let i = 0; i < 4; i++) bidOf(ask(b, offer(`a${i}`), 1, 'alice'))
      expect(refusalOf(ask(b, offer('a4'), 1, 'alice'))).toMatch(/^busy/)
      expect(b.award('mallory', 'm7', 'award', 2)).toEqual({
        reason: 'the bid gave way to another submitter'
      })
      expect(b.award('mallory', 'm0', 'award', 2)).toEqual({ accepted: true })
      expect(b.award('alice', 'a0', 'award', 2)).toEqual({ accepted: true })
    })

    it('lets a lone submitter fill the whole node', () => {
      const b = bidder({ slots: 1, queueDepth: 7 })

      for (let i = 0; i < 8; i++) bidOf(ask(b, offer(`a${i}`), 0, 'alice'))
      expect(refusalOf(ask(b, offer('a8'), 0, 'alice'))).toMatch(/^busy/)
    })

    it('still takes a slot of fetching work when the queue is too short to keep a quarter of', () => {
      const b = bidder({ slots: 2, queueDepth: 0 })

      bidOf(ask(b, offer('a', { fetchBytes: 10 }), 0))
      bidOf(ask(b, offer('b', { fetchBytes: 10 }), 0))

      expect(b.room).toBe(0)
    })

    it('reserves local tasks first, then by priority, and answers in the order asked', () => {
      const b = bidder()
      const answers = b.propose(
        'alice',
        [offer('far', { fetchBytes: 10, priority: 9 }), offer('near')],
        self,
        0
      )

      expect(refusalOf(answers[0])).toMatch(/^busy:/)
      expect(bidOf(answers[1]).fetchBytes).toBe(0)
      expect(b.get('alice', 'near')?.state).toBe('reserved')

      const byPriority = bidder().propose(
        'alice',
        [offer('low', { priority: 1 }), offer('high', { priority: 2 })],
        self,
        0
      )

      expect(refusalOf(byPriority[0])).toMatch(/^busy:/)
      expect(bidOf(byPriority[1]).startDelay).toBe(0)
    })
  })

  describe('refusals', () => {
    const refusals: Array<[string, OfferedTask, string]> = [
      ['a kind it does not run', offer('a', { kind: 'paint' }), 'this node does not run "paint"'],
      [
        'more slots than it has',
        offer('a', { needs: { slots: 5 } }),
        'this node has 4 slots, the task needs 5'
      ],
      [
        'more memory than it has',
        offer('a', { needs: { memory: 16_384 } }),
        'this node has 8192 MiB of memory, the task needs 16384 MiB'
      ],
      [
        'more GPUs than it has',
        offer('a', { needs: { gpu: 2 } }),
        'this node has 1 GPU, the task needs 2'
      ],
      [
        'a label it lacks',
        offer('a', { needs: { labels: { disk: 'ssd' } } }),
        'this node lacks label disk=ssd'
      ],
      [
        'a label it has another value of',
        offer('a', { needs: { labels: { zone: 'us' } } }),
        'this node lacks label zone=us (has zone=eu)'
      ],
      [
        'more memory than is free',
        offer('a', { needs: { memory: 6_000 } }),
        'this node has 4096 MiB free, the task needs 6000 MiB'
      ]
    ]

    it.each(refusals)(
      'refuses a task that needs %s, with the reason, reserving nothing',
      (_, task, reason) => {
        const b = bidder({ slots: 2 })

        expect(ask(b, task, 0)).toEqual({ refusal: reason })
        expect(b.room).toBe(2)
        expect(b.get('alice', 'a')).toBeUndefined()
      }
    )

    it('takes a task that needs exactly what the node has', () => {
      const b = bidder({ slots: 4 })
      const task = offer('a', {
        kind: 'render',
        needs: { slots: 4, memory: 4096, gpu: 1, labels: { zone: 'eu' } }
      })

      expect(bidOf(ask(b, task, 0)).startDelay).toBe(0)
      expect(b.room).toBe(0)
    })

    it('rounds the free memory down in its reason', () => {
      const b = bidder()
      const [answer] = b.propose(
        'alice',
        [offer('a', { needs: { memory: 100 } })],
        { ...self, memoryFree: 99.9 },
        0
      )

      expect(refusalOf(answer)).toBe('this node has 99 MiB free, the task needs 100 MiB')
    })

    it('refuses a task it holds already, queued or running', () => {
      const b = bidder({ slots: 2, queueDepth: 1 })

      take(b, offer('a'), 0)

      expect(refusalOf(ask(b, offer('a'), 1))).toBe('this node already holds the task')

      b.next(1)

      expect(refusalOf(ask(b, offer('a'), 2))).toBe('this node already holds the task')
      expect(b.get('alice', 'a')?.state).toBe('running')
      expect(b.room).toBe(3)
    })
  })

  describe('award', () => {
    it('accepts an award against an open reservation and queues the task with what it carried', () => {
      const b = bidder()

      bidOf(ask(b, offer('a'), 0))

      expect(b.award('alice', 'a', 'payload', TTL)).toEqual({ accepted: true })
      expect(b.get('alice', 'a')).toMatchObject({ state: 'queued', award: 'payload' })
      expect(b.load).toEqual({ busy: 0, queued: 1 })
      expect(b.room).toBe(0)
    })

    it('declines an award whose reservation expired, and frees what it held', () => {
      const b = bidder()

      bidOf(ask(b, offer('a'), 0))

      expect(b.award('alice', 'a', 'x', TTL + 1)).toEqual({ reason: 'the reservation expired' })
      expect(b.get('alice', 'a')).toBeUndefined()
      expect(b.room).toBe(1)
      expect(b.load).toEqual({ busy: 0, queued: 0 })
      expect(b.award('alice', 'a', 'x', TTL + 2)).toEqual({ reason: 'no open bid for this task' })
    })

    it('declines an award for a reservation already dropped as expired', () => {
      const b = bidder()

      bidOf(ask(b, offer('a'), 0))
      b.expire(TTL + 1)

      expect(b.award('alice', 'a', 'x', TTL + 1)).toEqual({ reason: 'no open bid for this task' })
    })

    it('declines an award for a task it never bid on', () => {
      expect(bidder().award('alice', 'a', 'x', 0)).toEqual({ reason: 'no open bid for this task' })
    })

    it("lets no other submitter award or release a submitter's reservation", () => {
      const b = bidder()

      bidOf(ask(b, offer('a'), 0, 'alice'))

      expect(b.award('bob', 'a', 'x', 1)).toEqual({ reason: 'no open bid for this task' })
      expect(b.release('bob', ['a'])).toBe(0)
      expect(b.get('alice', 'a')?.state).toBe('reserved')
      expect(b.room).toBe(0)
      expect(b.award('alice', 'a', 'x', 2)).toEqual({ accepted: true })
    })

    it('accepts the same award twice but queues the task once, keeping the first award', () => {
      const b = bidder({ slots: 1, queueDepth: 1 })

      bidOf(ask(b, offer('a'), 0))

      expect(b.award('alice', 'a', 'first', 1)).toEqual({ accepted: true })
      expect(b.award('alice', 'a', 'again', 2)).toEqual({ accepted: true })
      expect(b.load).toEqual({ busy: 0, queued: 1 })
      expect(b.room).toBe(1)
      expect(b.next(3)?.award).toBe('first')
      expect(b.award('alice', 'a', 'late', TTL * 10)).toEqual({ accepted: true })
      expect(b.load).toEqual({ busy: 1, queued: 0 })

      b.finish(b.get('alice', 'a')!, 4)

      expect(b.next(5)).toBeUndefined()
    })
  })

  describe('release', () => {
    it('lets go of reservations only, and tells how many it let go of', () => {
      const b = bidder({ slots: 1, queueDepth: 3 })

      bidOf(ask(b, offer('a'), 0))
      bidOf(ask(b, offer('b'), 0))
      take(b, offer('c'), 0)

      expect(b.release('alice', ['a', 'b', 'c', 'unknown'])).toBe(2)
      expect(b.get('alice', 'c')?.state).toBe('queued')
      expect(b.room).toBe(3)
      expect(b.release('alice', ['a'])).toBe(0)
      expect(b.room).toBe(3)
    })
  })

  describe('next', () => {
    it('has nothing to run when nothing is queued, reserved or not', () => {
      const b = bidder()

      expect(b.next(0)).toBeUndefined()

      bidOf(ask(b, offer('a'), 0))

      expect(b.next(0)).toBeUndefined()
    })

    it('runs the highest priority first, one per free slot, and the next when one finishes', () => {
      const b = bidder({ slots: 1, queueDepth: 3 })

      take(b, offer('low', { priority: 0 }), 0)
      take(b, offer('high', { priority: 5 }), 0)
      take(b, offer('mid', { priority: 2 }), 0)

      const first = b.next(10)

      expect(first).toMatchObject({ id: 'high', state: 'running', startedAt: 10 })
      expect(b.next(10)).toBeUndefined()
      expect(b.load).toEqual({ busy: 1, queued: 2 })

      b.finish(first!, 20)

      expect(b.load).toEqual({ busy: 0, queued: 2 })
      expect(b.room).toBe(2)
      expect(b.next(20)?.id).toBe('mid')
      expect(b.load).toEqual({ busy: 1, queued: 1 })
    })

    it('lets a task that waited long pass a newer one of higher priority', () => {
      const b = bidder({ slots: 1, queueDepth: 3 })

      take(b, offer('old', { priority: 0 }), 0)
      take(b, offer('new', { priority: 1 }), 2 * AGING_INTERVAL)

      expect(b.next(2 * AGING_INTERVAL)?.id).toBe('old')
    })

    it('runs as many as there are slots', () => {
      const b = bidder({ slots: 2, queueDepth: 1 })

      for (const id of ['a', 'b', 'c']) take(b, offer(id), 0)

      expect(b.next(0)?.id).toBe('a')
      expect(b.next(0)?.id).toBe('b')
      expect(b.next(0)).toBeUndefined()
      expect(b.load).toEqual({ busy: 2, queued: 1 })
    })

    it('waits for the slots the first in line needs rather than passing it', () => {
      const b = bidder({ slots: 2, queueDepth: 2 })
      const small = start(b, offer('small'), 0)

      take(b, offer('wide', { priority: 5, needs: { slots: 2 } }), 0)
      take(b, offer('narrow', { priority: 0 }), 0)

      expect(b.next(1)).toBeUndefined()

      b.finish(small, 2)

      expect(b.next(2)?.id).toBe('wide')
      expect(b.load).toEqual({ busy: 2, queued: 1 })
    })

    it('runs no more GPU tasks at once than it has GPUs', () => {
      const b = bidder({ slots: 2, gpu: 1, queueDepth: 1 })

      take(b, offer('g1', { needs: { gpu: 1 } }), 0)
      take(b, offer('g2', { needs: { gpu: 1 } }), 0)

      const first = b.next(0)

      expect(first?.id).toBe('g1')
      expect(b.next(0)).toBeUndefined()

      b.finish(first!, 5)

      expect(b.next(5)?.id).toBe('g2')
    })

    it('runs GPU tasks once its GPUs are known', () => {
      const b = bidder({ slots: 1, gpu: 0 })

      take(b, offer('g', { needs: { gpu: 1 } }), 0)

      expect(b.next(0)).toBeUndefined()

      b.setGpu(1)

      expect(b.next(0)?.id).toBe('g')
    })
  })

  describe('finish', () => {
    it('frees the slot and all the task held', () => {
      const b = bidder()
      const held = start(b, offer('a'), 0)

      expect(b.room).toBe(0)

      b.finish(held, 10)

      expect(b.room).toBe(1)
      expect(b.load).toEqual({ busy: 0, queued: 0 })
      expect(b.get('alice', 'a')).toBeUndefined()
    })

    it('learns what a kind takes as a running average weighted 0.2 to the newest', () => {
      const b = bidder()

      expect(b.runTime('work')).toBe(DEFAULT_RUN_TIME)

      timeOne(b, 'a', 100, 0)

      expect(b.runTime('work')).toBe(100)

      timeOne(b, 'b', 200, 1_000)

      expect(b.runTime('work')).toBeCloseTo(120)

      timeOne(b, 'c', 0, 2_000)

      expect(b.runTime('work')).toBeCloseTo(96)
      expect(bidOf(ask(b, offer('d'), 3_000)).runTime).toBe(96)
      expect(b.runTime('render')).toBe(DEFAULT_RUN_TIME)
      expect(bidOf(ask(bidder(), offer('e', { kind: 'render' }), 3_000)).runTime).toBe(
        DEFAULT_RUN_TIME
      )
    })

    it('expects a task to take at least 1 ms however fast its kind ran', () => {
      const b = bidder()

      timeOne(b, 'a', 0, 0)

      expect(b.runTime('work')).toBe(1)
    })

    it('learns nothing from a task that was not timed', () => {
      const b = bidder()

      b.finish(start(b, offer('a'), 0), 500, false)

      expect(b.runTime('work')).toBe(DEFAULT_RUN_TIME)
      expect(b.room).toBe(1)
    })

    it('ignores a task finished twice', () => {
      const b = bidder({ slots: 2 })
      const held = start(b, offer('a'), 0)

      b.finish(held, 100)
      b.finish(held, 900)

      expect(b.room).toBe(2)
      expect(b.load).toEqual({ busy: 0, queued: 0 })
      expect(b.runTime('work')).toBe(100)
    })
  })

  describe('start delay', () => {
    it('bids a start delay for the work queued ahead at the same or a higher priority', () => {
      const b = bidder({ slots: 1, queueDepth: 8 })

      timeOne(b, 'learn', 100, 0)
      take(b, offer('queued', { priority: 5 }), 1_000)

      const delay = (priority: number): number => {
        const bid = bidOf(ask(b, offer(`p${priority}`, { priority }), 1_000))

        b.release('alice', [`p${priority}`])

        return bid.startDelay
      }

      expect(delay(10)).toBe(0)
      expect(delay(5)).toBe(100)
      expect(delay(0)).toBe(100)

      take(b, offer('more', { priority: 0 }), 1_000)

      expect(delay(10)).toBe(0)
      expect(delay(5)).toBe(100)
      expect(delay(0)).toBe(200)
    })

    it('counts reservations ahead as well as queued tasks', () => {
      const b = bidder({ slots: 1, queueDepth: 8 })

      timeOne(b, 'learn', 100, 0)
      const [high, low] = b
        .propose(
          'alice',
          [offer('low', { priority: 0 }), offer('high', { priority: 5 })],
          self,
          1_000
        )
        .reverse()

      expect(bidOf(high).startDelay).toBe(0)
      expect(bidOf(low).startDelay).toBe(100)
    })

    it('counts what is left of the running work', () => {
      const b = bidder({ slots: 1, queueDepth: 8 })

      timeOne(b, 'learn', 100, 0)
      start(b, offer('running', { priority: 0 }), 1_000)

      expect(bidOf(ask(b, offer('a', { priority: 9 }), 1_030)).startDelay).toBe(70)
    })

    it('never bids an immediate start while every slot is busy', () => {
      const b = bidder({ slots: 1, queueDepth: 8 })

      timeOne(b, 'learn', 100, 0)
      start(b, offer('running', { priority: 0 }), 1_000)

      expect(bidOf(ask(b, offer('a', { priority: 9 }), 5_000)).startDelay).toBe(1)
    })

    it('spreads the work ahead over the slots', () => {
      const b = bidder({ slots: 2, queueDepth: 8 })

      timeOne(b, 'learn', 100, 0)
      take(b, offer('a'), 1_000)
      take(b, offer('b'), 1_000)
      take(b, offer('c'), 1_000)

      expect(bidOf(ask(b, offer('d'), 1_000)).startDelay).toBe(150)
    })

    it('weighs a multi-slot task by its slots', () => {
      const b = bidder({ slots: 2, queueDepth: 8 })

      timeOne(b, 'learn', 100, 0)
      take(b, offer('wide', { needs: { slots: 2 } }), 1_000)

      expect(bidOf(ask(b, offer('d'), 1_000)).startDelay).toBe(100)
    })
  })

  describe('claim (a direct award)', () => {
    it('takes a task at once on a free slot, queued to run next', () => {
      const b = bidder({ slots: 1, queueDepth: 8 })

      expect(b.claim('alice', offer('a'), 'award a', self, 0)).toEqual({ accepted: true })
      expect(b.load).toEqual({ busy: 0, queued: 1 })
      expect(b.next(0)?.award).toBe('award a')
    })

    it('declines while every slot is running or spoken for, so the submitter asks for bids', () => {
      const b = bidder({ slots: 1, queueDepth: 8 })
      start(b, offer('running'), 0)

      expect(b.claim('alice', offer('a'), 'award a', self, 0)).toEqual({
        reason: 'busy: 1 of 1 slots running, 0 queued, 0 reserved'
      })
      expect(b.get('alice', 'a')).toBeUndefined()
      // a queue has room, so an auction's bid is still possible
      bidOf(ask(b, offer('b'), 0))
    })

    it("declines a free slot that another submitter's open bid has reserved", () => {
      const b = bidder({ slots: 1, queueDepth: 8 })
      bidOf(ask(b, offer('theirs'), 0, 'bob'))

      expect(b.claim('alice', offer('a'), 'award a', self, 0)).toEqual({
        reason: 'busy: 0 of 1 slots running, 0 queued, 1 reserved'
      })
      // once bob lets it go, the slot can be claimed
      b.release('bob', ['theirs'])
      expect(b.claim('alice', offer('a'), 'award a', self, 1)).toEqual({ accepted: true })
    })

    it('declines a task that needs a GPU while the GPUs are in use', () => {
      const b = bidder({ slots: 2, gpu: 1, queueDepth: 8 })
      start(b, offer('render', { needs: { gpu: 1 } }), 0)

      expect(b.claim('alice', offer('a', { needs: { gpu: 1 } }), 'x', self, 0)).toEqual({
        reason: 'busy: 1 of 1 GPUs in use'
      })
      expect(b.claim('alice', offer('b'), 'y', self, 0)).toEqual({ accepted: true })
    })

    it('declines while a task is queued ahead, even one waiting for a GPU with slots free', () => {
      const b = bidder({ slots: 3, gpu: 1, queueDepth: 8 })
      start(b, offer('render', { needs: { gpu: 1 } }), 0)
      take(b, offer('waiting', { needs: { gpu: 1 } }), 0)

      expect(b.next(0)).toBeUndefined()
      expect(b.claim('alice', offer('a'), 'award a', self, 0)).toEqual({
        reason: 'busy: 1 of 3 slots running, 1 queued, 0 reserved'
      })
      expect(b.get('alice', 'a')).toBeUndefined()
    })

    it('takes the place of its own reservation on the task rather than counting it twice', () => {
      const b = bidder({ slots: 1, queueDepth: 8 })
      bidOf(ask(b, offer('a'), 0))

      expect(b.claim('alice', offer('a'), 'award a', self, 1)).toEqual({ accepted: true })
      expect(b.load).toEqual({ busy: 0, queued: 1 })
      expect(b.room).toBe(8)
      expect(b.next(1)?.award).toBe('award a')
    })

    it('declines what the node cannot run, with the reason', () => {
      const b = bidder({ slots: 1, queueDepth: 8 })

      expect(b.claim('alice', offer('a', { kind: 'paint' }), 'x', self, 0)).toEqual({
        reason: 'this node does not run "paint"'
      })
    })

    it('answers the same claim again as taken, once', () => {
      const b = bidder({ slots: 1, queueDepth: 8 })

      b.claim('alice', offer('a'), 'award a', self, 0)
      expect(b.claim('alice', offer('a'), 'award a', self, 1)).toEqual({ accepted: true })
      expect(b.load).toEqual({ busy: 0, queued: 1 })
    })
  })

  describe('cancel', () => {
    it('drops a queued task and frees its slots', () => {
      const b = bidder({ slots: 1, queueDepth: 1 })

      take(b, offer('a', { needs: { slots: 1 } }), 0)
      take(b, offer('b'), 0)

      expect(b.cancel('alice', 'a')?.state).toBe('queued')
      expect(b.get('alice', 'a')).toBeUndefined()
      expect(b.room).toBe(1)
      expect(b.load).toEqual({ busy: 0, queued: 1 })
      expect(b.next(1)?.id).toBe('b')
    })

    it('drops a reservation', () => {
      const b = bidder()

      bidOf(ask(b, offer('a'), 0))

      expect(b.cancel('alice', 'a')?.state).toBe('reserved')
      expect(b.room).toBe(1)
      expect(b.award('alice', 'a', 'x', 1)).toEqual({ reason: 'no open bid for this task' })
    })

    it('returns a running task for the caller to stop, holding its slot until it finishes', () => {
      const b = bidder()
      const held = start(b, offer('a'), 0)

      expect(b.cancel('alice', 'a')).toBe(held)
      expect(held.state).toBe('running')
      expect(b.get('alice', 'a')).toBe(held)
      expect(b.load).toEqual({ busy: 1, queued: 0 })
      expect(b.room).toBe(0)

      b.finish(held, 5, false)

      expect(b.room).toBe(1)
      expect(b.load).toEqual({ busy: 0, queued: 0 })
    })

    it("knows nothing of a task it does not hold, or of another submitter's", () => {
      const b = bidder()

      take(b, offer('a'), 0, 'alice')

      expect(b.cancel('alice', 'unknown')).toBeUndefined()
      expect(b.cancel('bob', 'a')).toBeUndefined()
      expect(b.get('alice', 'a')?.state).toBe('queued')
      expect(b.room).toBe(0)
    })
  })

  describe('dropSubmitter', () => {
    it("drops a submitter's reservations and queue, returns what runs, and leaves the others", () => {
      const b = bidder({ slots: 2, queueDepth: 8 })
      const running = start(b, offer('run'), 0, 'alice')

      take(b, offer('queued', { priority: 9 }), 0, 'alice')
      bidOf(ask(b, offer('reserved'), 0, 'alice'))
      take(b, offer('other'), 0, 'bob')
      bidOf(ask(b, offer('other-reserved'), 0, 'bob'))

      expect(b.room).toBe(13)
      expect(b.dropSubmitter('alice')).toEqual([running])
      expect(b.get('alice', 'queued')).toBeUndefined()
      expect(b.get('alice', 'reserved')).toBeUndefined()
      expect(b.get('alice', 'run')).toBe(running)
      expect(b.get('bob', 'other')?.state).toBe('queued')
      expect(b.get('bob', 'other-reserved')?.state).toBe('reserved')
      expect(b.room).toBe(15)
      expect(b.load).toEqual({ busy: 1, queued: 1 })
      expect(b.next(1)?.id).toBe('other')
      expect(b.dropSubmitter('carol')).toEqual([])
    })
  })

  describe('awarded', () => {
    it('groups the queued and running tasks by submitter, leaving out reservations', () => {
      const b = bidder({ slots: 1, queueDepth: 8 })

      expect(b.awarded().size).toBe(0)

      start(b, offer('run'), 0, 'alice')
      take(b, offer('queued'), 0, 'alice')
      bidOf(ask(b, offer('reserved'), 0, 'alice'))
      take(b, offer('other'), 0, 'bob')
      bidOf(ask(b, offer('only-reserved'), 0, 'carol'))

      const ids = new Map(
        [...b.awarded()].map(([submitter, list]) => [submitter, list.map((h) => h.id).sort()])
      )

      expect(ids).toEqual(
        new Map([
          ['alice', ['queued', 'run']],
          ['bob', ['other']]
        ])
      )
    })
  })

  describe('room and load', () => {
    it('follow each step from bid to finish', () => {
      const b = bidder({ slots: 1, queueDepth: 1 })
      const step = (room: number, busy: number, queued: number): void => {
        expect({ room: b.room, ...b.load }).toEqual({ room, busy, queued })
      }

      step(2, 0, 0)
      bidOf(ask(b, offer('a'), 0))
      step(1, 0, 0)
      b.award('alice', 'a', 'x', 0)
      step(1, 0, 1)
      const a = b.next(0)!
      step(1, 1, 0)
      bidOf(ask(b, offer('b'), 1))
      step(0, 1, 0)

      expect(refusalOf(ask(b, offer('c'), 1))).toBe(
        'busy: 1 of 1 slots running and the queue is full'
      )

      b.award('alice', 'b', 'x', 1)
      step(0, 1, 1)
      b.finish(a, 2)
      step(1, 0, 1)
      const next = b.next(2)!
      step(1, 1, 0)
      b.finish(next, 3)
      step(2, 0, 0)
    })

    it('never reports room below 0', () => {
      const b = bidder({ slots: 2 })

      bidOf(ask(b, offer('wide', { needs: { slots: 2 } }), 0))

      expect(b.room).toBe(0)
      expect(refusalOf(ask(b, offer('a'), 0))).toMatch(/^busy:/)
      expect(b.room).toBe(0)
    })
  })
})
