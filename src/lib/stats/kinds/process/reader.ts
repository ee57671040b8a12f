import {parseSingle} from '../../parse.js'
import type {KindReader} from '../types.js'

/**
 * Processes and threads are different numbers, as in cAdvisor: cgroup.procs has one line per
 * process (thread-group leader), pids.current counts every task (thread) the pids controller
 * charges to the cgroup, including its descendants.
 */
export const processReader: KindReader = {
  kind: 'process',
  files: {
    v1: [
      'cgroup.procs (lines: processes; pids hierarchy, else cpu or memory)',
      'pids.current (threads)',
      'pids.max (the threads limit, from the spec)',
    ],
    v2: [
      'cgroup.procs (lines: processes)',
      'pids.current (threads, where the pids controller is enabled)',
      'pids.max (the threads limit, from the spec)',
    ],
  },
  read(ctx, sample) {
    // The root's cgroup.procs holds only the processes directly in it, not the host's: no count.
    if (ctx.name === '/') return
    const pids = ctx.dir('pids')
    const dir = pids ?? ctx.dir('cpu') ?? ctx.dir('memory')
    // v1 builds a cgroup's pid list once per open file and serves re-reads of a kept descriptor
    // from it, so a kept cgroup.procs would never change; v2 re-walks the tasks on a read at 0.
    const processes = dir === undefined ? undefined : ctx.countLines(`${dir.path}/cgroup.procs`, dir.version === 2)
    if (processes === undefined) return
    let threads: number | undefined
    if (pids !== undefined) {
      const path = `${pids.path}/pids.current`
      const text = ctx.read(path)
      if (text !== undefined) threads = ctx.attempt(() => parseSingle(text, path))
    }
    const part: NonNullable<typeof sample.processes> = {processes}
    if (threads !== undefined) {
      part.threads = threads
      const limit = ctx.spec?.pidsLimit
      if (limit !== undefined) part.threadsLimit = limit
    }
    sample.processes = part
  },
}
