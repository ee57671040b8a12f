import {watch} from 'node:fs'

import type {ContainerName, Hierarchy} from '../cgroups/index.js'
import type {DirWatch, MarkDirty, WatchBackend, WriteReport} from './backend.js'

/**
 * One non-recursive fs.watch (libuv: one inotify watch) per cgroup directory, as cAdvisor's raw
 * watcher does. A 'rename' event (libuv's IN_CREATE, IN_DELETE, IN_MOVED_*) only marks the
 * directory dirty; the tree re-reads it. That is what repairs lost events: libuv drops
 * IN_Q_OVERFLOW silently. 'change' (IN_MODIFY, IN_ATTRIB) means a control file was written
 * (cgroup.procs when a process moves, memory.events, …): no entry came or went, so it costs
 * no re-read; one naming a file of attach()'s WriteReport is reported there (a 'rename' naming
 * one too: a fixture tree's files may be replaced by a rename).
 *
 * kernfs never sends IN_DELETE_SELF/IN_IGNORED for a removed cgroup, so the kernel keeps the
 * watch until we close it: the tree closes every DirWatch of a vanished directory.
 */
export function inotifyBackend(): WatchBackend {
  const marks = new Map<string, {mark: MarkDirty; writes: WriteReport | undefined}>()
  /** Watches that failed: node closed them, so they report nothing more (rare: libuv reports no inotify error). */
  const failed = new WeakSet<DirWatch>()
  return {
    name: 'inotify',
    attach: async (h, mark, _markUnder, writes) => {
      marks.set(h.id, {mark, writes})
    },
    watchDir(h: Hierarchy, name: ContainerName, dir: string) {
      const {mark, writes} = marks.get(h.id)!
      const w =
        writes === undefined
          ? watch(dir, {persistent: true}, (type, entry) => {
              if (type === 'rename') mark(name, entry ?? undefined)
            })
          : watch(dir, {persistent: true}, (type, entry) => {
              if (type === 'rename') mark(name, entry ?? undefined)
              if (entry !== null && writes.files.has(entry)) writes.written(name)
            })
      // A failing watch is reported as an event: the re-read then finds out what happened.
      w.on('error', () => {
        failed.add(w)
        mark(name)
        writes?.written(name)
      })
      // What was written before the watch began is not known to have been read.
      writes?.written(name)
      return w
    },
    seesWrites: (h, w) => marks.get(h.id)?.writes !== undefined && !failed.has(w),
    stop: async () => {
      marks.clear()
    },
  }
}
