/*
 * Where watcher, factories and stats meet: the manager (lifecycle), its resolution of
 * containers to runtimes, and the ordered annotation of watch events with that resolution.
 */
export {createManager, type Manager, type ManagerOptions, type ManagerWatchOptions} from './manager.js'
export {annotateEvents, resolvedFields, type EventAnnotator, type ResolvedFields} from './event-stream.js'
