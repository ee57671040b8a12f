import {watch} from 'node:fs'

import type {ContainerName, Hierarchy} from '../cgroups/index.js'
import type {MarkDirty, WatchBackend} from './backend.js'

/**
 * One non-recursive fs.watch (libuv: one inotify watch) per cgroup directory, as cAdvisor's raw
 * watcher does. A 'rename' event (libuv's IN_CREATE, IN_DELETE, IN_MOVED_*) only marks the
 * directory dirty; the tree re-reads it. That is what repairs lost events: libuv drops
 * IN_Q_OVERFLOW silently. 'change' (IN_MODIFY, IN_ATTRIB) means a control file was written
 * (cgroup.procs when a process moves, memory.events, …): no entry came or went, so it costs
 * no re-read.
 *
 * kernfs never sends IN_DELETE_SELF/IN_IGNORED for a removed cgroup, so the kernel keeps the
 * watch until we close it: the tree closes every DirWatch of a vanished directory.
 */
export function inotifyBackend(): WatchBackend {
  const marks = new Map<string, MarkDirty>()
  return {
    name: 'inotify',
    attach: async (h, mark) => {
      marks.set(h.id, mark)
    },
    watchDir(h: Hierarchy, name: ContainerName, dir: string) {
      const mark = marks.get(h.id)!
      const w = watch(dir, {persistent: true}, (type, entry) => {
        if (type === 'rename') mark(name, entry ?? undefined)
      })
      // A failing watch is reported as an event: the re-read then finds out what happened.
      w.on('error', () => mark(name))
      return w
    },
    stop: async () => {
      marks.clear()
    },
  }
}
