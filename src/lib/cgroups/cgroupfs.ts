import {statfsSync} from 'node:fs'

/** cgroup v1 and v2 filesystem magic numbers (statfs f_type). */
const CGROUP_FS = new Set([0x27e0eb, 0x63677270])

/**
 * Whether `dir` is on cgroupfs (kernfs): what the kernel guarantees there (link counts that
 * count subdirectories, nothing but regular files beside them) holds for a fixture tree nowhere.
 */
export function onCgroupfs(dir: string): boolean {
  try {
    return CGROUP_FS.has(Number(statfsSync(dir).type))
  } catch {
    return false
  }
}
