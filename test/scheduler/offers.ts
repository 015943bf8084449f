import type { NodeOffer } from '../../src/scheduler/needs.js'

export type OfferOverrides = Partial<Omit<NodeOffer, 'kinds'>> & { kinds?: string[] }

/**
 * A node that runs `sha256` with 4 slots, all free, 8 GiB and no GPU;
 * override what a test is about. Its slot units taken follow from its free
 * slots unless given.
 */
export function offer(overrides: OfferOverrides = {}): NodeOffer {
  const { kinds = ['sha256'], ...rest } = overrides
  const { slots = 4, free = 4 } = rest

  return {
    slots,
    free,
    taken: slots - free,
    memory: 8192,
    memoryFree: 8192,
    gpu: 0,
    labels: {},
    ...rest,
    kinds: new Set(kinds)
  }
}
