import {ownTasks, readTaskFile} from '../../tasks.js'
import type {LoadSample} from '../../../model/index.js'
import type {KindReader} from '../types.js'

/** Averages decay over this window, as cAdvisor's (and the kernel's 10 s-ish) load. */
const WINDOW_MS = 10_000

/** The state letter of /proc/<tid>/stat: the field after the command, which may hold spaces and `)`. */
export function taskState(text: string): string | undefined {
  const close = text.lastIndexOf(')')
  return close < 0 ? undefined : text.charAt(close + 2)
}

interface LoadState {
  atMs?: number
  load: number
  loadD: number
  /** Threads read last tick, so the descriptors of those that left are closed. */
  tids: Set<number>
}

/**
 * Kind `cpuLoad`: the tasks of the cgroup by state and their smoothed counts. cAdvisor asks the
 * kernel for them over netlink taskstats (cgroup v1 only, behind --enable_load_reader); Node has
 * no netlink socket, and the same counts come from the state letter of each thread's
 * /proc/<tid>/stat, on v1 and v2 alike: R running, S sleeping, D uninterruptible, T/t stopped.
 * The kernel counts a task as iowaiting only when it is in none of those states and waits on
 * I/O, which /proc does not show: that count stays 0, as it nearly always is from netlink.
 * The averages decay as cAdvisor's (new = old·d + now·(1 − d), d = e^(−Δt/10 s), starting at
 * the first reading) but with the real time between readings, so back-off does not skew them.
 */
export const cpuLoadReader: KindReader = {
  kind: 'cpuLoad',
  files: {
    v1: ['tasks (threads of the cgroup)', '<proc>/<tid>/stat per thread (state letter)'],
    v2: ['cgroup.threads', '<proc>/<tid>/stat per thread (state letter)'],
  },
  read(ctx, sample) {
    if (!ctx.options.loadReader) return
    const tids = ownTasks(ctx, 'threads')
    if (tids === undefined) return
    const part: LoadSample = {running: 0, sleeping: 0, stopped: 0, uninterruptible: 0, ioWaiting: 0, loadAverage: 0, loadDAverage: 0}
    const state = ctx.state<LoadState>('cpuLoad', () => ({load: 0, loadD: 0, tids: new Set()}))
    const seen = new Set(tids)
    for (const tid of state.tids) if (!seen.has(tid)) ctx.release(`${ctx.procRoot}/${tid}/stat`)
    state.tids = seen
    for (const tid of tids) {
      const text = readTaskFile(ctx, `${ctx.procRoot}/${tid}/stat`)
      if (text === undefined) continue
      switch (taskState(text)) {
        case 'R':
          part.running++
          break
        case 'S':
          part.sleeping++
          break
        case 'D':
          part.uninterruptible++
          break
        case 'T':
        case 't':
          part.stopped++
          break
      }
    }
    const now = sample.timestampMs
    if (state.atMs === undefined) {
      state.load = part.running
      state.loadD = part.uninterruptible
    } else if (now > state.atMs) {
      const d = Math.exp(-(now - state.atMs) / WINDOW_MS)
      state.load = state.load * d + part.running * (1 - d)
      state.loadD = state.loadD * d + part.uninterruptible * (1 - d)
    }
    state.atMs = now
    part.loadAverage = Math.trunc(state.load * 1000)
    part.loadDAverage = Math.trunc(state.loadD * 1000)
    sample.load = part
  },
}
