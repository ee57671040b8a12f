import {FileParseError} from '../files.js'
import {parseLimit, parseSingle, toUint, uintProblem} from '../parse.js'
import type {ContainerSpec} from '../../model/index.js'
import type {ReadContext, SpecReader} from '../kinds/types.js'

/**
 * cAdvisor's (and runc's) mapping of cgroup v2 cpu.weight 1..10000 onto v1 shares 2..262144.
 * Go computes it in integer arithmetic, so the quotient is floored: weight 50 is 1286, not 1287.
 */
export function weightToShares(weight: number): number {
  return 2 + Math.floor(((weight - 1) * 262142) / 9999)
}

function value<T>(ctx: ReadContext, errors: string[], path: string, parse: (text: string, path: string) => T): T | undefined {
  const text = ctx.readOnce(path)
  if (text === undefined) return undefined
  try {
    return parse(text, path)
  } catch (err) {
    if (err instanceof FileParseError) {
      errors.push(err.message)
      return undefined
    }
    throw err
  }
}

/** v2 cpu.max: `quota period`, quota `max` when unlimited. */
function parseCpuMax(text: string, path: string): {quota?: number; period: number} {
  const f = text.trim().split(/\s+/)
  const period = toUint(f[1] ?? '')
  if (f.length !== 2 || Number.isNaN(period)) throw new FileParseError(path, `expected "quota period", got "${text.trim().slice(0, 40)}"`)
  if (f[0] === 'max') return {period}
  const quota = toUint(f[0]!)
  if (Number.isNaN(quota)) throw new FileParseError(path, `quota ${uintProblem(f[0]!)} (nor max)`)
  return {quota, period}
}

function set<K extends keyof ContainerSpec>(spec: ContainerSpec, key: K, v: ContainerSpec[K] | undefined): void {
  if (v !== undefined) spec[key] = v
}

export const specReader: SpecReader = {
  files: {
    v1: [
      'cpu.shares',
      'cpu.cfs_quota_us',
      'cpu.cfs_period_us',
      'cpuset.cpus',
      'memory.limit_in_bytes',
      'memory.soft_limit_in_bytes',
      'memory.memsw.limit_in_bytes',
      'pids.max',
    ],
    v2: ['cpu.weight', 'cpu.max', 'cpuset.cpus.effective', 'memory.max', 'memory.min', 'memory.swap.max', 'pids.max'],
  },
  read(ctx, errors) {
    const spec: ContainerSpec = {}
    if (ctx.options.specDetail === false) {
      const mem = ctx.dir('memory')
      const file = mem?.version === 1 ? 'memory.limit_in_bytes' : 'memory.max'
      if (mem !== undefined) set(spec, 'memoryLimitBytes', value(ctx, errors, `${mem.path}/${file}`, parseLimit))
      return spec
    }
    const cpu = ctx.dir('cpu')
    if (cpu?.version === 1) {
      set(spec, 'cpuShares', value(ctx, errors, `${cpu.path}/cpu.shares`, parseSingle))
      set(spec, 'cpuQuotaUs', value(ctx, errors, `${cpu.path}/cpu.cfs_quota_us`, parseLimit))
      set(spec, 'cpuPeriodUs', value(ctx, errors, `${cpu.path}/cpu.cfs_period_us`, parseSingle))
    } else if (cpu?.version === 2) {
      const weight = value(ctx, errors, `${cpu.path}/cpu.weight`, parseSingle)
      if (weight !== undefined) {
        spec.cpuWeight = weight
        spec.cpuShares = weightToShares(weight)
      }
      const max = value(ctx, errors, `${cpu.path}/cpu.max`, parseCpuMax)
      if (max !== undefined) {
        spec.cpuPeriodUs = max.period
        set(spec, 'cpuQuotaUs', max.quota)
      }
    }
    const cpuset = ctx.dir('cpuset')
    if (cpuset !== undefined) {
      const file = cpuset.version === 1 ? 'cpuset.cpus' : 'cpuset.cpus.effective'
      const cpus = ctx.readOnce(`${cpuset.path}/${file}`)?.trim()
      if (cpus) spec.cpusetCpus = cpus
    }
    const mem = ctx.dir('memory')
    if (mem?.version === 1) {
      set(spec, 'memoryLimitBytes', value(ctx, errors, `${mem.path}/memory.limit_in_bytes`, parseLimit))
      set(spec, 'memoryReservationBytes', value(ctx, errors, `${mem.path}/memory.soft_limit_in_bytes`, parseLimit))
      set(spec, 'memorySwapLimitBytes', value(ctx, errors, `${mem.path}/memory.memsw.limit_in_bytes`, parseLimit))
    } else if (mem?.version === 2) {
      set(spec, 'memoryLimitBytes', value(ctx, errors, `${mem.path}/memory.max`, parseLimit))
      set(spec, 'memoryReservationBytes', value(ctx, errors, `${mem.path}/memory.min`, parseLimit))
      set(spec, 'memorySwapLimitBytes', value(ctx, errors, `${mem.path}/memory.swap.max`, parseLimit))
    }
    const pids = ctx.dir('pids')
    if (pids !== undefined) set(spec, 'pidsLimit', value(ctx, errors, `${pids.path}/pids.max`, parseLimit))
    return spec
  },
}
