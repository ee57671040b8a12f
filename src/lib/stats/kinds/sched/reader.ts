import {FileParseError} from '../../files.js'
import {toUint} from '../../parse.js'
import {readTaskFile, subtreeTasks} from '../../tasks.js'
import type {KindReader} from '../types.js'

/** /proc/<tid>/schedstat: `run_ns runqueue_ns timeslices`. */
export function parseSchedstat(text: string, path: string): [number, number, number] {
  const f = text.trim().split(' ')
  const n = f.map(toUint)
  if (n.length !== 3 || n.some(Number.isNaN)) throw new FileParseError(path, `expected three integers, got "${text.trim().slice(0, 60)}"`)
  return [n[0]!, n[1]!, n[2]!]
}

interface SchedState {
  /** The last values read per thread. */
  last: Map<number, [number, number, number]>
  /** What threads that have exited had run: the counters never go back when one exits. */
  gone: [number, number, number]
}

/**
 * Kind `sched`: cAdvisor sums /proc/<pid>/schedstat over the processes of the cgroup's subtree
 * and keeps what exited processes had run, so the counters only go up. Here every thread is
 * summed, not only each process's main thread (whose schedstat is its own alone): a
 * multi-threaded process's time is all counted. A thread id seen with smaller numbers than
 * before is a new thread that reused the id: the old one's numbers move to the exited total.
 */
export const schedReader: KindReader = {
  kind: 'sched',
  files: {
    v1: ['tasks of the cgroup and its sub-cgroups (readdir)', '<proc>/<tid>/schedstat per thread'],
    v2: ['cgroup.threads of the cgroup and its sub-cgroups (readdir)', '<proc>/<tid>/schedstat per thread'],
  },
  read(ctx, sample) {
    const tids = subtreeTasks(ctx, 'threads')
    if (tids === undefined) return
    const state = ctx.state<SchedState>('sched', () => ({last: new Map(), gone: [0, 0, 0]}))
    const next = new Map<number, [number, number, number]>()
    const exited = (v: [number, number, number]): void => {
      for (let i = 0; i < 3; i++) state.gone[i]! += v[i]!
    }
    for (const tid of tids) {
      const path = `${ctx.procRoot}/${tid}/schedstat`
      const text = readTaskFile(ctx, path)
      if (text === undefined) continue
      const v = ctx.attempt(() => parseSchedstat(text, path))
      if (v === undefined) continue
      const old = state.last.get(tid)
      if (old !== undefined && (v[0] < old[0] || v[2] < old[2])) exited(old)
      next.set(tid, v)
    }
    for (const [tid, v] of state.last) {
      if (next.has(tid)) continue
      exited(v)
      ctx.release(`${ctx.procRoot}/${tid}/schedstat`)
    }
    state.last = next
    const sum: [number, number, number] = [...state.gone]
    for (const v of next.values()) for (let i = 0; i < 3; i++) sum[i]! += v[i]!
    sample.sched = {runNs: sum[0], runqueueNs: sum[1], runPeriods: sum[2]}
  },
}
