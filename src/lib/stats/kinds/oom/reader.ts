import {FileParseError} from '../../files.js'
import {needPicked, pickKeyValues} from '../../parse.js'
import type {KindReader, ReadContext} from '../types.js'

const KILL_KEYS = ['oom_kill'] as const
const V2_KEYS = ['oom', 'oom_kill'] as const

function unlessMalformed(pick: () => number): number | undefined {
  try {
    return pick()
  } catch (err) {
    if (err instanceof FileParseError) return undefined
    throw err
  }
}

/**
 * The previous part while the count holds, so an unchanged sample keeps its objects (the store
 * and the exposition compare parts by identity).
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
 * record or count one twice, and survives a cadv restart. A `pure` reader: its part comes from
 * the bytes it reads only (before 5.2 it reads memory.events itself rather than take the memory
 * kind's count), so while they are unchanged the part is reused without parsing (read-log.ts).
 */
export const oomReader: KindReader = {
  kind: 'oom_event',
  files: {
    v1: ['memory.oom_control (oom_kill)'],
    v2: ['memory.events.local (oom_kill), else memory.events'],
  },
  pure: true,
  // A kill is counted in the memory cgroup of its victim and of each ancestor: while the
  // subtree holds no task the count stands, and memory.oom_control's other lines are settings.
  stillWithoutTasks: true,
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
    const path = `${dir.path}/memory.events`
    const text = ctx.read(path)
    if (text === undefined) return
    const pick = (): number => {
      const [oom, oomKill] = pickKeyValues(text, path, V2_KEYS)
      return oomKill ?? needPicked(oom, 'oom', path)
    }
    // The memory kind, when on, reads this file too and says once what is wrong with it.
    const kills = ctx.kinds.has('memory') ? unlessMalformed(pick) : ctx.attempt(pick)
    if (kills !== undefined) sample.oom = part(ctx, kills)
  },
}
