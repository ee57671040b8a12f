import {need, parseKeyValue, parseSingle} from '../parse.js'
import type {MemorySample} from '../sample.js'
import type {KindReader, ReadContext} from './types.js'

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
  const stat = statText === undefined ? undefined : ctx.attempt(() => parseKeyValue(statText, statPath))
  if (stat !== undefined) {
    // total_* are hierarchical (the cgroup and its children), which is what a container's
    // numbers mean; every kernel since 2.6.29 prints them, and use_hierarchy is always 1 since 6.0.
    const pick = (key: string): number | undefined => stat.get(`total_${key}`) ?? stat.get(key)
    const inactive = ctx.attempt(() => need(stat, stat.has('total_inactive_file') ? 'total_inactive_file' : 'inactive_file', statPath))
    mem.workingSetBytes = workingSet(usageBytes, inactive)
    mem.rssBytes = pick('rss')
    mem.cacheBytes = pick('cache')
    mem.mappedFileBytes = pick('mapped_file')
    mem.swapBytes = pick('swap')
    mem.pgfault = pick('pgfault')
    mem.pgmajfault = pick('pgmajfault')
  }
  mem.maxUsageBytes = optional(ctx, `${dir}/memory.max_usage_in_bytes`)
  mem.failcnt = optional(ctx, `${dir}/memory.failcnt`)
  mem.kernelBytes = optional(ctx, `${dir}/memory.kmem.usage_in_bytes`)
  return dropUndefined(mem)
}

function readV2(ctx: ReadContext, dir: string): MemorySample | undefined {
  const usagePath = `${dir}/memory.current`
  const usageText = ctx.read(usagePath)
  if (usageText === undefined) return undefined
  const usageBytes = parseSingle(usageText, usagePath)
  const mem: MemorySample = {usageBytes, workingSetBytes: usageBytes}
  const statPath = `${dir}/memory.stat`
  const statText = ctx.read(statPath)
  const stat = statText === undefined ? undefined : ctx.attempt(() => parseKeyValue(statText, statPath))
  if (stat !== undefined) {
    mem.workingSetBytes = workingSet(usageBytes, ctx.attempt(() => need(stat, 'inactive_file', statPath)))
    mem.rssBytes = stat.get('anon')
    mem.cacheBytes = stat.get('file')
    mem.mappedFileBytes = stat.get('file_mapped')
    mem.kernelBytes = stat.get('kernel')
    mem.pgfault = stat.get('pgfault')
    mem.pgmajfault = stat.get('pgmajfault')
  }
  mem.swapBytes = optional(ctx, `${dir}/memory.swap.current`)
  mem.maxUsageBytes = optional(ctx, `${dir}/memory.peak`)
  const eventsPath = `${dir}/memory.events`
  const eventsText = ctx.read(eventsPath)
  const events = eventsText === undefined ? undefined : ctx.attempt(() => parseKeyValue(eventsText, eventsPath))
  if (events !== undefined) {
    mem.oomEvents = ctx.attempt(() => need(events, 'oom', eventsPath))
    mem.oomKills = events.get('oom_kill')
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
  files: {
    v1: ['memory.usage_in_bytes', 'memory.stat', 'memory.max_usage_in_bytes', 'memory.failcnt', 'memory.kmem.usage_in_bytes (if present)'],
    v2: ['memory.current', 'memory.stat', 'memory.swap.current', 'memory.peak (kernel ≥ 5.19)', 'memory.events'],
  },
  read(ctx, sample) {
    const dir = ctx.dir('memory')
    if (dir === undefined) return
    const mem = dir.version === 2 ? readV2(ctx, dir.path) : readV1(ctx, dir.path)
    if (mem !== undefined) sample.memory = mem
  },
}
