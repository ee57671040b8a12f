/*
 * A cgroup tree holding only a benchmark's own cgroups, for a `cadv serve` that must not watch
 * the whole shared machine: each hierarchy's directory of the benchmark's parent cgroup is
 * bind-mounted under one directory laid out like /sys/fs/cgroup (`--cgroup-root`), inside a
 * private mount namespace of the served process (`unshare -m`), so the mounts go with it and
 * nobody else sees them. cadv reads the very same kernel files; the containers are named
 * relative to the parent (`/c0`), and `/` is the parent itself.
 *
 * Why: the machine the benchmarks share holds 3,000 to 16,000 cgroups of other jobs. A serve
 * that watches them all pays a watch, a tree entry and a runtime decision for each, and the
 * churn of their creation and removal, none of which a host with just these containers pays.
 */
import {mkdirSync} from 'node:fs'
import {basename, join} from 'node:path'

import type {TestCgroups} from '../../test/helpers/cgroups.js'

export interface ScopedRoot {
  /** The --cgroup-root to give cadv. */
  cgroupRoot: string
  /** Prefix for startCli/ServeProcess: mounts, then execs node with cadv's arguments. */
  launcher: string[]
}

/** `dir` is created (an empty directory the caller removes); the mounts live only in the launched process. */
export function scopedRoot(tc: TestCgroups, dir: string): ScopedRoot {
  mkdirSync(dir, {recursive: true})
  const mounts: string[] = []
  const v2Only = tc.hierarchies.length === 1 && tc.hierarchies[0]!.version === 2
  for (const h of tc.hierarchies) {
    // A v2-only host: the root itself is the hierarchy (cgroup.controllers tells cadv so).
    const target = v2Only ? dir : join(dir, basename(h.mountPoint))
    if (!v2Only) mkdirSync(target)
    mounts.push(`mount --bind '${tc.dir(h)}' '${target}'`)
  }
  return {
    cgroupRoot: dir,
    launcher: ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', `${mounts.join(' && ')} && exec "$0" "$@"`],
  }
}
