/**
 * One colour per peer, the same in the peers table and the ring: peers take
 * the palette's colours in the order this page first sees them, so a handful
 * of peers never share one.
 */

const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#b07aa1',
  '#e15759',
  '#76b7b2',
  '#edc948',
  '#9c755f',
  '#ff9da7',
  '#86bcb6'
]

const assigned = new Map<string, string>()

/** The colour of a peer, assigned on first sight and kept for the life of the page. */
export function peerColor(peerId: string): string {
  let color = assigned.get(peerId)

  if (color === undefined) {
    color = PALETTE[assigned.size % PALETTE.length] ?? '#888888'
    assigned.set(peerId, color)
  }

  return color
}
