import {lstatSync, readdirSync} from 'node:fs'

import {cgroupDir, childName, isUnder, onCgroupfs, type ContainerName, type Hierarchy} from '../cgroups/index.js'
import {gone} from './gone.js'

/** Container name → ids of the hierarchies that hold it, in the order found: parents first. */
export type ScanResult = Map<ContainerName, Set<string>>

/** cAdvisor skips `.mount` cgroups (systemd makes one per mount) and never watches them. */
export function isIgnoredCgroup(base: string): boolean {
  return base.endsWith('.mount')
}

/**
 * Whether directories under `dir` keep the Unix link count (2 plus one per subdirectory), as
 * cgroupfs (kernfs) does: a directory whose count is 2 has no subdirectory, so a cgroup that
 * had none needs one lstat, not a readdir of its 20 to 60 control files, to be known unchanged.
 * Only cgroupfs is trusted (btrfs counts 1 for every directory; a fixture tree may be anywhere).
 */
export function countsSubdirectories(dir: string): boolean {
  return onCgroupfs(dir)
}

/**
 * Whether to report `name` and whether to descend into it, given `--prefix` filters:
 * a name is reported when it lies under a prefix, and walked when it is under one or
 * leads to one (`/kubepods` is walked to reach `/kubepods/burstable`).
 */
export function prefixFilter(prefixes: readonly ContainerName[]): {
  report(name: ContainerName): boolean
  descend(name: ContainerName): boolean
} {
  if (prefixes.length === 0) return {report: () => true, descend: () => true}
  return {
    report: (name) => prefixes.some((p) => isUnder(name, p)),
    descend: (name) => prefixes.some((p) => isUnder(name, p) || isUnder(p, name)),
  }
}

/**
 * Lists every cgroup under the hierarchies by readdir alone: `cadv watch --once`, and the
 * ground truth of tests. Level by level across all hierarchies, so a name comes after its
 * parent, in the order a Watcher's first scan reports them. On cgroupfs a subdirectory whose
 * link count says it has none of its own is not read (one lstat instead of a readdir of its
 * control files: at 2,000 containers in 5 hierarchies, 10,000 readdirs saved). A directory
 * that vanishes mid-walk, or cannot be read, is skipped: cgroups come and go while we look.
 * A hierarchy's root that cannot be read is an error.
 */
export function scanHierarchies(
  hierarchies: readonly Hierarchy[],
  prefixes: readonly ContainerName[] = [],
  into: ScanResult = new Map(),
): ScanResult {
  const filter = prefixFilter(prefixes)
  const report = (h: Hierarchy, name: ContainerName): void => {
    let set = into.get(name)
    if (!set) into.set(name, (set = new Set()))
    set.add(h.id)
  }
  // `inside`: the name is at or under a prefix, so is everything below it (no more checks).
  let level: Array<{h: Hierarchy; links: boolean; name: ContainerName; inside: boolean}> = []
  for (const h of hierarchies) {
    lstatSync(h.mountPoint)
    const inside = filter.report('/')
    if (inside) report(h, '/')
    level.push({h, links: countsSubdirectories(h.mountPoint), name: '/', inside})
  }
  while (level.length > 0) {
    const next: typeof level = []
    for (const {h, links, name, inside: parentInside} of level) {
      const dir = cgroupDir(h, name)
      let entries
      try {
        entries = readdirSync(dir, {withFileTypes: true})
      } catch (err) {
        if (name === '/' && !gone(err)) throw err
        continue
      }
      for (const e of entries) {
        if (!e.isDirectory() || isIgnoredCgroup(e.name)) continue
        const child = childName(name, e.name)
        if (!parentInside && !filter.descend(child)) continue
        const inside = parentInside || filter.report(child)
        if (links) {
          const st = lstatSync(`${dir}/${e.name}`, {throwIfNoEntry: false})
          if (st === undefined) continue
          if (inside) report(h, child)
          if (st.nlink === 2) continue
        } else if (inside) {
          report(h, child)
        }
        next.push({h, links, name: child, inside})
      }
    }
    level = next
  }
  return into
}

/** One hierarchy's cgroups (scanHierarchies of one). */
export function scanHierarchy(h: Hierarchy, prefixes: readonly ContainerName[] = [], into: ScanResult = new Map()): ScanResult {
  return scanHierarchies([h], prefixes, into)
}
