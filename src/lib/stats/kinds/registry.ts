/*
 * The one registry of cAdvisor's metric kinds, keyed by the names `--enable-metrics` and
 * `--disable-metrics` take, in cAdvisor's order. Every list is derived from it: the kind names,
 * the default set, the v1 controllers (so the hierarchies watched), the readers and the
 * families. Adding a kind is a folder beside this file and one line below.
 */
import type {FamilyModule} from '../../model/index.js'
import {specFamilies} from '../spec/families.js'
import {healthFamilies} from '../spec/health.js'
import {cpuKind, percpuKind} from './cpu/index.js'
import {cpuLoadKind} from './cpuload/index.js'
import {cpusetKind} from './cpuset/index.js'
import {diskKind} from './disk/index.js'
import {diskioKind} from './diskio/index.js'
import {hugetlbKind} from './hugetlb/index.js'
import {memoryKind} from './memory/index.js'
import {networkKind} from './network/index.js'
import {memoryNumaKind} from './numa/index.js'
import {oomKind} from './oom/index.js'
import {pressureKind} from './pressure/index.js'
import {processKind} from './process/index.js'
import {referencedMemoryKind} from './referenced/index.js'
import {schedKind} from './sched/index.js'
import type {KindDefinition, KindHost, KindReader} from './types.js'
import {cpuTopologyKind} from './topology/index.js'
import {tcpKind} from './tcp/index.js'
import {udpKind} from './udp/index.js'
import {advtcpKind} from './advtcp/index.js'
import {resctrlKind} from './resctrl/index.js'
import {perfEventKind} from './perf/index.js'
import {appKind} from './uncollected.js'

export const KINDS = {
  cpu: cpuKind,
  sched: schedKind,
  percpu: percpuKind,
  memory: memoryKind,
  memory_numa: memoryNumaKind,
  cpuLoad: cpuLoadKind,
  diskIO: diskioKind,
  disk: diskKind,
  network: networkKind,
  tcp: tcpKind,
  advtcp: advtcpKind,
  udp: udpKind,
  app: appKind,
  process: processKind,
  hugetlb: hugetlbKind,
  perf_event: perfEventKind,
  referenced_memory: referencedMemoryKind,
  cpu_topology: cpuTopologyKind,
  resctrl: resctrlKind,
  cpuset: cpusetKind,
  oom_event: oomKind,
  pressure: pressureKind,
} as const satisfies Record<string, KindDefinition>

export type MetricKind = keyof typeof KINDS

const entries = Object.entries(KINDS) as Array<[MetricKind, KindDefinition]>

export const ALL_KINDS: readonly MetricKind[] = entries.map(([name]) => name)

/** cAdvisor's default `--disable_metrics` (unchanged from v0.47 to v0.60). */
export const DEFAULT_DISABLED: readonly MetricKind[] = entries.filter(([, k]) => !k.defaultOn).map(([name]) => name)

export class UnknownKindError extends Error {
  readonly exitCode = 2
  constructor(kind: string) {
    super(`unsupported metric kind "${kind}" (known: ${ALL_KINDS.join(', ')})`)
    this.name = 'UnknownKindError'
  }
}

export function isMetricKind(name: string): name is MetricKind {
  return Object.hasOwn(KINDS, name)
}

function parseKindList(values: readonly string[]): MetricKind[] {
  const kinds: MetricKind[] = []
  for (const raw of values.flatMap((v) => v.split(','))) {
    const k = raw.trim()
    if (k === '') continue
    if (!isMetricKind(k)) throw new UnknownKindError(k)
    kinds.push(k)
  }
  return kinds
}

/**
 * The enabled set, with cAdvisor's rule: a non-empty enable list replaces everything and the
 * disable list is then ignored; otherwise all kinds minus the disable list (default: cAdvisor's).
 */
export function selectKinds(enable: readonly string[] = [], disable?: readonly string[]): Set<MetricKind> {
  const enabled = parseKindList(enable)
  if (enabled.length > 0) return new Set(enabled)
  const disabled = new Set(disable === undefined ? DEFAULT_DISABLED : parseKindList(disable))
  return new Set(ALL_KINDS.filter((k) => !disabled.has(k)))
}

/** The v1 controllers whose hierarchies the enabled kinds need; `devices` always, as in cAdvisor. */
export function controllersForKinds(kinds: ReadonlySet<string>): Set<string> {
  const controllers = new Set<string>(['devices'])
  for (const [name, k] of entries) if (kinds.has(name)) for (const c of k.controllers) controllers.add(c)
  return controllers
}

/** The readers of the enabled kinds, in registry order. */
export function readersFor(kinds: ReadonlySet<string>): KindReader[] {
  return entries.flatMap(([name, k]) => (kinds.has(name) && k.reader ? [k.reader] : []))
}

/** The family modules of the enabled kinds in exposition order, then the always-on ones (health, spec). */
export function familiesFor(kinds: ReadonlySet<string>): FamilyModule[] {
  return [...entries.flatMap(([name, k]) => (kinds.has(name) && k.families ? [k.families] : [])), healthFamilies, specFamilies]
}

/** Enabled kinds that can give nothing on this host, each with one line saying why. */
export function unavailableKinds(kinds: ReadonlySet<string>, host: KindHost): Array<[MetricKind, string]> {
  return entries.flatMap(([name, k]) => {
    const why = kinds.has(name) ? k.unavailable?.(host) : undefined
    return why === undefined ? [] : [[name, why] as [MetricKind, string]]
  })
}
