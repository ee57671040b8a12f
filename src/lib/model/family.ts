/*
 * The contract between a metric kind (stats/kinds/<kind>/families.ts) and the exposition
 * (metrics/): a kind declares its families and writes one container's series into a sink;
 * the exposition owns labels, timestamps, formats and caching.
 */
import type {ContainerState} from './container.js'
import type {ContainerSpec, Sample} from './sample.js'

/** One metric family: cAdvisor's name, type and HELP text. */
export interface Family {
  readonly name: string
  readonly type: 'counter' | 'gauge'
  readonly help: string
  /**
   * Set for cAdvisor's counters whose names lack `_total` (container_memory_failcnt): OpenMetrics
   * would force a `_total` sample name on a counter, so they are typed `unknown` there to keep
   * the name dashboards query.
   */
  readonly nonStandardCounter?: boolean
  /** A constant-1 gauge named `…_info`: typed `info` in OpenMetrics (family name without `_info`). */
  readonly info?: boolean
}

/** What a family module reads for one container. */
export interface FamilyInput {
  state: ContainerState
  /** The latest sample, if housekeeping has produced one. */
  sample?: Sample
  spec?: ContainerSpec
  /** The enabled metric kinds (cAdvisor's names). */
  kinds: ReadonlySet<string>
}

/**
 * Where a family module writes one container's series. `extra` is the series' own labels,
 * already rendered (`cpu="cpu00"`; values escaped with escapeLabelValue); the container's
 * labels are added by the sink.
 */
export interface SeriesSink {
  /** A series with the sample's timestamp (when timestamps are on). */
  add(f: Family, value: number, extra?: string): void
  /** A series that never carries a timestamp (spec, start time), as in cAdvisor. */
  addUntimed(f: Family, value: number, extra?: string): void
}

/**
 * One kind's Prometheus side: the families it can emit and how one container's sample maps
 * onto them. Whether it runs is the kind registry's decision (stats/kinds/registry.ts).
 */
export interface FamilyModule {
  readonly families: readonly Family[]
  write(out: SeriesSink, input: FamilyInput): void
}

export const NS_PER_S = 1e9
export const US_PER_S = 1e6
