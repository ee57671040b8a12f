export {Watcher, createWatcher, type WatcherOptions} from './watcher.js'
export {isIgnoredCgroup, prefixFilter, scanHierarchies, scanHierarchy, type ScanResult} from './scan.js'
export {WATCH_BACKENDS, makeEvent, type ContainerEvent, type ContainerEventType, type WatchBackendName} from './types.js'
