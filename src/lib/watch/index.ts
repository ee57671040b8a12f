export {
  Watcher,
  createWatcher,
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_RESCAN_INTERVAL_MS,
  type WatcherOptions,
  type WatcherEvents,
  type WatcherStats,
} from './watcher.js'
export {isIgnoredCgroup, prefixFilter, scanHierarchies, scanHierarchy, type ScanResult} from './scan.js'
export {WATCH_BACKENDS, type WatchBackendName} from './types.js'
export {countInotifyWatches, listInotifyWatches} from './inotify-count.js'
