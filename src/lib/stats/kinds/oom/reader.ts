import {needPicked, pickKeyValues} from '../../parse.js'
import type {KindReader, ReadContext} from '../types.js'

const KILL_KEYS = ['oom_kill'] as const
const V2_KEYS = ['oom', 'oom_kill'] as const

/**
 * The previous part while the count holds, so an unchanged sample keeps its objects (the store
 * and the exposition compare parts by identity). Not a `pure` reader: where only memory.events
 * exists it takes the count from the memory kind's part, which a replay of its own reads would
 * not see change.
 */
function part(ctx: ReadContext, kills: number): {kills: number} {
  const last = ctx.state<{part?: {kills: number}}>('oom.last', () => ({}))
  return last.part?.kills === kills ? last.part : (last.part = {kills})
}

/**
 * The kernel's own OOM-kill counter for the cgroup itself: v1 memory.oom_control `oom_kill`
 * (kernel ≥ 4.13; counted where the victim's memory was charged), v2 memory.events.local
 * (kernel ≥ 5.2), else memory.events, which also counts kills in sub-cgroups. cAdvisor counts
 * kernel-log records per victim cgroup instead; a counter kept by the kernel cannot miss a
 * record or count one twice, and survives a cadv restart. Where only memory.events exists,
 * the memory reader has usually parsed it this tick already: reused, not re-read.
 */
export const oomReader: KindReader = {
  kind: 'oom_event',
  files: {
    v1: ['memory.oom_control (oom_kill)'],
    v2: ['memory.events.local (oom_kill), else memory.events (shared with the memory kind)'],
  },
  read(ctx, sample) {
    const dir = ctx.dir('memory')
    if (dir === undefined) return
    // The v2 root has neither file (read() gives undefined); the v1 root counts its own tasks.
    if (dir.version === 1) {
      const path = `${dir.path}/memory.oom_control`
      const text = ctx.read(path)
      if (text === undefined) return
      const kills = ctx.attempt(() => needPicked(pickKeyValues(text, path, KILL_KEYS)[0], 'oom_kill', path))
      if (kills !== undefined) sample.oom = part(ctx, kills)
      return
    }
    const localPath = `${dir.path}/memory.events.local`
    const local = ctx.read(localPath)
    if (local !== undefined) {
      const kills = ctx.attempt(() => needPicked(pickKeyValues(local, localPath, KILL_KEYS)[0], 'oom_kill', localPath))
      if (kills !== undefined) sample.oom = part(ctx, kills)
      return
    }
    if (ctx.kinds.has('memory')) {
      // The memory reader ran first and parsed memory.events (or recorded why it could not).
      const kills = sample.memory?.oomKills ?? sample.memory?.oomEvents
      if (kills !== undefined) sample.oom = part(ctx, kills)
      return
    }
    const path = `${dir.path}/memory.events`
    const text = ctx.read(path)
    if (text === undefined) return
    const kills = ctx.attempt(() => {
      const [oom, oomKill] = pickKeyValues(text, path, V2_KEYS)
      return oomKill ?? needPicked(oom, 'oom', path)
    })
    if (kills !== undefined) sample.oom = part(ctx, kills)
  },
}
