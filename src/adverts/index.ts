/**
 * Resource adverts and the view of the mesh: what every node can do, and
 * which nodes are alive.
 */

export type { DropReason } from './intake.js'
export type { Advert } from './pb/advert.js'
export {
  AdvertService,
  type AdvertServiceInit,
  type AdvertStats,
  advertService,
  DEFAULT_ADVERT_INTERVAL,
  DEFAULT_PROBE_TIMEOUT
} from './service.js'
export type { RejectReason } from './validate.js'
export {
  DEFAULT_TTL_INTERVALS,
  type LeaveReason,
  MAX_VIEW_PEERS,
  MeshView,
  type MeshViewEvents,
  type PeerLeft,
  type ViewEntry
} from './view.js'
