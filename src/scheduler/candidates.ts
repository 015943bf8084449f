/**
 * Picking whom to ask. Pure: from the view's offers, the few nodes a call
 * for proposals goes to. Only d of them are asked, whatever the size of the
 * mesh, so the messages per task stay flat as it grows.
 *
 * Nodes that can never run the task are left out. The rest are ranked by a
 * score: how much of the task's input they own on the ring (a block's first
 * owner counts fully, later owners less), weighted four times whether they
 * have a slot free for it, plus random jitter under one. A node that
 * first-owns all the input always ranks above one that owns none; a later
 * owner of a copy, or an owner of a small part of many inputs, can rank
 * below a node with a free slot that owns nothing, where moving the data
 * costs less than waiting would. Among nodes that own none of the input,
 * any with a free slot ranks above any without, and within each of the two
 * it is chance.
 *
 * Ranking by how free a node looks instead (its share of free slots) sent
 * the tasks of many submitters to the same few nodes: they all read the
 * same adverts, up to an interval old, and all chose the freest, which
 * filled while the adverts still called them free. In the simulator
 * (README, "At a thousand nodes"), at 1,000 nodes with 100 submitters and
 * 70 % load, that held mean task latency to 0.60 of an ideal scheduler's;
 * picking at random among the nodes with a free slot gives 0.96. The bids
 * still rank the candidates asked by when each can start.
 */
import { explainUnplaceable, type NodeOffer, unmet } from './needs.js'
import { freeSlots } from './room.js'
import type { TaskNeeds } from './task.js'

/** Candidates a call for proposals goes to. */
export const DEFAULT_CANDIDATES = 3

/** Weight of data locality against a free slot in the ranking. */
const LOCALITY_WEIGHT = 4
/** Weight of the random jitter: less than a free slot's, so it orders nodes only within a tier. */
const JITTER_WEIGHT = 0.99

export interface CandidateTask {
  kind: string
  needs: TaskNeeds
  /** The input blocks' ring keys, as `owners` takes them. */
  inputs: readonly string[]
}

export interface PeerOffer {
  peerId: string
  offer: NodeOffer
}

export interface PickInit {
  peers: readonly PeerOffer[]
  /** Peers not to ask (the task was lost on them); ignored when no one else could run it. */
  exclude?: ReadonlySet<string>
  /** How many to pick. */
  d: number
  /** The owners of an input on the ring, first owner first. */
  owners(input: string): readonly string[]
  random(): number
}

export type Pick = { candidates: string[] } | { reason: string }

/** A pick among the nodes with room; `busy` when some node could run the task but none has room. */
export type RoomPick = { candidates: string[] } | { reason: string; busy: boolean }

/** Picks the candidates for a task, or says why there are none. */
export function pickCandidates(task: CandidateTask, init: PickInit): Pick {
  const able = init.peers.filter(({ offer }) => unmet(task.kind, task.needs, offer) === undefined)

  if (able.length === 0) {
    return {
      reason: explainUnplaceable(
        task.kind,
        task.needs,
        init.peers.map((p) => p.offer)
      )
    }
  }

  const allowed =
    init.exclude === undefined ? able : able.filter((p) => !init.exclude?.has(p.peerId))
  const pool = allowed.length > 0 ? allowed : able
  const locality = localityOf(task.inputs, init.owners)

  return {
    candidates: pool
      .map((peer) => ({
        peer: peer.peerId,
        score:
          LOCALITY_WEIGHT * (locality.get(peer.peerId) ?? 0) +
          (peer.offer.free >= task.needs.slots ? 1 : 0) +
          JITTER_WEIGHT * init.random()
      }))
      .sort((a, b) => b.score - a.score)
      .slice(0, init.d)
      .map(({ peer }) => peer)
  }
}

/**
 * How much of the inputs each peer owns, from 0 to 1: per input, 1 for its
 * first owner, less for later ones.
 */
function localityOf(inputs: readonly string[], owners: PickInit['owners']): Map<string, number> {
  const share = new Map<string, number>()

  for (const input of inputs) {
    const list = owners(input)

    list.forEach((peer, position) => {
      const weight = (list.length - position) / list.length / inputs.length
      share.set(peer, (share.get(peer) ?? 0) + weight)
    })
  }

  return share
}

/**
 * Picks a task's candidates among the nodes with room for it, ranked by
 * whether that room leaves a slot free (see `pickCandidates`), and counts
 * the task against the room of the first (its likely winner), so the tasks
 * of one batch spread. A node
 * that first-owns an input is asked even when it looks full: it may bid a
 * short queue. With no node with room that can run it, says whether any
 * node could at all.
 *
 * @param init.rooms - slot units each node has room for, by peer id; changed in place
 */
export function pickWithRoom(
  task: CandidateTask,
  init: PickInit & { rooms: Map<string, number> }
): RoomPick {
  const { rooms } = init
  const owners = new Set(task.inputs.flatMap((input) => init.owners(input).slice(0, 1)))
  const withRoom = init.peers
    .filter((p) => (rooms.get(p.peerId) ?? 0) >= task.needs.slots || owners.has(p.peerId))
    .map((p) => ({
      peerId: p.peerId,
      offer: { ...p.offer, free: freeSlots(rooms.get(p.peerId) ?? 0, p.offer.slots) }
    }))
  const pick = pickCandidates(task, { ...init, peers: withRoom })

  if ('candidates' in pick) {
    // the others' reservations are released soon after the round
    const first = pick.candidates[0] as string
    rooms.set(first, (rooms.get(first) ?? 0) - task.needs.slots)

    return pick
  }

  const anywhere = pickCandidates(task, init)

  return 'reason' in anywhere
    ? { reason: anywhere.reason, busy: false }
    : { reason: 'waiting for room on the nodes that can run it', busy: true }
}
