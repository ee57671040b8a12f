/*
 * Where watcher, factories and stats meet: the manager (lifecycle), its resolution of
 * containers to runtimes, and the ordered annotation of watch events with that resolution.
 */
export {createManager, type Manager, type ManagerOptions, type ManagerWatchOptions} from './manager.js'
export {DEFAULT_RUNTIME_WAIT_MS, type PendingContainer, type Publication, type ResolutionStats} from './resolution.js'
export {annotateEvents, resolvedFields, type EventAnnotator, type ResolvedFields} from './event-stream.js'
export {SPEC_WRITES, specWrittenTo, writesSeenBy} from './spec-writes.js'
