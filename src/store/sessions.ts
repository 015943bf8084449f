/**
 * Puts under way, so that a put that fails half-way can be undone: each
 * node remembers which blocks a put created on it (not those it held
 * already, which other objects may share) and drops them when the putter
 * aborts. A put that is never aborted simply ages out. Pure.
 */

import { toString as toBase } from 'uint8arrays/to-string'

/** How long a node remembers the blocks a put created. */
export const SESSION_TTL = 10 * 60_000 // ms
/** Puts remembered at once, from all peers together; the oldest is forgotten first. */
export const MAX_SESSIONS = 1_024
/** Blocks remembered per put; an abort of a larger put leaves the rest to age out. */
export const MAX_SESSION_BLOCKS = 65_536

interface Session {
  blocks: Set<string>
  at: number
  aborted: boolean
}

export class PutSessions {
  private readonly sessions = new Map<string, Session>()

  /** Notes that a put created a block here. */
  created(peer: string, session: string, block: string, now: number): void {
    const entry = this.session(peer, session, now)

    if (entry.blocks.size < MAX_SESSION_BLOCKS) {
      entry.blocks.add(block)
    }
  }

  /** Whether the put was aborted: late blocks of an aborted put are refused. */
  aborted(peer: string, session: string): boolean {
    return this.sessions.get(key(peer, session))?.aborted === true
  }

  /** Marks the put aborted and returns the blocks it created, to drop. */
  abort(peer: string, session: string, now: number): string[] {
    const entry = this.session(peer, session, now)
    const blocks = [...entry.blocks]
    entry.blocks.clear()
    entry.aborted = true

    return blocks
  }

  /** Forgets a block, once something else (another put, repair) relies on it. */
  forget(block: string): void {
    for (const entry of this.sessions.values()) {
      entry.blocks.delete(block)
    }
  }

  get size(): number {
    return this.sessions.size
  }

  private session(peer: string, session: string, now: number): Session {
    this.expire(now)
    const id = key(peer, session)
    let entry = this.sessions.get(id)

    if (entry === undefined) {
      entry = { blocks: new Set(), at: now, aborted: false }
      this.sessions.set(id, entry)

      if (this.sessions.size > MAX_SESSIONS) {
        const oldest = this.sessions.keys().next().value

        if (oldest !== undefined) {
          this.sessions.delete(oldest)
        }
      }
    }

    return entry
  }

  private expire(now: number): void {
    for (const [id, entry] of this.sessions) {
      if (now - entry.at < SESSION_TTL) {
        // insertion order is age order
        return
      }

      this.sessions.delete(id)
    }
  }
}

/** The text form of a put session id as it travels. */
export function sessionKey(session: Uint8Array): string {
  return toBase(session, 'base64url')
}

function key(peer: string, session: string): string {
  return `${peer}/${session}`
}
