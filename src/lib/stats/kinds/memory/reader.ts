import {needPicked, pickKeyValues, parseSingle} from '../../parse.js'
import type {MemorySample} from '../../../model/index.js'
import {meminfoSwapUsed} from '../../../util/index.js'
import type {KindReader, ReadContext} from '../types.js'

/**
 * memory.stat keys a v1 tick uses. cAdvisor (runc) takes rss, cache, mapped_file and swap from
 * the hierarchical total_* keys when memory.use_hierarchy is 1 and from the local keys
 * otherwise; pgfault and pgmajfault always from the local keys; inactive_file always from
 * total_inactive_file.
 */
const V1_STAT_KEYS = [
  'total_inactive_file',
  'inactive_file',
  'total_rss',
  'rss',
  'total_cache',
  'cache',
  'total_mapped_file',
  'mapped_file',
  'total_swap',
  'swap',
  'pgfault',
  'pgmajfault',
  'total_active_file',
  'active_file',
  'total_dirty',
  'dirty',
  'total_writeback',
  'writeback',
  'total_workingset_refault_file',
  'workingset_refault_file',
  'total_workingset_refault_anon',
  'workingset_refault_anon',
] as const
const V2_STAT_KEYS = [
  'inactive_file',
  'anon',
  'file',
  'file_mapped',
  'kernel',
  'pgfault',
  'pgmajfault',
  'active_file',
  'file_dirty',
  'file_writeback',
  'workingset_refault_file',
  'workingset_refault_anon',
  'pgscan',
  'pgsteal',
] as const
const EVENT_KEYS = ['oom', 'oom_kill', 'high', 'max'] as const

/** A single-value file that may be absent (memory.peak before 5.19, kmem when not compiled in). */
function optional(ctx: ReadContext, path: string): number | undefined {
  const text = ctx.read(path)
  return text === undefined ? undefined : ctx.attempt(() => parseSingle(text, path))
}

/**
 * Working set = usage − inactive_file, floored at 0: what kubelet eviction, `kubectl top`,
 * docker stats and cAdvisor call the memory a container really uses.
 */
export function workingSet(usage: number, inactiveFile: number | undefined): number {
  if (inactiveFile === undefined || inactiveFile > usage) return inactiveFile === undefined ? usage : 0
  return usage - inactiveFile
}

function readV1(ctx: ReadContext, dir: string): MemorySample | undefined {
  const usagePath = `${dir}/memory.usage_in_bytes`
  const usageText = ctx.read(usagePath)
  if (usageText === undefined) return undefined
  const usageBytes = parseSingle(usageText, usagePath)
  const statPath = `${dir}/memory.stat`
  const statText = ctx.read(statPath)
  const mem: MemorySample = {usageBytes, workingSetBytes: usageBytes}
  const stat = statText === undefined ? undefined : ctx.attempt(() => pickKeyValues(statText, statPath, V1_STAT_KEYS))
  if (stat !== undefined) {
    // use_hierarchy cannot change once the cgroup has children, and is always 1 since Linux
    // 6.0 (and when the file is missing): read once per container, not per tick.
    const hierarchical = ctx.state('memory.use_hierarchy', () => ctx.readOnce(`${dir}/memory.use_hierarchy`)?.trim() !== '0')
    const pick = (i: number): number | undefined => (hierarchical ? (stat[i] ?? stat[i + 1]) : stat[i + 1])
    const inactive = stat[0] ?? stat[1]
    if (inactive === undefined) ctx.attempt(() => needPicked(undefined, 'total_inactive_file', statPath))
    mem.workingSetBytes = workingSet(usageBytes, inactive)
    mem.rssBytes = pick(2)
    mem.cacheBytes = pick(4)
    mem.mappedFileBytes = pick(6)
    mem.swapBytes = pick(8)
    mem.pgfault = stat[10]
    mem.pgmajfault = stat[11]
    // cAdvisor takes both LRU file sizes from the total_* keys whatever use_hierarchy says.
    mem.inactiveFileBytes = inactive
    mem.activeFileBytes = stat[12] ?? stat[13]
    mem.fileDirtyBytes = pick(14)
    mem.fileWritebackBytes = pick(16)
    mem.workingsetRefaultFile = pick(18)
    mem.workingsetRefaultAnon = pick(20)
  }
  if (ctx.options.cpuMemoryDetail !== false) {
    mem.maxUsageBytes = optional(ctx, `${dir}/memory.max_usage_in_bytes`)
    mem.failcnt = optional(ctx, `${dir}/memory.failcnt`)
    mem.kernelBytes = optional(ctx, `${dir}/memory.kmem.usage_in_bytes`)
  }
  return dropUndefined(mem)
}

function readV2(ctx: ReadContext, dir: string): MemorySample | undefined {
  const usagePath = `${dir}/memory.current`
  const usageText = ctx.read(usagePath)
  // The v2 root cgroup has no memory.current (nor swap, peak or events files).
  const root = usageText === undefined && ctx.name === '/'
  if (usageText === undefined && !root) return undefined
  const statPath = `${dir}/memory.stat`
  const statText = ctx.read(statPath)
  const stat = statText === undefined ? undefined : ctx.attempt(() => pickKeyValues(statText, statPath, V2_STAT_KEYS))
  let usageBytes: number
  if (usageText !== undefined) {
    usageBytes = parseSingle(usageText, usagePath)
  } else {
    // As cAdvisor: the root's usage is anon + file of its memory.stat.
    const anon = stat?.[1]
    const file = stat?.[2]
    if (anon === undefined || file === undefined) {
      if (stat !== undefined) ctx.attempt(() => needPicked(undefined, anon === undefined ? 'anon' : 'file', statPath))
      return undefined
    }
    usageBytes = anon + file
  }
  const mem: MemorySample = {usageBytes, workingSetBytes: usageBytes}
  if (stat !== undefined) {
    mem.workingSetBytes = workingSet(
      usageBytes,
      ctx.attempt(() => needPicked(stat[0], 'inactive_file', statPath)),
    )
    mem.rssBytes = stat[1]
    mem.cacheBytes = stat[2]
    mem.mappedFileBytes = stat[3]
    mem.kernelBytes = stat[4]
    mem.pgfault = stat[5]
    mem.pgmajfault = stat[6]
    mem.inactiveFileBytes = stat[0]
    mem.activeFileBytes = stat[7]
    mem.fileDirtyBytes = stat[8]
    mem.fileWritebackBytes = stat[9]
    mem.workingsetRefaultFile = stat[10]
    mem.workingsetRefaultAnon = stat[11]
    mem.pgscan = stat[12]
    mem.pgsteal = stat[13]
  }
  if (root) {
    // cAdvisor takes the root's swap from /proc/meminfo; one small read, for one container.
    const meminfo = ctx.read(`${ctx.procRoot}/meminfo`)
    mem.swapBytes = meminfo === undefined ? undefined : meminfoSwapUsed(meminfo)
    return dropUndefined(mem)
  }
  mem.swapBytes = optional(ctx, `${dir}/memory.swap.current`)
  mem.maxUsageBytes = optional(ctx, `${dir}/memory.peak`)
  const eventsPath = `${dir}/memory.events`
  const eventsText = ctx.read(eventsPath)
  const events = eventsText === undefined ? undefined : ctx.attempt(() => pickKeyValues(eventsText, eventsPath, EVENT_KEYS))
  if (events !== undefined) {
    mem.oomEvents = ctx.attempt(() => needPicked(events[0], 'oom', eventsPath))
    mem.oomKills = events[1]
    mem.eventsHigh = events[2]
    mem.eventsMax = events[3]
  }
  return dropUndefined(mem)
}

/** Absent fields stay absent rather than `undefined`, so samples compare and serialise cleanly. */
function dropUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k]
  return o
}

export const memoryReader: KindReader = {
  kind: 'memory',
  pure: true,
  // An empty cgroup's memory moves only by reclaim and by what a task elsewhere does to pages
  // charged to it (freeing, writing back), which moves memory.stat's counts; v1 slab given back
  // shows only in usage and kmem usage (v2's memory.stat counts it too).
  witness: 'memory.stat',
  files: {
    v1: [
      'memory.usage_in_bytes',
      'memory.stat',
      'memory.max_usage_in_bytes',
      'memory.failcnt',
      'memory.kmem.usage_in_bytes (if present)',
      'memory.use_hierarchy (once)',
    ],
    v2: [
      'memory.current',
      'memory.stat',
      'memory.swap.current',
      'memory.peak (kernel ≥ 5.19)',
      'memory.events',
      '/proc/meminfo (root only: swap)',
    ],
  },
  read(ctx, sample) {
    const dir = ctx.dir('memory')
    if (dir === undefined) return
    const mem = dir.version === 2 ? readV2(ctx, dir.path) : readV1(ctx, dir.path)
    if (mem !== undefined) sample.memory = mem
  },
}
