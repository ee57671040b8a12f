import {readFileSync, readdirSync, readlinkSync} from 'node:fs'

/**
 * Inotify watches a process holds: the `inotify wd:` lines in the fdinfo of its
 * anon_inode:inotify descriptors. kernfs never frees a removed cgroup's watch by itself, so
 * this number is how a leak shows (tests, bench, --verbose).
 */
export function countInotifyWatches(pid: number | 'self' = 'self', procRoot = '/proc'): number {
  let total = 0
  let fds: string[]
  try {
    fds = readdirSync(`${procRoot}/${pid}/fd`)
  } catch {
    return 0
  }
  for (const fd of fds) {
    try {
      if (readlinkSync(`${procRoot}/${pid}/fd/${fd}`) !== 'anon_inode:inotify') continue
      for (const line of readFileSync(`${procRoot}/${pid}/fdinfo/${fd}`, 'utf8').split('\n')) if (line.startsWith('inotify wd:')) total++
    } catch {
      // the fd closed while we looked
    }
  }
  return total
}
