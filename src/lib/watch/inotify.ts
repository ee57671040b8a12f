import {watch, type FSWatcher} from 'node:fs'

import type {ContainerName, Hierarchy} from '../cgroups/index.js'
import type {DirWatch, MarkDirty, WatchBackend, WriteReport} from './backend.js'

/** The container a watch is for, on the FSWatcher itself (its listeners are shared, see listenersOf). */
const NAME = Symbol('cadv.watchName')

type NamedWatch = FSWatcher & {[NAME]: ContainerName}

/** One hierarchy's listeners, shared by its watches: they find the container on the watch (`this`). */
interface Listeners {
  change: (this: NamedWatch, type: string, entry: string | null) => void
  error: (this: NamedWatch) => void
}

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
  /**
   * Per hierarchy. A pair of closures a watch (each holding the container's name) was about 170
   * bytes of heap a directory: 2,000 watches at 1,000 containers on a v1 host (the cpu and
   * memory hierarchies' leaves), 20,000 at 10,000.
   */
  const listeners = new Map<string, Listeners>()
  /** Watches that failed: node closed them, so they report nothing more (rare: libuv reports no inotify error). */
  const failed = new WeakSet<DirWatch>()
  const listenersOf = (mark: MarkDirty, writes: WriteReport | undefined): Listeners => ({
    change:
      writes === undefined
        ? function (type, entry) {
            if (type === 'rename') mark(this[NAME], entry ?? undefined)
          }
        : function (type, entry) {
            if (type === 'rename') mark(this[NAME], entry ?? undefined)
            if (entry !== null && writes.files.has(entry)) writes.written(this[NAME])
          },
    // A failing watch is reported as an event: the re-read then finds out what happened.
    error: function () {
      failed.add(this)
      mark(this[NAME])
      writes?.written(this[NAME])
    },
  })
  const writesOf = new Map<string, WriteReport | undefined>()
  return {
    name: 'inotify',
    attach: async (h, mark, _markUnder, writes) => {
      listeners.set(h.id, listenersOf(mark, writes))
      writesOf.set(h.id, writes)
    },
    watchDir(h: Hierarchy, name: ContainerName, dir: string) {
      const on = listeners.get(h.id)!
      const w = watch(dir, {persistent: true}) as NamedWatch
      w[NAME] = name
      w.on('change', on.change)
      w.on('error', on.error)
      // What was written before the watch began is not known to have been read.
      writesOf.get(h.id)?.written(name)
      return w
    },
    seesWrites: (h, w) => writesOf.get(h.id) !== undefined && !failed.has(w),
    stop: async () => {
      listeners.clear()
      writesOf.clear()
    },
  }
}
