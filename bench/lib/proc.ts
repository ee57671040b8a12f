/*
 * What a user pays for a process, read from /proc from outside it: CPU time (user + system, all
 * threads), RSS, descriptors. Shared by the whole-process benchmarks and the soak.
 */
import {readdirSync, readFileSync} from 'node:fs'

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ: 100 on every Linux we run on). */
export const USER_HZ = 100

/** CPU time of a process so far, ns (utime + stime of every thread, exited children excluded). */
export function cpuNsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(fields[11]) + Number(fields[12])) * 1e9) / USER_HZ
}

/** CPU time of a process and every process below it (netdata's plugins), ns. */
export function treeCpuNs(pid: number): number {
  let total = 0
  for (const p of processTree(pid)) {
    try {
      total += cpuNsOf(p)
    } catch {
      // exited meanwhile
    }
  }
  return total
}

/** A process and its descendants, from /proc/<pid>/task/<tid>/children. */
export function processTree(pid: number): number[] {
  const out: number[] = []
  const stack = [pid]
  while (stack.length > 0) {
    const p = stack.pop()!
    out.push(p)
    let tasks: string[] = []
    try {
      tasks = readdirSync(`/proc/${p}/task`)
    } catch {
      continue
    }
    for (const t of tasks) {
      try {
        for (const c of readFileSync(`/proc/${p}/task/${t}/children`, 'latin1').split(' ')) if (c.trim() !== '') stack.push(Number(c))
      } catch {
        // the task exited
      }
    }
  }
  return out
}

/** read(2)-family calls a process and every process below it have made (syscr of /proc/<pid>/io). */
export function treeReadCalls(pid: number): number {
  let total = 0
  for (const p of processTree(pid)) {
    try {
      total += Number(/^syscr: (\d+)$/m.exec(readFileSync(`/proc/${p}/io`, 'latin1'))?.[1] ?? 0)
    } catch {
      // exited meanwhile
    }
  }
  return total
}

/** Resident memory, MiB (VmRSS). */
export function rssMiBOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))
  return m ? Number(m[1]) / 1024 : Number.NaN
}

/** Summed RSS of a process tree, MiB. */
export function treeRssMiB(pid: number): number {
  let total = 0
  for (const p of processTree(pid)) {
    try {
      total += rssMiBOf(p)
    } catch {
      // exited meanwhile
    }
  }
  return total
}

export function fdCountOf(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length
}

/** inotify watches a process holds (lines starting `inotify` in its fdinfo). */
export function inotifyWatchesOf(pid: number): number {
  let n = 0
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    let info: string
    try {
      info = readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'latin1')
    } catch {
      continue
    }
    for (const line of info.split('\n')) if (line.startsWith('inotify wd:')) n++
  }
  return n
}

export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'latin1').split(' ').slice(0, 3).join(' ')
}

/** utime + stime of a process, in clock ticks (USER_HZ per second). */
export function cpuTicks(pid: number): number {
  return Math.round((cpuNsOf(pid) * USER_HZ) / 1e9)
}

export function rssMiB(pid: number): number {
  return rssMiBOf(pid)
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

/**
 * CPU time of this process's children that have exited and been waited for, ns (cutime +
 * cstime of /proc/self/stat): around a spawnSync, what a short-lived command cost as a whole
 * process. In ticks of 10 ms: sum several runs rather than quote one.
 */
export function reapedChildrenCpuNs(): number {
  const stat = readFileSync('/proc/self/stat', 'latin1')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(fields[13]) + Number(fields[14])) * 1e9) / USER_HZ
}
