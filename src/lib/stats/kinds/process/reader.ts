import {readdirSync} from 'node:fs'

import {readlinkQuiet} from '../../files.js'
import {parseSingle} from '../../parse.js'
import {ownTasks, pidsCurrent, readTaskFile} from '../../tasks.js'
import type {ProcessSample, Ulimit} from '../../../model/index.js'
import type {KindReader, ReadContext} from '../types.js'

/** `Max open files  1024  4096  files` → soft and hard (-1 when unlimited), as cAdvisor reports them. */
export function parseLimits(text: string): Ulimit[] {
  const m = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(text)
  if (!m) return []
  const value = (s: string): number => (s === 'unlimited' ? -1 : Number(s))
  return [{name: 'max_open_files', soft: value(m[1]!), hard: value(m[2]!)}]
}

/**
 * Descriptors and sockets of the processes: one readdir of /proc/<pid>/fd each, and one
 * readlink per descriptor (a socket's link reads `socket:[inode]`), as cAdvisor counts them.
 * A process that exits while it is counted is skipped.
 */
function countFds(ctx: ReadContext, pids: readonly number[]): {fds: number; sockets: number} | undefined {
  let fds = 0
  let sockets = 0
  let readable = 0
  for (const pid of pids) {
    const dir = `${ctx.procRoot}/${pid}/fd`
    let names: string[]
    try {
      names = readdirSync(dir)
    } catch {
      continue
    }
    readable++
    fds += names.length
    for (const n of names) if (readlinkQuiet(`${dir}/${n}`)?.startsWith('socket:')) sockets++
  }
  // Processes whose descriptors could not be listed at all (another /proc, no permission): no
  // count rather than a false 0.
  return pids.length > 0 && readable === 0 ? undefined : {fds, sockets}
}

/**
 * Processes and threads are different numbers, as in cAdvisor: cgroup.procs has one line per
 * process (thread-group leader), pids.current counts every task (thread) the pids controller
 * charges to the cgroup, including its descendants.
 */
export const processReader: KindReader = {
  kind: 'process',
  files: {
    v1: [
      'cgroup.procs (processes; pids hierarchy, else cpu or memory)',
      'pids.current (threads)',
      'pids.max (the threads limit, from the spec)',
      '<proc>/<pid>/fd (readdir and readlink per descriptor, per process)',
      '<proc>/<pid>/limits (the runtime pid, else the first process)',
    ],
    v2: [
      'cgroup.procs (processes)',
      'pids.current (threads, where the pids controller is enabled)',
      'pids.max (the threads limit, from the spec)',
      '<proc>/<pid>/fd (readdir and readlink per descriptor, per process)',
      '<proc>/<pid>/limits (the runtime pid, else the first process)',
    ],
  },
  read(ctx, sample) {
    // The root's cgroup.procs holds only the processes directly in it, not the host's: no count.
    if (ctx.name === '/') return
    const procs = ownTasks(ctx, 'procs')
    if (procs === undefined) return
    const current = pidsCurrent(ctx)
    let threads: number | undefined
    if (current?.text !== undefined) {
      const {path, text} = current
      threads = ctx.attempt(() => parseSingle(text!, path))
    }
    const part: ProcessSample = {processes: procs.length}
    if (threads !== undefined) {
      part.threads = threads
      const limit = ctx.spec?.pidsLimit
      if (limit !== undefined) part.threadsLimit = limit
    }
    const counted = ctx.options.processFds === false ? undefined : countFds(ctx, procs)
    if (counted !== undefined) {
      part.fds = counted.fds
      part.sockets = counted.sockets
    }
    // cAdvisor reads the limits of the runtime's root process only; a raw cgroup's first
    // process stands in for it here (a service's main process is listed first).
    const root = ctx.pid > 0 ? ctx.pid : procs[0]
    if (root !== undefined) {
      const limits = readTaskFile(ctx, `${ctx.procRoot}/${root}/limits`, false)
      const ulimits = limits === undefined ? [] : parseLimits(limits)
      if (ulimits.length > 0) part.ulimits = ulimits
    }
    sample.processes = part
  },
}
