import type { Advert } from '../../src/adverts/pb/advert.js'
import { ADVERT_VERSION } from '../../src/adverts/validate.js'

/** A valid advert; override what a test is about. */
export function advert(overrides: Partial<Advert> = {}): Advert {
  return {
    version: ADVERT_VERSION,
    seq: 1_000,
    time: 1_000,
    interval: 1_000,
    leaving: false,
    cpu: { cores: 4, model: 'test cpu', load1: 0.5 },
    memory: { total: 8e9, free: 4e9 },
    disk: { capacity: 1e12, free: 5e11 },
    slots: { total: 4, busy: 1, queued: 0 },
    kinds: [],
    labels: [],
    software: 'mycel/test',
    uptime: 10,
    departed: [],
    addrs: [],
    ...overrides
  }
}
