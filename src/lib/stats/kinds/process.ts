import {parseSingle} from '../parse.js'
import type {KindReader} from './types.js'

function countLines(text: string): number {
  let n = 0
  let start = 0
  while (start < text.length) {
    const nl = text.indexOf('\n', start)
    const end = nl < 0 ? text.length : nl
    if (end > start) n++
    start = end + 1
  }
  return n
}

export const processReader: KindReader = {
  kind: 'process',
  files: {
    v1: ['pids.current (the limit comes from the spec: pids.max)', 'cgroup.procs lines when the pids controller is absent'],
    v2: ['pids.current (the limit comes from the spec: pids.max)', 'cgroup.procs lines when the pids controller is absent'],
  },
  read(ctx, sample) {
    const pids = ctx.dir('pids')
    const current = pids === undefined ? undefined : ctx.read(`${pids.path}/pids.current`)
    let processes: number | undefined
    if (current !== undefined) {
      const path = `${pids!.path}/pids.current`
      processes = ctx.attempt(() => parseSingle(current, path))
    } else if (ctx.name !== '/') {
      // No pids controller here: count the processes instead (the root's cgroup.procs holds only
      // the processes directly in it, so it is not counted).
      const dir = pids ?? ctx.dir('cpu') ?? ctx.dir('memory')
      const procs = dir === undefined ? undefined : ctx.read(`${dir.path}/cgroup.procs`)
      if (procs !== undefined) processes = countLines(procs)
    }
    if (processes === undefined) return
    const limit = ctx.spec?.pidsLimit
    sample.processes = limit === undefined ? {processes} : {processes, limit}
  },
}
