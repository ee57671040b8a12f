import type {ContainerName, Hierarchy} from '../cgroups/index.js'
import type {WatchBackendName} from './types.js'

/** Something to close when a directory stops being tracked. */
export interface DirWatch {
  close(): void
}

/**
 * What a backend tells the tree about one directory:
 * - a DirWatch: events for this directory's entries will arrive; close it when the dir goes;
 * - 'covered': the backend watches it some other way (parcel: one subscription per hierarchy);
 * - 'polled': nothing will tell us about changes; the watcher re-reads it on every poll tick.
 */
export type WatchResult = DirWatch | 'covered' | 'polled'

/**
 * Reports "something changed in directory `name` of this hierarchy", optionally naming the
 * entry. The watcher re-reads that directory (coalesced) and diffs it against what it knows:
 * backends never decide what was added or deleted, so a lost or merged event cannot mislead it.
 */
export type MarkDirty = (name: ContainerName, entry?: string) => void

/** Reports "anything under directory `name` may have changed": every tracked directory there is re-read. */
export type MarkUnder = (name: ContainerName) => void

/**
 * Writes to files of watched directories, for those who keep what the files said (the
 * collector's spec): `written(name)` when one of `files` there was written (fsnotify reports a
 * write(2) with or without O_TRUNC as IN_MODIFY), and when a watch on `name` begins (what was
 * written before it is unknown).
 */
export interface WriteReport {
  readonly files: ReadonlySet<string>
  written(name: ContainerName): void
}

export interface WatchBackend {
  readonly name: WatchBackendName
  /**
   * Called once per hierarchy before its first scan. With `writes`, a backend that can tells
   * of writes to those files in the directories it watches (seesWrites).
   */
  attach(h: Hierarchy, mark: MarkDirty, markUnder: MarkUnder, writes?: WriteReport): Promise<void>
  /**
   * Starts watching one directory. Throws what the kernel said (ENOSPC at the watch limit,
   * ENOENT when the directory is already gone).
   */
  watchDir(h: Hierarchy, name: ContainerName, dir: string): WatchResult
  /** Whether `watch` (one of watchDir's) reports writes to attach()'s files; absent: none does. */
  seesWrites?(h: Hierarchy, watch: DirWatch): boolean
  /**
   * Resolves once the watches asked for so far are in force, or have failed and fallen back
   * to polling (parcel: its first subscribe, which crawls the subtree, is done). The watcher's
   * start() waits for it, so a cgroup made after start() is seen by events.
   */
  ready?(): Promise<void>
  /** Before each full rescan; parcel resubscribes here to give back the watches it leaks. */
  beforeRescan?(): Promise<void>
  stop(): Promise<void>
}

/** Rescans only: no kernel watch at all. */
export function pollBackend(): WatchBackend {
  return {
    name: 'poll',
    attach: async () => undefined,
    watchDir: () => 'polled',
    stop: async () => undefined,
  }
}
