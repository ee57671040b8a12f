import {readdirSync, readlinkSync} from 'node:fs'

import {readBoundedText} from '../util/index.js'

/**
 * Inotify watches a process holds: the `inotify wd:` lines in the fdinfo of its
 * anon_inode:inotify descriptors. kernfs never frees a removed cgroup's watch by itself, so
 * this number is how a leak shows (tests, bench, --verbose).
 */
export function countInotifyWatches(pid: number | 'self' = 'self', procRoot = '/proc'): number {
  return listInotifyWatches(pid, procRoot).length
}

/** The inode number each of a process's inotify watches is on (`ino:` of the fdinfo line). */
export function listInotifyWatches(pid: number | 'self' = 'self', procRoot = '/proc'): number[] {
  const inodes: number[] = []
  let fds: string[]
  try {
    fds = readdirSync(`${procRoot}/${pid}/fd`)
  } catch {
    return inodes
  }
  for (const fd of fds) {
    try {
      if (readlinkSync(`${procRoot}/${pid}/fd/${fd}`) !== 'anon_inode:inotify') continue
      for (const line of readBoundedText(`${procRoot}/${pid}/fdinfo/${fd}`).split('\n')) {
        if (!line.startsWith('inotify wd:')) continue
        const ino = /\bino:([0-9a-f]+)/.exec(line)
        inodes.push(ino ? Number.parseInt(ino[1]!, 16) : -1)
      }
    } catch {
      // the fd closed while we looked
    }
  }
  return inodes
}
