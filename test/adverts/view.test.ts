import { describe, expect, it } from 'vitest'
import { MeshView, type PeerLeft, type ViewEntry } from '../../src/adverts/view.js'
import { advert } from './fixtures.js'

function record(view: MeshView) {
  const events: string[] = []
  view.addEventListener('peer:joined', (e: CustomEvent<ViewEntry>) =>
    events.push(`joined ${e.detail.peerId}`)
  )
  view.addEventListener('peer:updated', (e: CustomEvent<ViewEntry>) =>
    events.push(`updated ${e.detail.peerId}`)
  )
  view.addEventListener('peer:left', (e: CustomEvent<PeerLeft>) =>
    events.push(`left ${e.detail.peerId} ${e.detail.reason}`)
  )

  return events
}

describe('the view', () => {
  it('tells who joined, changed and left', () => {
    const view = new MeshView()
    const events = record(view)

    expect(view.apply('a', advert({ seq: 1 }), 0)).toBe('joined')
    expect(view.apply('a', advert({ seq: 2 }), 10)).toBe('updated')
    expect(view.remove('a', 'disconnected')).toBe(true)
    expect(view.remove('a', 'disconnected')).toBe(false)

    expect(events).toEqual(['joined a', 'updated a', 'left a disconnected'])
    expect(view.size).toBe(0)
  })

  it('ignores adverts older than what it knows, even after the peer left', () => {
    const view = new MeshView()
    view.apply('a', advert({ seq: 5 }), 0)

    expect(view.apply('a', advert({ seq: 4 }), 1)).toBe('stale')
    view.remove('a', 'disconnected')
    expect(view.apply('a', advert({ seq: 5 }), 2)).toBe('stale')
    expect(view.last('a')?.seq).toBe(5)
    expect(view.apply('a', advert({ seq: 6 }), 3)).toBe('joined')
  })

  it('expires a peer after its TTL of 3 of its own intervals, but never the node itself', () => {
    const view = new MeshView()
    const events = record(view)
    view.apply('self', advert({ seq: 1, interval: 100 }), 0)
    view.apply('slow', advert({ seq: 1, interval: 1_000 }), 0)
    view.apply('fast', advert({ seq: 1, interval: 100 }), 0)

    expect(view.expire(300, 'self')).toEqual([])
    expect(view.expire(301, 'self')).toEqual(['fast'])
    expect(view.expire(3_001, 'self')).toEqual(['slow'])
    expect(view.has('self')).toBe(true)
    expect(events.filter((e) => e.startsWith('left'))).toEqual([
      'left fast expired',
      'left slow expired'
    ])
  })

  it('drops a peer that says it is stopping, and keeps it out until a newer advert', () => {
    const view = new MeshView()
    const events = record(view)
    view.apply('a', advert({ seq: 1 }), 0)

    expect(view.apply('a', advert({ seq: 2, leaving: true }), 1)).toBe('left')
    expect(view.apply('a', advert({ seq: 2 }), 2)).toBe('stale')
    expect(events).toEqual(['joined a', 'left a stopped'])
  })

  it('takes a configurable TTL', () => {
    const view = new MeshView({ ttlIntervals: 5 })
    view.apply('a', advert({ seq: 1, interval: 100 }), 0)

    expect(view.expire(500)).toEqual([])
    expect(view.expire(501)).toEqual(['a'])
  })
})
