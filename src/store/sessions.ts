/**
 * Puts under way, so that a put that fails half-way can be undone: each
 * node remembers which blocks a put created on it (not those it held
 * already, which other objects may share) and drops them when the putter
 * aborts. When the put completes, the putter commits it and the node
 * forgets it. A put never committed or aborted (its putter died) ages out.
 *
 * Until then its blocks are the putter's to copy: repair leaves them alone,
 * so that an abort finds every copy the put made. Pure.
 */
import { toString as toBase } from 'uint8arrays/to-string'

/** How long a node remembers a put that was neither committed nor aborted, from its latest block. */
export const SESSION_TTL = 10 * 60_000 // ms
/** Puts remembered at once, from all peers together; the oldest is forgotten first. */
export const MAX_SESSIONS = 1_024
/** Puts remembered at once from one peer; its oldest is forgotten first. */
export const MAX_SESSIONS_PER_PEER = 64
/** Blocks remembered per put; an abort of a larger put leaves the rest to age out. */
export const MAX_SESSION_BLOCKS = 65_536

interface Session {
  peer: string
  blocks: Set<string>
  at: number
  aborted: boolean
}

export class PutSessions {
  private readonly sessions = new Map<string, Session>()
  /** For each block in an open put: how many open puts hold it. */
  private readonly open = new Map<string, number>()
  /** How many puts each peer has under way here. */
  private readonly perPeer = new Map<string, number>()

  /** Notes that a put created a block here. */
  created(peer: string, session: string, block: string, now: number): void {
    const entry = this.session(peer, session, now)
    this.touch(peer, session, entry, now)

    if (entry.blocks.size < MAX_SESSION_BLOCKS && !entry.blocks.has(block)) {
      entry.blocks.add(block)
      this.open.set(block, (this.open.get(block) ?? 0) + 1)
    }
  }

  /** Whether the put was aborted: late blocks of an aborted put are refused. */
  aborted(peer: string, session: string): boolean {
    return this.sessions.get(key(peer, session))?.aborted === true
  }

  /** Whether a block belongs to a put still under way (repair leaves it to the putter). */
  isOpen(block: string, now: number): boolean {
    this.expire(now)

    return this.open.has(block)
  }

  /**
   * Marks the put aborted and returns the blocks it created, to drop; none
   * for a put unknown here. The blocks count as part of an open put until
   * `release()`, so no one counts on them while they are being dropped.
   */
  abort(peer: string, session: string, now: number): string[] {
    this.expire(now)
    const entry = this.sessions.get(key(peer, session))

    if (entry === undefined) {
      return []
    }

    entry.aborted = true

    return [...entry.blocks]
  }

  /** The blocks of an aborted put are gone: they no longer count as open. */
  release(peer: string, session: string): void {
    const entry = this.sessions.get(key(peer, session))

    if (entry !== undefined) {
      this.releaseBlocks(entry)
    }
  }

  /** The put completed: its blocks are the mesh's now. */
  commit(peer: string, session: string): void {
    const id = key(peer, session)
    const entry = this.sessions.get(id)

    if (entry !== undefined) {
      this.releaseBlocks(entry)
      this.remove(id, entry)
    }
  }

  /** Forgets a block, once something else (another put, repair) relies on it. */
  forget(block: string): void {
    if (!this.open.has(block)) {
      return
    }

    for (const entry of this.sessions.values()) {
      entry.blocks.delete(block)
    }

    this.open.delete(block)
  }

  get size(): number {
    return this.sessions.size
  }

  private session(peer: string, session: string, now: number): Session {
    this.expire(now)
    const id = key(peer, session)
    let entry = this.sessions.get(id)

    if (entry === undefined) {
      entry = { peer, blocks: new Set(), at: now, aborted: false }
      this.sessions.set(id, entry)
      this.perPeer.set(peer, (this.perPeer.get(peer) ?? 0) + 1)

      // a peer at its limit loses its own oldest put, so it cannot crowd out the others'
      if ((this.perPeer.get(peer) ?? 0) > MAX_SESSIONS_PER_PEER) {
        this.drop([...this.sessions].find(([, other]) => other.peer === peer)?.[0])
      } else if (this.sessions.size > MAX_SESSIONS) {
        this.drop(this.sessions.keys().next().value)
      }
    }

    return entry
  }

  /** A put that is still writing stays young: its age counts from its latest block. */
  private touch(peer: string, session: string, entry: Session, now: number): void {
    const id = key(peer, session)
    entry.at = now
    // the map stays in age order: the oldest first
    this.sessions.delete(id)
    this.sessions.set(id, entry)
  }

  private expire(now: number): void {
    for (const [id, entry] of this.sessions) {
      if (now - entry.at < SESSION_TTL) {
        // insertion order is age order
        return
      }

      this.drop(id)
    }
  }

  private drop(id: string | undefined): void {
    const entry = id === undefined ? undefined : this.sessions.get(id)

    if (id !== undefined && entry !== undefined) {
      this.releaseBlocks(entry)
      this.remove(id, entry)
    }
  }

  private remove(id: string, entry: Session): void {
    this.sessions.delete(id)
    const left = (this.perPeer.get(entry.peer) ?? 1) - 1

    if (left > 0) {
      this.perPeer.set(entry.peer, left)
    } else {
      this.perPeer.delete(entry.peer)
    }
  }

  /** Takes a session's blocks out of the open count. */
  private releaseBlocks(entry: Session): void {
    for (const block of entry.blocks) {
      const count = (this.open.get(block) ?? 1) - 1

      if (count > 0) {
        this.open.set(block, count)
      } else {
        this.open.delete(block)
      }
    }

    entry.blocks.clear()
  }
}

/** The text form of a put session id as it travels. */
export function sessionKey(session: Uint8Array): string {
  return toBase(session, 'base64url')
}

function key(peer: string, session: string): string {
  return `${peer}/${session}`
}
