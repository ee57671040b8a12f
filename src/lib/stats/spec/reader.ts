import {FileParseError} from '../files.js'
import {parseLimit, parseSingle, toUint, uintProblem} from '../parse.js'
import type {ContainerSpec} from '../../model/index.js'
import type {Controller, ReadContext, SpecReader} from '../kinds/types.js'

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

/**
 * One directory's part of the spec: the files of one controller, the keys they set. A reading
 * may leave a section unread and keep its values (ContainerCollector.readSpec) only when it is
 * writtenOnly and a watch on its directory reports every write there (the watcher's 'written').
 */
export interface SpecSection {
  readonly controller: Controller
  readonly keys: ReadonlyArray<keyof ContainerSpec>
  /**
   * Whether its values change only through a write(2) to one of WRITTEN_SPEC_FILES in its own
   * directory, which fsnotify reports as IN_MODIFY to a watch on that directory with or without
   * O_TRUNC (checked on cgroup v1 for cpu.shares, cpu.cfs_quota_us, cpu.cfs_period_us,
   * memory.limit_in_bytes, memory.soft_limit_in_bytes, pids.max). Not cpuset: the kernel
   * changes a v1 cpuset.cpus itself when a CPU goes offline, and a v2 cpuset.cpus.effective with
   * its parent's cpuset.cpus, neither a write to the file read.
   */
  readonly writtenOnly: boolean
  read(ctx: ReadContext, spec: ContainerSpec, errors: string[]): void
}

const cpuSection: SpecSection = {
  controller: 'cpu',
  keys: ['cpuShares', 'cpuWeight', 'cpuQuotaUs', 'cpuPeriodUs'],
  writtenOnly: true,
  read(ctx, spec, errors) {
    if (ctx.options.specDetail === false) return
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
  },
}

const cpusetSection: SpecSection = {
  controller: 'cpuset',
  keys: ['cpusetCpus'],
  writtenOnly: false,
  read(ctx, spec) {
    if (ctx.options.specDetail === false) return
    const cpuset = ctx.dir('cpuset')
    if (cpuset === undefined) return
    const file = cpuset.version === 1 ? 'cpuset.cpus' : 'cpuset.cpus.effective'
    const cpus = ctx.readOnce(`${cpuset.path}/${file}`)?.trim()
    if (cpus) spec.cpusetCpus = cpus
  },
}

const memorySection: SpecSection = {
  controller: 'memory',
  keys: ['memoryLimitBytes', 'memoryReservationBytes', 'memorySwapLimitBytes'],
  writtenOnly: true,
  read(ctx, spec, errors) {
    const mem = ctx.dir('memory')
    if (mem === undefined) return
    if (ctx.options.specDetail === false) {
      const file = mem.version === 1 ? 'memory.limit_in_bytes' : 'memory.max'
      set(spec, 'memoryLimitBytes', value(ctx, errors, `${mem.path}/${file}`, parseLimit))
    } else if (mem.version === 1) {
      set(spec, 'memoryLimitBytes', value(ctx, errors, `${mem.path}/memory.limit_in_bytes`, parseLimit))
      set(spec, 'memoryReservationBytes', value(ctx, errors, `${mem.path}/memory.soft_limit_in_bytes`, parseLimit))
      set(spec, 'memorySwapLimitBytes', value(ctx, errors, `${mem.path}/memory.memsw.limit_in_bytes`, parseLimit))
    } else {
      set(spec, 'memoryLimitBytes', value(ctx, errors, `${mem.path}/memory.max`, parseLimit))
      set(spec, 'memoryReservationBytes', value(ctx, errors, `${mem.path}/memory.min`, parseLimit))
      set(spec, 'memorySwapLimitBytes', value(ctx, errors, `${mem.path}/memory.swap.max`, parseLimit))
    }
  },
}

const pidsSection: SpecSection = {
  controller: 'pids',
  keys: ['pidsLimit'],
  writtenOnly: true,
  read(ctx, spec, errors) {
    if (ctx.options.specDetail === false) return
    const pids = ctx.dir('pids')
    if (pids !== undefined) set(spec, 'pidsLimit', value(ctx, errors, `${pids.path}/pids.max`, parseLimit))
  },
}

/** The spec's sections, in the order the spec's keys are set. */
export const SPEC_SECTIONS: readonly SpecSection[] = [cpuSection, cpusetSection, memorySection, pidsSection]

/**
 * Files whose write changes a writtenOnly section's values: the files read, and v2's
 * cpu.weight.nice, which sets cpu.weight. The watcher reports writes to these only (not
 * cgroup.procs, written at every process move).
 */
export const WRITTEN_SPEC_FILES: ReadonlySet<string> = new Set([
  'cpu.shares',
  'cpu.cfs_quota_us',
  'cpu.cfs_period_us',
  'memory.limit_in_bytes',
  'memory.soft_limit_in_bytes',
  'memory.memsw.limit_in_bytes',
  'pids.max',
  'cpu.weight',
  'cpu.weight.nice',
  'cpu.max',
  'memory.max',
  'memory.min',
  'memory.swap.max',
])

/** Controllers of the writtenOnly sections: where a watch on a container's directory saves the spec's reads. */
export const WRITTEN_SPEC_CONTROLLERS: ReadonlySet<string> = new Set<string>(
  SPEC_SECTIONS.filter((s) => s.writtenOnly).map((s) => s.controller),
)

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
    for (const section of SPEC_SECTIONS) section.read(ctx, spec, errors)
    return spec
  },
}
