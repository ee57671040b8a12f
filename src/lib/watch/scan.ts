import {readdirSync} from 'node:fs'

import {cgroupDir, childName, isUnder, type ContainerName, type Hierarchy} from '../cgroups/index.js'
import {gone} from './gone.js'

/** Container name → ids of the hierarchies that hold it. */
export type ScanResult = Map<ContainerName, Set<string>>

/** cAdvisor skips `.mount` cgroups (systemd makes one per mount) and never watches them. */
export function isIgnoredCgroup(base: string): boolean {
  return base.endsWith('.mount')
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
 * Lists every cgroup under one hierarchy by readdir alone, the reconcile pass's ground truth.
 * A directory that vanishes mid-walk is skipped: cgroups come and go while we look.
 */
export function scanHierarchy(h: Hierarchy, prefixes: readonly ContainerName[] = [], into: ScanResult = new Map()): ScanResult {
  const filter = prefixFilter(prefixes)
  const stack: ContainerName[] = ['/']
  while (stack.length > 0) {
    const name = stack.pop()!
    if (filter.report(name)) {
      let set = into.get(name)
      if (!set) into.set(name, (set = new Set()))
      set.add(h.id)
    }
    let entries
    try {
      entries = readdirSync(cgroupDir(h, name), {withFileTypes: true})
    } catch (err) {
      if (gone(err)) continue
      throw err
    }
    for (const e of entries) {
      if (!e.isDirectory() || isIgnoredCgroup(e.name)) continue
      const child = childName(name, e.name)
      if (filter.descend(child)) stack.push(child)
    }
  }
  return into
}

export function scanHierarchies(hierarchies: readonly Hierarchy[], prefixes: readonly ContainerName[] = []): ScanResult {
  const result: ScanResult = new Map()
  for (const h of hierarchies) scanHierarchy(h, prefixes, result)
  return result
}
