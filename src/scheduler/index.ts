/**
 * The scheduler: tasks won by bidding, with reservations, data locality,
 * priorities and failover, and no node in charge.
 */

export {
  MapHandle,
  type MapHandleEvents,
  type MapProgress,
  TaskHandle,
  type TaskHandleEvents
} from './handle.js'
export type { TasksInit } from './init.js'
export { formatNeeds, parseNeeds } from './needs.js'
export { BUILTIN_THREAD_MODULE } from './pool.js'
export type { HistoryEntry, HistoryEvent, TaskInfo, TaskSummary } from './record.js'
export type { ListOptions, MapItem, TaskService, TaskStats } from './service.js'
export * from './task.js'
