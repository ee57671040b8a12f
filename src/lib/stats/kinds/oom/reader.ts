import {needPicked, pickKeyValues} from '../../parse.js'
import type {KindReader} from '../types.js'

const V1_KEYS = ['oom_kill'] as const
const V2_KEYS = ['oom', 'oom_kill'] as const

/**
 * The kernel's own OOM-kill counter for the cgroup: v1 memory.oom_control `oom_kill` (kernel
 * ≥ 4.13), v2 memory.events `oom_kill`. cAdvisor counts kernel-log records instead; a counter
 * kept by the kernel cannot miss a record or count one twice, and survives a cadv restart.
 * On v2 the memory reader has usually read memory.events already this tick: reused, not re-read.
 */
export const oomReader: KindReader = {
  kind: 'oom_event',
  files: {
    v1: ['memory.oom_control (oom_kill)'],
    v2: ['memory.events (oom_kill; shared with the memory kind)'],
  },
  read(ctx, sample) {
    const dir = ctx.dir('memory')
    if (dir === undefined) return
    if (dir.version === 2 && ctx.kinds.has('memory')) {
      // The memory reader ran first and parsed memory.events (or recorded why it could not).
      const m = sample.memory
      const kills = m?.oomKills ?? m?.oomEvents
      if (kills !== undefined) sample.oom = {kills}
      return
    }
    // The v2 root has no memory.events (read() gives undefined); the v1 root counts its own tasks.
    const path = `${dir.path}/${dir.version === 2 ? 'memory.events' : 'memory.oom_control'}`
    const text = ctx.read(path)
    if (text === undefined) return
    const kills = ctx.attempt(() => {
      if (dir.version === 1) return needPicked(pickKeyValues(text, path, V1_KEYS)[0], 'oom_kill', path)
      const [oom, oomKill] = pickKeyValues(text, path, V2_KEYS)
      return oomKill ?? needPicked(oom, 'oom', path)
    })
    if (kills !== undefined) sample.oom = {kills}
  },
}
