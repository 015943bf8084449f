/**
 * One auction round for a batch of tasks: candidates picked from the view,
 * one call for proposals per candidate carrying every task it is asked
 * about, the auctions closed as answers come (or once the window has passed
 * with a bid in), one award per winner carrying all it won, and one release
 * per loser. A burst of m tasks costs a few messages per peer, not m.
 *
 * A lone task (nothing queued or in auction behind it), where latency
 * matters more than the choice among bids, is first offered straight to
 * its best candidate (a direct award): one message, taken only if that node
 * can start it at once. Only if it is declined is the auction held. The
 * answer to the award carries the task's reports when it ended before the
 * answer went out, so a short task placed so costs one request instead of
 * seven, still whatever the size of the mesh.
 */
import type { Logger, PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { type Clock, systemClock, type Timer } from '../clock.js'
import { Auction, DEFAULT_AUCTION_WINDOW } from './auction.js'
import { DEFAULT_CANDIDATES, type PeerOffer, pickWithRoom, type RoomPick } from './candidates.js'
import { Awards, CallForProposals, Proposals, type Report, TaskRefs } from './pb/tasks.js'
import type { TaskRecord } from './record.js'
import type { RoomBook } from './room.js'
import { awardOf, offerOf, pack, readAcceptances } from './wire.js'

/**
 * How long a call for proposals or an award may wait for its answer before
 * the node counts as silent: a declined award goes to the next bid, a
 * direct award to an auction, rather than waiting out the protocol's
 * longer default.
 */
export const CFP_TIMEOUT = 5_000 // ms

/** A task and its attempt, as `cancel` and `release` name it. */
export interface TaskRef {
  id: string
  attempt: number
}

export interface AuctionsParts {
  request(peer: PeerId, method: string, body: Uint8Array, timeout?: number): Promise<Uint8Array>
  /** The live peers with what they offer, this node included. */
  peers(): PeerOffer[]
  /** The owners of an input block on the ring, first owner first. */
  owners(input: string): readonly string[]
  /** What each node has room for, as this node believes. */
  room: RoomBook
  candidates?: number
  window?: number
  /** Whether a lone task is offered straight to its best candidate first (default true). */
  direct?: boolean
  /**
   * Takes reports that rode on a node's answer to an award, as if the node
   * had sent them; `refused` more broke a limit and were left out.
   */
  reports(from: string, reports: readonly Report[], refused: number): void
  /** Told of each auction once it is over: how long it took and how many bids it had. */
  closed?(duration: number, bids: number): void
  /** Told of each award a node took, whether or not the task had meanwhile ended. */
  accepted?(record: TaskRecord): void
  /** Time, timers and chance; the system's unless given (the simulator gives virtual ones). */
  clock?: Clock
  log: Logger
}

export interface RoundOptions {
  /** A task with nothing queued or in auction behind it: offered directly first, unless direct awards are off. */
  lone?: boolean
  /** Candidates each task is asked of, when not `parts.candidates`. */
  candidates?: number
}

export interface RoundOutcome {
  awarded: TaskRecord[]
  /** Tasks no live node can run; each has its `pendingReason`. */
  unplaceable: TaskRecord[]
  /** Tasks that got no bid this round; each has its `pendingReason`. */
  noBid: TaskRecord[]
}

export class Auctions {
  private readonly parts: AuctionsParts
  private readonly clock: Clock
  /** Rounds whose releases went out: a bid that comes in later is released at once. */
  private readonly released = new WeakSet<Map<TaskRecord, Auction>>()

  constructor(parts: AuctionsParts) {
    this.parts = parts
    this.clock = parts.clock ?? systemClock
  }

  /** Runs one round for `batch`. */
  async run(batch: readonly TaskRecord[], options: RoundOptions = {}): Promise<RoundOutcome> {
    const { lone = false } = options
    const outcome: RoundOutcome = { awarded: [], unplaceable: [], noBid: [] }
    const now = this.clock.now()
    const all = this.parts.peers()
    const rooms = new Map(all.map((p) => [p.peerId, this.parts.room.get(p.peerId, p.offer, now)]))
    const auctions = new Map<TaskRecord, Auction>()

    for (const record of batch) {
      const pick = this.pick(record, all, rooms, options.candidates)

      if ('reason' in pick) {
        this.pending(record, pick.reason)
        outcome[pick.busy ? 'noBid' : 'unplaceable'].push(record)
        continue
      }

      record.log(now, 'candidates', undefined, pick.candidates.map(shortId).join(' '))
      const holders = new Set(
        record.task.inputs.flatMap((cid) => this.parts.owners(cid.toString()))
      )
      const window = this.parts.window ?? DEFAULT_AUCTION_WINDOW
      auctions.set(
        record,
        new Auction(pick.candidates, now, () => this.clock.random(), window, holders)
      )
    }

    const [only] = auctions

    // a lone task goes straight to its best candidate, if that one can start it at once
    if (lone && only !== undefined && batch.length === 1 && this.parts.direct !== false) {
      const [record, auction] = only
      const first = auction.candidates[0] as string

      if (await this.direct(record, first, all, outcome)) {
        return outcome
      }
    }

    await this.collect(auctions)
    const open = new Map(auctions)
    const winners = new Map<TaskRecord, string>()

    while (open.size > 0) {
      await this.award(open, outcome, winners)
    }

    this.release(auctions, winners)
    const ended = this.clock.now()

    for (const auction of auctions.values()) {
      this.parts.closed?.((auction.closedAt ?? ended) - auction.openedAt, auction.bidCount())
    }

    for (const [record, auction] of auctions) {
      if (record.state === 'auction') {
        this.pending(record, `no node bid: ${auction.summary() || 'no answer'}`)
        outcome.noBid.push(record)
      }
    }

    return outcome
  }

  /** Picks a task's candidates among the nodes with room for it (see `pickWithRoom`). */
  private pick(
    record: TaskRecord,
    all: readonly PeerOffer[],
    rooms: Map<string, number>,
    d = this.parts.candidates ?? DEFAULT_CANDIDATES
  ): RoomPick {
    const { task } = record

    return pickWithRoom(
      { kind: task.kind, needs: task.needs, inputs: task.inputs.map(String) },
      {
        peers: all,
        rooms,
        exclude: record.exclude,
        d,
        owners: (input) => this.parts.owners(input),
        random: () => this.clock.random()
      }
    )
  }

  /** Sends the calls for proposals and waits until every auction may close. */
  private async collect(auctions: Map<TaskRecord, Auction>): Promise<void> {
    const byPeer = new Map<string, TaskRecord[]>()
    const offers = new Map(this.parts.peers().map((p) => [p.peerId, p.offer]))

    for (const [record, auction] of auctions) {
      for (const peer of auction.candidates) {
        appendTo(byPeer, peer, record)
      }
    }

    let wake: () => void = () => {}
    const asked = [...byPeer].flatMap(([peer, records]) =>
      pack(records, (r) => 200 + r.task.inputs.length * 40).map(async (group) => {
        this.parts.room.add(
          peer,
          -group.reduce((n, r) => n + r.task.needs.slots, 0),
          this.clock.now(),
          offers.get(peer)
        )

        try {
          const body = CallForProposals.encode({ offers: group.map((r) => offerOf(r.task)) })
          const answer = Proposals.decode(
            await this.parts.request(peerIdFromString(peer), 'cfp', body, CFP_TIMEOUT),
            { limits: { proposals: group.length } }
          )
          this.parts.room.set(peer, answer.room, this.clock.now())
          const byId = new Map(answer.proposals.map((p) => [p.id, p]))

          for (const record of group) {
            const proposal = byId.get(record.task.id)
            const refusal =
              proposal?.bid === undefined
                ? proposal?.refusal || 'no answer for this task'
                : undefined
            auctions
              .get(record)
              ?.answer(
                { peer, ...(proposal?.bid === undefined ? { refusal } : { bid: proposal.bid }) },
                this.clock.now()
              )
            record.log(
              this.clock.now(),
              refusal === undefined ? 'bid' : 'refused',
              peer,
              refusal ?? describeBid(proposal?.bid)
            )
          }

          // bids that came after the round's releases went out are released on their own
          if (this.released.has(auctions)) {
            const late = group.filter((r) => byId.get(r.task.id)?.bid !== undefined)
            if (late.length > 0) {
              this.sendRelease(peer, late)
            }
          }
        } catch (err) {
          for (const record of group) {
            const reason = `no answer: ${(err as Error).message}`
            auctions.get(record)?.answer({ peer, refusal: reason }, this.clock.now())
            record.log(this.clock.now(), 'refused', peer, reason)
          }
        } finally {
          wake()
        }
      })
    )
    const settled = Promise.allSettled(asked)
    let done = false
    void settled.then(() => {
      done = true
      wake()
    })
    let timer: Timer | undefined

    try {
      while (!done && ![...auctions.values()].every((a) => a.closable(this.clock.now()))) {
        // wake at the latest when the last auction with a bid in may close
        const closes = [...auctions.values()].map((a) => a.closesAt() ?? 0)
        const wait = Math.max(...closes) - this.clock.now()
        this.clock.clearTimeout(timer)
        await new Promise<void>((resolve) => {
          wake = resolve
          if (wait > 0) timer = this.clock.setTimeout(resolve, wait)
        })
      }
    } finally {
      this.clock.clearTimeout(timer)
    }
  }

  /** Awards each open auction to its next best bid, one message per winner. */
  private async award(
    open: Map<TaskRecord, Auction>,
    outcome: RoundOutcome,
    winners: Map<TaskRecord, string>
  ): Promise<void> {
    const byWinner = new Map<string, TaskRecord[]>()

    for (const [record, auction] of open) {
      const winner = auction.nextWinner()

      if (winner === undefined || record.state !== 'auction') {
        auction.closedAt ??= this.clock.now()
        open.delete(record)
        continue
      }

      appendTo(byWinner, winner, record)
    }

    await Promise.all(
      [...byWinner].map(async ([winner, records]) => {
        const reasons = await this.sendAwards(winner, records, false)

        for (const record of records) {
          if (this.settle(record, winner, reasons.get(record.task.id), outcome)) {
            const auction = open.get(record) as Auction
            auction.closedAt ??= this.clock.now()
            open.delete(record)
            winners.set(record, winner)
          }
        }
      })
    )
  }

  /**
   * Offers a lone task straight to its best candidate, without an auction:
   * one message, taken only if the candidate can start it at once. Whether
   * it was taken (or settled otherwise while the offer was on its way).
   */
  private async direct(
    record: TaskRecord,
    to: string,
    all: readonly PeerOffer[],
    outcome: RoundOutcome
  ): Promise<boolean> {
    const { slots } = record.task.needs
    this.parts.room.add(to, -slots, this.clock.now(), all.find((p) => p.peerId === to)?.offer)
    const reasons = await this.sendAwards(to, [record], true)
    const taken = this.settle(record, to, reasons.get(record.task.id), outcome)

    if (!taken) {
      this.parts.room.add(to, slots, this.clock.now())
    }

    return taken
  }

  /**
   * Sends the awards of `records` to `winner`, in as few messages as their
   * size allows, each counted as a new attempt. Resolves with the winner's
   * answer by task id: '' for taken, else why not.
   */
  private async sendAwards(
    winner: string,
    records: readonly TaskRecord[],
    direct: boolean
  ): Promise<Map<string, string>> {
    const reasons = new Map<string, string>()
    const size = (r: TaskRecord): number => 300 + r.task.args.length + r.task.inputs.length * 40

    await Promise.all(
      pack(records, size).map(async (group) => {
        const body = Awards.encode({
          awards: group.map((record) => {
            record.attempt++
            record.awardedTo.set(record.attempt, winner)
            return awardOf(record.task, record.attempt, direct)
          })
        })

        try {
          const answer = readAcceptances(
            await this.parts.request(peerIdFromString(winner), 'award', body, CFP_TIMEOUT),
            group.length
          )
          for (const a of answer.acceptances) {
            reasons.set(a.id, a.accepted ? '' : a.reason || 'declined')
          }

          if (answer.reports.length + answer.refused > 0) {
            this.parts.reports(winner, answer.reports, answer.refused)
          }
        } catch (err) {
          for (const record of group) {
            reasons.set(record.task.id, `no answer: ${(err as Error).message}`)
          }
        }
      })
    )

    return reasons
  }

  /**
   * Takes the winner's answer to an award: the task is awarded, or was
   * settled another way meanwhile (true), or was declined (false).
   */
  private settle(
    record: TaskRecord,
    winner: string,
    answer: string | undefined,
    outcome: RoundOutcome
  ): boolean {
    const reason = answer ?? 'no answer for this task'

    if (reason === '') {
      this.parts.accepted?.(record)
    }

    if (record.state !== 'auction') {
      // settled another way meanwhile: by this winner's own report (which
      // made it the task's node), or by an earlier attempt's result or a
      // cancel, when this winner would run it for nothing
      if (reason === '' && record.node !== winner) {
        this.cancel(winner, record)
      }

      return true
    }

    if (reason === '') {
      record.awarded(winner, this.clock.now())
      outcome.awarded.push(record)
      return true
    }

    record.log(this.clock.now(), 'declined', winner, reason)
    return false
  }

  /** Tells every bidder that did not win to let its reservations go: one message per peer. */
  private release(auctions: Map<TaskRecord, Auction>, winners: Map<TaskRecord, string>): void {
    const byPeer = new Map<string, TaskRecord[]>()

    for (const [record, auction] of auctions) {
      for (const peer of auction.losers(winners.get(record))) {
        appendTo(byPeer, peer, record)
      }
    }

    for (const [peer, records] of byPeer) {
      this.sendRelease(peer, records)
    }

    this.released.add(auctions)
  }

  /**
   * Sends task references to a peer without waiting for its answer: a lost
   * one only delays what reservations and heartbeats settle anyway.
   */
  tell(peer: string, method: 'cancel' | 'release', tasks: TaskRef[]): void {
    this.parts
      .request(peerIdFromString(peer), method, TaskRefs.encode({ tasks }))
      .catch((err: Error) => {
        this.parts.log('%s to %s failed - %s', method, peer, err.message)
      })
  }

  /** Releases a peer's bids on `records`, which gives back the slot units they reserved. */
  private sendRelease(peer: string, records: readonly TaskRecord[]): void {
    const units = records.reduce((n, r) => n + r.task.needs.slots, 0)
    this.parts.room.add(peer, units, this.clock.now())
    this.tell(
      peer,
      'release',
      records.map((r) => ({ id: r.task.id, attempt: 0 }))
    )
  }

  /** Tells a winner that the task it accepted was cancelled while the award was on its way. */
  private cancel(winner: string, record: TaskRecord): void {
    this.tell(winner, 'cancel', [{ id: record.task.id, attempt: record.attempt }])
  }

  private pending(record: TaskRecord, reason: string): void {
    if (record.pendingReason !== reason) {
      record.log(this.clock.now(), 'pending', undefined, reason)
    }

    record.pendingReason = reason
  }
}

function appendTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key)

  if (list === undefined) map.set(key, [value])
  else list.push(value)
}

/** A peer id short enough for a task's history: its last 8 characters. */
export function shortId(peer: string): string {
  return peer.length > 12 ? `…${peer.slice(-8)}` : peer
}

function describeBid(bid?: { startDelay: number; runTime: number; fetchBytes: number }): string {
  if (bid === undefined) return ''
  return `start in ${bid.startDelay} ms, run ${bid.runTime} ms, fetch ${bid.fetchBytes} bytes`
}
