import {FileParseError} from '../../files.js'
import {needPicked, parseIntList, parseKeyValue, parseSingle, pickKeyValues} from '../../parse.js'
import type {CpuSample} from '../../../model/index.js'
import type {KindReader, ReadContext} from '../types.js'

/** cpuacct.stat counts in USER_HZ ticks; the kernel exports 100 on every architecture cAdvisor supports. */
const NS_PER_TICK = 1e9 / 100
const ACCT_KEYS = ['user', 'system'] as const

function throttling(stat: Map<string, number>, cpu: CpuSample, scale: number, timeKey: string): void {
  const periods = stat.get('nr_periods')
  if (periods === undefined) return
  cpu.periods = periods
  cpu.throttledPeriods = stat.get('nr_throttled') ?? 0
  cpu.throttledNs = (stat.get(timeKey) ?? 0) * scale
}

const V2_KEYS = [
  'usage_usec',
  'user_usec',
  'system_usec',
  'nr_periods',
  'nr_throttled',
  'throttled_usec',
  'nr_bursts',
  'burst_usec',
] as const

function readV2(ctx: ReadContext, dir: string): CpuSample | undefined {
  const path = `${dir}/cpu.stat`
  const text = ctx.read(path)
  if (text === undefined) return undefined
  const [usage, user, system, periods, throttled, throttledUs, bursts, burstUs] = pickKeyValues(text, path, V2_KEYS)
  const cpu: CpuSample = {
    usageNs: needPicked(usage, 'usage_usec', path) * 1000,
    userNs: needPicked(user, 'user_usec', path) * 1000,
    systemNs: needPicked(system, 'system_usec', path) * 1000,
  }
  if (periods !== undefined) {
    cpu.periods = periods
    cpu.throttledPeriods = throttled ?? 0
    cpu.throttledNs = (throttledUs ?? 0) * 1000
  }
  if (bursts !== undefined) {
    cpu.bursts = bursts
    cpu.burstNs = (burstUs ?? 0) * 1000
  }
  return cpu
}

/** cpuacct.stat's user and system ticks, when the file is there and good. */
function userSystem(ctx: ReadContext, statPath: string): {user: number; system: number} | undefined {
  const statText = ctx.read(statPath)
  if (statText === undefined) return undefined
  return ctx.attempt(() => {
    const [user, system] = pickKeyValues(statText, statPath, ACCT_KEYS)
    return {user: needPicked(user, 'user', statPath), system: needPicked(system, 'system', statPath)}
  })
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
  const times = ctx.options.cpuMemoryDetail === false ? undefined : userSystem(ctx, `${acctDir}/cpuacct.stat`)
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
        cpu.burstNs = stat.get('burst_time') ?? 0
      }
    }
  }
  return cpu
}

export const cpuReader: KindReader = {
  kind: 'cpu',
  freshParts: ['cpu'],
  pure: true,
  stillWithoutTasks: true,
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
