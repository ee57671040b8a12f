import {readdirSync, realpathSync, statSync} from 'node:fs'
import {join} from 'node:path'

import {readBoundedText, UnreadableFileError} from '../util/index.js'
import {MountinfoParseError, parseCgroupMounts} from './mountinfo.js'

/** One cgroup hierarchy: a tree of cgroup directories with the same set of controllers. */
export interface Hierarchy {
  /**
   * Stable key used by `--hierarchy` and in logs: the sorted controllers joined by `,`
   * (`cpu,cpuacct`, `memory`), the name of a named v1 hierarchy (`systemd`), or `unified` for v2.
   */
  id: string
  version: 1 | 2
  /** v1: the controllers bound to it. v2: those listed in the root's cgroup.controllers. */
  controllers: string[]
  /** Named v1 hierarchy (`systemd` for name=systemd). */
  name?: string
  /** Directory that holds the hierarchy's root cgroup. */
  mountPoint: string
}

export type CgroupMode = 'v1' | 'v2' | 'hybrid'

export interface CgroupLayout {
  mode: CgroupMode
  hierarchies: Hierarchy[]
  /** Where the hierarchies were found: the override directory, or the directory holding the mounts. */
  cgroupRoot: string
  procRoot: string
  /** `mountinfo` on a live host, `directory` when `--cgroup-root` pointed at a tree. */
  source: 'mountinfo' | 'directory'
}

export interface DiscoverOptions {
  /** A directory laid out like /sys/fs/cgroup; when set, mountinfo is not read. */
  cgroupRoot?: string
  /** Where /proc is; default `/proc`. */
  procRoot?: string
}

/** Discovery failed in a way the user must fix; commands turn it into one line and exit 2. */
export class CgroupDiscoveryError extends Error {
  readonly exitCode = 2
  constructor(message: string) {
    super(message)
    this.name = 'CgroupDiscoveryError'
  }
}

const V1_CONTROLLERS = new Set([
  'blkio',
  'cpu',
  'cpuacct',
  'cpuset',
  'devices',
  'freezer',
  'hugetlb',
  'memory',
  'misc',
  'net_cls',
  'net_prio',
  'perf_event',
  'pids',
  'rdma',
])

function errnoText(err: unknown): string {
  if (err instanceof UnreadableFileError) return err.reason
  const e = err as NodeJS.ErrnoException
  return e.code ? `${e.code}` : String(err)
}

function readV2Controllers(dir: string): string[] {
  try {
    return readBoundedText(join(dir, 'cgroup.controllers')).trim().split(/\s+/).filter(Boolean).sort()
  } catch {
    return []
  }
}

function modeOf(hierarchies: Hierarchy[]): CgroupMode {
  const hasV1 = hierarchies.some((h) => h.version === 1)
  const hasV2 = hierarchies.some((h) => h.version === 2)
  if (hasV1 && hasV2) return 'hybrid'
  return hasV2 ? 'v2' : 'v1'
}

function commonParent(paths: string[]): string {
  if (paths.length === 1) return paths[0]!
  const split = paths.map((p) => p.split('/'))
  const first = split[0]!
  let n = 0
  while (n < first.length && split.every((s) => s[n] === first[n])) n++
  return first.slice(0, n).join('/') || '/'
}

function fromMountinfo(procRoot: string): CgroupLayout {
  const file = join(procRoot, 'self', 'mountinfo')
  let text: string
  try {
    text = readBoundedText(file)
  } catch (err) {
    throw new CgroupDiscoveryError(`cannot read ${file}: ${errnoText(err)} (use --proc-root or --cgroup-root)`)
  }
  let mounts
  try {
    mounts = parseCgroupMounts(text)
  } catch (err) {
    if (err instanceof MountinfoParseError) throw new CgroupDiscoveryError(`${file}: ${err.message}`)
    throw err
  }
  const seenDevices = new Set<string>()
  const hierarchies: Hierarchy[] = []
  for (const m of mounts) {
    // A hierarchy bind-mounted twice shows up twice with the same superblock; the first mount wins.
    if (seenDevices.has(m.device)) continue
    seenDevices.add(m.device)
    if (m.version === 2) {
      hierarchies.push({id: 'unified', version: 2, controllers: readV2Controllers(m.mountPoint), mountPoint: m.mountPoint})
    } else if (m.controllers.length > 0) {
      const h: Hierarchy = {id: m.controllers.join(','), version: 1, controllers: m.controllers, mountPoint: m.mountPoint}
      if (m.name !== undefined) h.name = m.name
      hierarchies.push(h)
    } else if (m.name !== undefined) {
      hierarchies.push({id: m.name, version: 1, controllers: [], name: m.name, mountPoint: m.mountPoint})
    }
  }
  if (hierarchies.length === 0) {
    throw new CgroupDiscoveryError(`no cgroup filesystem is mounted (nothing of type cgroup or cgroup2 in ${file})`)
  }
  for (const h of hierarchies) {
    try {
      statSync(h.mountPoint)
    } catch (err) {
      throw new CgroupDiscoveryError(`cgroup hierarchy ${h.id} at ${h.mountPoint} is not readable: ${errnoText(err)}`)
    }
  }
  return {
    mode: modeOf(hierarchies),
    hierarchies,
    cgroupRoot: commonParent(hierarchies.map((h) => h.mountPoint)),
    procRoot,
    source: 'mountinfo',
  }
}

/**
 * Reads a directory laid out like /sys/fs/cgroup: either a v2 root (it has cgroup.controllers)
 * or one subdirectory per v1 hierarchy, named after its controllers (`cpu,cpuacct`, `memory`),
 * `systemd` for name=systemd and `unified` for a hybrid host's v2 mount. Symlinks such as
 * `cpu -> cpu,cpuacct` are followed and collapse into one hierarchy.
 */
function fromDirectory(root: string, procRoot: string): CgroupLayout {
  let st
  try {
    st = statSync(root)
  } catch (err) {
    throw new CgroupDiscoveryError(`--cgroup-root ${root}: ${errnoText(err)}`)
  }
  if (!st.isDirectory()) throw new CgroupDiscoveryError(`--cgroup-root ${root}: not a directory`)
  const rootControllers = readV2Controllers(root)
  let entries: string[]
  try {
    entries = readdirSync(root).sort()
  } catch (err) {
    throw new CgroupDiscoveryError(`--cgroup-root ${root}: ${errnoText(err)}`)
  }
  if (entries.includes('cgroup.controllers')) {
    return {
      mode: 'v2',
      hierarchies: [{id: 'unified', version: 2, controllers: rootControllers, mountPoint: root}],
      cgroupRoot: root,
      procRoot,
      source: 'directory',
    }
  }
  const byRealPath = new Map<string, Hierarchy>()
  for (const entry of entries) {
    const dir = join(root, entry)
    let real: string
    try {
      if (!statSync(dir).isDirectory()) continue
      real = realpathSync(dir)
    } catch {
      continue
    }
    if (byRealPath.has(real)) continue
    const base = real.split('/').pop()!
    let h: Hierarchy
    if (base === 'unified') {
      h = {id: 'unified', version: 2, controllers: readV2Controllers(real), mountPoint: real}
    } else {
      const parts = base.split(',')
      if (parts.every((p) => V1_CONTROLLERS.has(p))) {
        const controllers = parts.sort()
        h = {id: controllers.join(','), version: 1, controllers, mountPoint: real}
      } else {
        const name = base.startsWith('name=') ? base.slice(5) : base
        h = {id: name, version: 1, controllers: [], name, mountPoint: real}
      }
    }
    byRealPath.set(real, h)
  }
  const hierarchies = [...byRealPath.values()]
  if (hierarchies.length === 0) {
    throw new CgroupDiscoveryError(
      `--cgroup-root ${root}: no cgroup hierarchy found (expected cgroup.controllers for v2, or directories such as cpu and memory for v1)`,
    )
  }
  return {mode: modeOf(hierarchies), hierarchies, cgroupRoot: root, procRoot, source: 'directory'}
}

export function discoverCgroups(options: DiscoverOptions = {}): CgroupLayout {
  const procRoot = options.procRoot ?? '/proc'
  return options.cgroupRoot ? fromDirectory(options.cgroupRoot, procRoot) : fromMountinfo(procRoot)
}

/**
 * The hierarchy that holds a controller's files. On v1 and hybrid hosts a v1 mount wins:
 * a hybrid host's unified tree usually has no controllers enabled.
 */
export function hierarchyForController(layout: CgroupLayout, controller: string): Hierarchy | undefined {
  return (
    layout.hierarchies.find((h) => h.version === 1 && h.controllers.includes(controller)) ??
    layout.hierarchies.find((h) => h.version === 2 && (layout.mode === 'v2' || h.controllers.includes(controller)))
  )
}

/** The v2 hierarchy, if any (pure v2, or the unified mount of a hybrid host). */
export function unifiedHierarchy(layout: CgroupLayout): Hierarchy | undefined {
  return layout.hierarchies.find((h) => h.version === 2)
}
