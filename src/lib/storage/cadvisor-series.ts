/*
 * A sample as cAdvisor's stdout, statsd and influxdb drivers see it: a flat list of named
 * values. Each value has its influxdb measurement and tags and its flat key for stdout and
 * statsd (`cpu_usage_per_cpu.3`, `memory_failure.container.pgfault`), with cAdvisor's names.
 * Only what cadv collects is listed: cAdvisor's load average, referenced memory, hugetlb,
 * filesystem, perf and resctrl values are not (cAdvisor writes zeros for most of them), and
 * parts a sample lacks (a disabled kind, a missing file) are left out rather than sent as 0.
 */
import type {Sample} from '../model/index.js'

export interface SeriesValue {
  /** Flat key of the stdout and statsd drivers. */
  key: string
  /** influxdb measurement. */
  measurement: string
  /** influxdb tags of this value besides the container's. */
  tags?: ReadonlyArray<readonly [string, string]>
  value: number
}

const INSTANCE_TAGS: Array<ReadonlyArray<readonly [string, string]>> = []
function instanceTags(i: number): ReadonlyArray<readonly [string, string]> {
  return (INSTANCE_TAGS[i] ??= [['instance', String(i)]])
}

const FAILURE_TAGS = {
  pgfault: [
    ['failure_type', 'pgfault'],
    ['scope', 'container'],
  ],
  pgmajfault: [
    ['failure_type', 'pgmajfault'],
    ['scope', 'container'],
  ],
} as const

/** The values of one sample, in cAdvisor's order (CPU, network, memory). */
export function cadvisorSeries(sample: Sample): SeriesValue[] {
  const out: SeriesValue[] = []
  const add = (
    measurement: string,
    value: number | undefined,
    key = measurement,
    tags?: ReadonlyArray<readonly [string, string]>,
  ): void => {
    if (value !== undefined) out.push({key, measurement, value, tags})
  }
  const cpu = sample.cpu
  if (cpu) {
    add('cpu_usage_total', cpu.usageNs)
    add('cpu_usage_system', cpu.systemNs)
    add('cpu_usage_user', cpu.userNs)
    const per = cpu.perCpuNs ?? []
    for (let i = 0; i < per.length; i++) add('cpu_usage_per_cpu', per[i], `cpu_usage_per_cpu.${i}`, instanceTags(i))
  }
  // cAdvisor's single network figures are its first interface's (the inline InterfaceStats).
  const net = sample.network?.[0]
  if (net) {
    add('rx_bytes', net.rxBytes)
    add('rx_errors', net.rxErrors)
    add('tx_bytes', net.txBytes)
    add('tx_errors', net.txErrors)
  }
  const mem = sample.memory
  if (mem) {
    add('memory_usage', mem.usageBytes)
    add('memory_max_usage', mem.maxUsageBytes)
    add('memory_cache', mem.cacheBytes)
    add('memory_rss', mem.rssBytes)
    add('memory_swap', mem.swapBytes)
    add('memory_mapped_file', mem.mappedFileBytes)
    add('memory_working_set', mem.workingSetBytes)
    add('memory_failcnt', mem.failcnt)
    add('memory_failure', mem.pgfault, 'memory_failure.container.pgfault', FAILURE_TAGS.pgfault)
    add('memory_failure', mem.pgmajfault, 'memory_failure.container.pgmajfault', FAILURE_TAGS.pgmajfault)
  }
  return out
}

/** A counter or gauge as an integer text (the kernel's numbers are integers; cAdvisor prints uint64). */
export function integerText(v: number): string {
  return Number.isSafeInteger(v) ? String(v) : BigInt(Math.round(v)).toString()
}
