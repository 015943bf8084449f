import { describe, expect, it } from 'vitest'
import {
  MAX_SESSION_BLOCKS,
  MAX_SESSIONS,
  MAX_SESSIONS_PER_PEER,
  PutSessions,
  SESSION_TTL,
  sessionKey
} from '../../src/store/sessions.js'

describe('put sessions', () => {
  it('hands back the blocks a put created when it is aborted, once', () => {
    const sessions = new PutSessions()
    sessions.created('alice', 's1', 'b1', 0)
    sessions.created('alice', 's1', 'b2', 1)
    sessions.created('alice', 's1', 'b1', 2)

    expect(sessions.abort('alice', 's1', 3).sort()).toEqual(['b1', 'b2'])
    sessions.release('alice', 's1')
    expect(sessions.abort('alice', 's1', 4)).toEqual([])
  })

  it('marks an aborted put, so that its late blocks can be refused', () => {
    const sessions = new PutSessions()
    sessions.created('alice', 's1', 'b1', 0)

    expect(sessions.aborted('alice', 's1')).toBe(false)
    expect(sessions.aborted('alice', 'unknown')).toBe(false)

    sessions.abort('alice', 's1', 1)

    expect(sessions.aborted('alice', 's1')).toBe(true)
  })

  it('takes an abort of a put it does not know as a no-op, so aborts cannot fill its table', () => {
    const sessions = new PutSessions()

    expect(sessions.abort('alice', 's1', 0)).toEqual([])
    expect(sessions.aborted('alice', 's1')).toBe(false)
    expect(sessions.size).toBe(0)
  })

  it('keeps puts per peer: another peer cannot abort mine under the same session id', () => {
    const sessions = new PutSessions()
    sessions.created('alice', 's1', 'b1', 0)

    expect(sessions.abort('mallory', 's1', 1)).toEqual([])
    expect(sessions.aborted('alice', 's1')).toBe(false)
    expect(sessions.abort('alice', 's1', 2)).toEqual(['b1'])
  })

  it('forgets a block in every put once something else relies on it', () => {
    const sessions = new PutSessions()
    sessions.created('alice', 's1', 'shared', 0)
    sessions.created('alice', 's1', 'own', 0)
    sessions.created('bob', 's2', 'shared', 0)

    sessions.forget('shared')

    expect(sessions.abort('alice', 's1', 1)).toEqual(['own'])
    expect(sessions.abort('bob', 's2', 1)).toEqual([])
  })

  it('remembers a put for SESSION_TTL after it began, then lets it age out', () => {
    const sessions = new PutSessions()
    sessions.created('alice', 'old', 'b1', 0)
    sessions.created('alice', 'young', 'b2', 1_000)

    sessions.created('bob', 'other', 'b3', SESSION_TTL - 1)
    expect(sessions.size).toBe(3)

    sessions.created('bob', 'other', 'b4', SESSION_TTL)
    expect(sessions.size).toBe(2)
    expect(sessions.abort('alice', 'old', SESSION_TTL)).toEqual([])
    expect(sessions.abort('alice', 'young', SESSION_TTL)).toEqual(['b2'])
  })

  it('stops refusing blocks of an aborted put once it aged out', () => {
    const sessions = new PutSessions()
    sessions.abort('alice', 's1', 0)

    sessions.created('alice', 's1', 'b1', SESSION_TTL)

    expect(sessions.aborted('alice', 's1')).toBe(false)
    expect(sessions.abort('alice', 's1', SESSION_TTL)).toEqual(['b1'])
  })

  it('holds at most MAX_SESSIONS puts from all peers, forgetting the oldest first', () => {
    const sessions = new PutSessions()
    const peers = Math.ceil((MAX_SESSIONS + 1) / MAX_SESSIONS_PER_PEER)

    for (let i = 0; i <= MAX_SESSIONS; i++) {
      sessions.created(`peer-${i % peers}`, `s${i}`, `b${i}`, 0)
    }

    expect(sessions.size).toBe(MAX_SESSIONS)
    expect(sessions.abort(`peer-${1 % peers}`, 's1', 0)).toEqual(['b1'])
    expect(sessions.abort(`peer-${MAX_SESSIONS % peers}`, `s${MAX_SESSIONS}`, 0)).toEqual([
      `b${MAX_SESSIONS}`
    ])
    // s0 was forgotten
    expect(sessions.abort('peer-0', 's0', 0)).toEqual([])
  })

  it('holds at most MAX_SESSIONS_PER_PEER puts of one peer, so it cannot crowd out the others', () => {
    const sessions = new PutSessions()
    sessions.created('alice', 'mine', 'a', 0)

    for (let i = 0; i <= MAX_SESSIONS_PER_PEER; i++) {
      sessions.created('mallory', `s${i}`, `m${i}`, 0)
    }

    expect(sessions.size).toBe(MAX_SESSIONS_PER_PEER + 1)
    expect(sessions.abort('mallory', 's0', 0)).toEqual([])
    expect(sessions.abort('alice', 'mine', 0)).toEqual(['a'])
  })

  it('remembers at most MAX_SESSION_BLOCKS blocks of one put', () => {
    const sessions = new PutSessions()

    for (let i = 0; i <= MAX_SESSION_BLOCKS; i++) {
      sessions.created('alice', 's1', `b${i}`, 0)
    }

    const blocks = sessions.abort('alice', 's1', 0)

    expect(blocks).toHaveLength(MAX_SESSION_BLOCKS)
    expect(blocks).not.toContain(`b${MAX_SESSION_BLOCKS}`)
  })
})

describe('open puts', () => {
  it('holds a block open from its put until the put is committed', () => {
    const sessions = new PutSessions()
    sessions.created('alice', 's1', 'b1', 0)

    expect(sessions.isOpen('b1', 1)).toBe(true)
    expect(sessions.isOpen('b2', 1)).toBe(false)

    sessions.commit('alice', 's1')

    expect(sessions.isOpen('b1', 2)).toBe(false)
    expect(sessions.size).toBe(0)
    expect(sessions.abort('alice', 's1', 3)).toEqual([])
  })

  it('keeps the blocks of an aborted put open until they are dropped, then closes them', () => {
    const sessions = new PutSessions()
    sessions.created('alice', 's1', 'b1', 0)

    sessions.abort('alice', 's1', 1)
    // no one may count on a copy that is being dropped
    expect(sessions.isOpen('b1', 1)).toBe(true)

    sessions.release('alice', 's1')
    expect(sessions.isOpen('b1', 1)).toBe(false)
  })

  it('keeps a block open while any put that created it is under way', () => {
    const sessions = new PutSessions()
    sessions.created('alice', 's1', 'b1', 0)
    sessions.created('alice', 's1', 'b1', 0)
    sessions.created('bob', 's2', 'b1', 0)

    sessions.commit('bob', 's2')
    expect(sessions.isOpen('b1', 1)).toBe(true)

    sessions.abort('alice', 's1', 1)
    sessions.release('alice', 's1')
    expect(sessions.isOpen('b1', 1)).toBe(false)
  })

  it('keeps another peer from committing my put under the same session id', () => {
    const sessions = new PutSessions()
    sessions.created('alice', 's1', 'b1', 0)

    sessions.commit('mallory', 's1')

    expect(sessions.isOpen('b1', 1)).toBe(true)
    expect(sessions.abort('alice', 's1', 1)).toEqual(['b1'])
  })

  it('closes a block that something else relies on', () => {
    const sessions = new PutSessions()
    sessions.created('alice', 's1', 'b1', 0)
    sessions.created('bob', 's2', 'b1', 0)

    sessions.forget('b1')

    expect(sessions.isOpen('b1', 1)).toBe(false)
  })

  it('closes the blocks of a put that aged out', () => {
    const sessions = new PutSessions()
    sessions.created('alice', 's1', 'b1', 0)

    expect(sessions.isOpen('b1', SESSION_TTL - 1)).toBe(true)
    expect(sessions.isOpen('b1', SESSION_TTL)).toBe(false)
    expect(sessions.size).toBe(0)
  })

  it('closes the blocks of a put forgotten to make room for others', () => {
    const sessions = new PutSessions()
    sessions.created('alice', 's0', 'first', 0)

    for (let i = 1; i <= MAX_SESSIONS; i++) {
      sessions.created('alice', `s${i}`, `b${i}`, 0)
    }

    expect(sessions.isOpen('first', 0)).toBe(false)
    expect(sessions.isOpen(`b${MAX_SESSIONS}`, 0)).toBe(true)
  })
})

describe('session keys', () => {
  it('are the base64url text of the session id', () => {
    expect(sessionKey(Uint8Array.of(0xfb, 0xff, 0x00))).toBe('-_8A')
    expect(sessionKey(new Uint8Array(0))).toBe('')
  })
})
