import {statSync} from 'node:fs'
import {join} from 'node:path'

import {readBoundedText} from '../util/index.js'

/*
 * Creation time of a raw cgroup, as cAdvisor derives it: the kernel records no birth time for
 * a cgroup, but its directory and the control file created with it keep the mtime of the
 * mkdir. Reading them (rather than noting when cadv first saw the cgroup) keeps
 * container_creation_time_seconds stable across cadv restarts.
 */

/** A container's directory in one hierarchy. */
export interface HierarchyDir {
  path: string
  version: 1 | 2
  /** The directory's mtime from a stat just made (dirMtimeMs), so it is not stat'ed again. */
  mtimeMs?: number
}

/** A directory's mtime (ms), or undefined when it is not a directory (or not there). */
export function dirMtimeMs(path: string): number | undefined {
  try {
    // No exception for "not there" (a hierarchy the container is not in): it costs more than the stat.
    const st = statSync(path, {throwIfNoEntry: false})
    return st?.isDirectory() === true ? st.mtimeMs : undefined
  } catch {
    return undefined
  }
}

/** Boot time from `<procRoot>/stat` (`btime`, unix seconds) in ms; undefined when unreadable. */
export function bootTimeMs(procRoot: string): number | undefined {
  let text: string
  try {
    text = readBoundedText(join(procRoot, 'stat'))
  } catch {
    return undefined
  }
  const m = /^btime (\d+)$/m.exec(text)
  return m ? Number(m[1]) * 1000 : undefined
}

function mtimeMs(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs
  } catch {
    return undefined
  }
}

/**
 * The oldest mtime among the container's hierarchy directories and their `cgroup.clone_children`
 * (v1) or `cgroup.events` (v2), in whole ms; never earlier than boot time truncated to the minute
 * (a directory restored with an older mtime must not predate the boot). Undefined when nothing
 * could be stat'ed (the cgroup is gone).
 */
export function cgroupCreationMs(dirs: Iterable<HierarchyDir>, bootMs?: number): number | undefined {
  let oldest = Number.POSITIVE_INFINITY
  for (const d of dirs) {
    const file = d.version === 1 ? 'cgroup.clone_children' : 'cgroup.events'
    for (const t of [d.mtimeMs ?? mtimeMs(d.path), mtimeMs(join(d.path, file))]) if (t !== undefined && t < oldest) oldest = t
  }
  if (oldest === Number.POSITIVE_INFINITY) return undefined
  const floor = bootMs === undefined ? 0 : Math.floor(bootMs / 60_000) * 60_000
  return Math.floor(Math.max(oldest, floor))
}
