/**
 * cAdvisor's metric kinds (`--enable-metrics` / `--disable-metrics`). The set decides which
 * readers run, which metric families are exposed and which v1 hierarchies are watched.
 */
export const ALL_KINDS = [
  'cpu', 'sched', 'percpu', 'memory', 'memory_numa', 'cpuLoad', 'diskIO', 'disk', 'network',
  'tcp', 'advtcp', 'udp', 'app', 'process', 'hugetlb', 'perf_event', 'referenced_memory',
  'cpu_topology', 'resctrl', 'cpuset', 'oom_event', 'pressure',
] as const

export type MetricKind = (typeof ALL_KINDS)[number]

/** cAdvisor's default `--disable_metrics` (unchanged from v0.47 to v0.60). */
export const DEFAULT_DISABLED: readonly MetricKind[] = [
  'memory_numa', 'tcp', 'udp', 'advtcp', 'sched', 'process', 'hugetlb', 'referenced_memory',
  'cpu_topology', 'resctrl', 'cpuset',
]

/** v1 controllers each kind reads; `devices` is always watched, as in cAdvisor. */
const KIND_CONTROLLERS: Partial<Record<MetricKind, readonly string[]>> = {
  cpu: ['cpu', 'cpuacct'],
  percpu: ['cpuacct'],
  memory: ['memory'],
  oom_event: ['memory'],
  hugetlb: ['hugetlb'],
  process: ['pids'],
  cpuset: ['cpuset'],
  diskIO: ['blkio', 'io'],
  perf_event: ['perf_event'],
}

export class UnknownKindError extends Error {
  readonly exitCode = 2
  constructor(kind: string) {
    super(`unsupported metric kind "${kind}" (known: ${ALL_KINDS.join(', ')})`)
    this.name = 'UnknownKindError'
  }
}

function parseKindList(values: readonly string[]): MetricKind[] {
  const kinds: MetricKind[] = []
  for (const raw of values.flatMap((v) => v.split(','))) {
    const k = raw.trim()
    if (k === '') continue
    if (!(ALL_KINDS as readonly string[]).includes(k)) throw new UnknownKindError(k)
    kinds.push(k as MetricKind)
  }
  return kinds
}

/**
 * The enabled set, with cAdvisor's rule: a non-empty enable list replaces everything and the
 * disable list is then ignored; otherwise all kinds minus the disable list (default: cAdvisor's).
 */
export function resolveKinds(enable: readonly string[] = [], disable?: readonly string[]): Set<MetricKind> {
  const enabled = parseKindList(enable)
  if (enabled.length > 0) return new Set(enabled)
  const disabled = new Set(disable === undefined ? DEFAULT_DISABLED : parseKindList(disable))
  return new Set(ALL_KINDS.filter((k) => !disabled.has(k)))
}

/** The v1 controllers whose hierarchies the enabled kinds need. */
export function controllersForKinds(kinds: ReadonlySet<MetricKind>): Set<string> {
  const controllers = new Set<string>(['devices'])
  for (const k of kinds) for (const c of KIND_CONTROLLERS[k] ?? []) controllers.add(c)
  return controllers
}
