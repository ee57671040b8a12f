import {FileParseError} from '../files.js'
import {need, parseIntList, parseKeyValue, parseSingle} from '../parse.js'
import type {CpuSample} from '../sample.js'
import type {KindReader, ReadContext} from './types.js'

/** cpuacct.stat counts in USER_HZ ticks; the kernel exports 100 on every architecture cAdvisor supports. */
const NS_PER_TICK = 1e9 / 100

function throttling(stat: Map<string, number>, cpu: CpuSample, scale: number, timeKey: string): void {
  const periods = stat.get('nr_periods')
  if (periods === undefined) return
  cpu.periods = periods
  cpu.throttledPeriods = stat.get('nr_throttled') ?? 0
  cpu.throttledNs = (stat.get(timeKey) ?? 0) * scale
}

function readV2(ctx: ReadContext, dir: string): CpuSample | undefined {
  const path = `${dir}/cpu.stat`
  const text = ctx.read(path)
  if (text === undefined) return undefined
  const stat = parseKeyValue(text, path)
  const cpu: CpuSample = {
    usageNs: need(stat, 'usage_usec', path) * 1000,
    userNs: need(stat, 'user_usec', path) * 1000,
    systemNs: need(stat, 'system_usec', path) * 1000,
  }
  throttling(stat, cpu, 1000, 'throttled_usec')
  const bursts = stat.get('nr_bursts')
  if (bursts !== undefined) {
    cpu.bursts = bursts
    cpu.burstNs = (stat.get('burst_usec') ?? 0) * 1000
  }
  return cpu
}

function readV1(ctx: ReadContext, acctDir: string | undefined, cpuDir: string | undefined): CpuSample | undefined {
  if (acctDir === undefined) return undefined
  let cpu: CpuSample | undefined
  // With per-CPU on, usage_percpu alone gives the total too (cpuacct.usage is the same counters
  // summed), so one file replaces two. cpuacct.usage is the fallback when it is unusable.
  if (ctx.kinds.has('percpu')) {
    const path = `${acctDir}/cpuacct.usage_percpu`
    const text = ctx.read(path)
    const perCpuNs = text === undefined ? undefined : ctx.attempt(() => parseIntList(text, path))
    if (perCpuNs !== undefined) {
      let usageNs = 0
      for (const v of perCpuNs) usageNs += v
      cpu = {usageNs, perCpuNs}
    }
  }
  if (cpu === undefined) {
    const path = `${acctDir}/cpuacct.usage`
    const text = ctx.read(path)
    if (text === undefined) return undefined
    cpu = {usageNs: parseSingle(text, path)}
  }
  const statPath = `${acctDir}/cpuacct.stat`
  const statText = ctx.read(statPath)
  const times = statText === undefined ? undefined : ctx.attempt(() => {
    const stat = parseKeyValue(statText, statPath)
    return {user: need(stat, 'user', statPath), system: need(stat, 'system', statPath)}
  })
  if (times !== undefined) {
    cpu.userNs = times.user * NS_PER_TICK
    cpu.systemNs = times.system * NS_PER_TICK
  }
  // CFS counters only move under a quota; without one, skip the file (fewest reads per tick).
  if (cpuDir !== undefined && ctx.spec?.cpuQuotaUs !== undefined) {
    const path = `${cpuDir}/cpu.stat`
    const text = ctx.read(path)
    const stat = text === undefined ? undefined : ctx.attempt(() => parseKeyValue(text, path))
    if (stat !== undefined) {
      throttling(stat, cpu, 1, 'throttled_time')
      if (stat.has('nr_bursts')) {
        cpu.bursts = stat.get('nr_bursts')!
        cpu.burstNs = (stat.get('burst_time') ?? 0)
      }
    }
  }
  return cpu
}

export const cpuReader: KindReader = {
  kind: 'cpu',
  files: {
    v1: ['cpuacct.usage_percpu (percpu on) or cpuacct.usage', 'cpuacct.stat', 'cpu.stat (only under a CFS quota)'],
    v2: ['cpu.stat'],
  },
  read(ctx, sample) {
    const acct = ctx.dir('cpuacct')
    const cpuDir = ctx.dir('cpu')
    let cpu: CpuSample | undefined
    if (acct?.version === 2) cpu = readV2(ctx, acct.path)
    else if (acct === undefined && cpuDir?.version === 2) cpu = readV2(ctx, cpuDir.path)
    else cpu = readV1(ctx, acct?.path, cpuDir?.version === 1 ? cpuDir.path : undefined)
    if (cpu === undefined) return
    if (!Number.isFinite(cpu.usageNs)) throw new FileParseError(acct?.path ?? cpuDir!.path, 'CPU usage is not a finite number')
    sample.cpu = cpu
  },
}
