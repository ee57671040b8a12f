import type {MetricKind} from '../kinds.js'
import type {ContainerState} from '../manager.js'
import type {ContainerSpec, Sample} from '../stats/index.js'
import {formatTimestamp, formatValue, type ExpositionFormat} from './text.js'

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
}

/** What a kind module reads for one container. */
export interface ContainerInput {
  state: ContainerState
  /** The latest sample, if housekeeping has produced one. */
  sample?: Sample
  spec?: ContainerSpec
  kinds: ReadonlySet<MetricKind>
}

/**
 * Collects one container's series, grouped by family, as exposition lines. The container's
 * labels are rendered once (`base`); modules add only their extra labels.
 */
export class SeriesOut {
  private readonly lines = new Map<Family, string>()
  private readonly suffix: string

  constructor(
    private readonly base: string,
    format: ExpositionFormat,
    /** Sample time for the per-sample series, when explicit timestamps are on. */
    timestampMs?: number,
  ) {
    this.suffix = timestampMs === undefined ? '\n' : `${formatTimestamp(timestampMs, format)}\n`
  }

  /** A series with the sample's timestamp (when timestamps are on). */
  add(f: Family, value: number, extra = ''): void {
    this.push(f, value, extra, this.suffix)
  }

  /** A series that never carries a timestamp (spec, start time), as in cAdvisor. */
  addUntimed(f: Family, value: number, extra = ''): void {
    this.push(f, value, extra, '\n')
  }

  private push(f: Family, value: number, extra: string, end: string): void {
    const labels = this.base === '' ? extra : extra === '' ? this.base : `${this.base},${extra}`
    const line = `${f.name}${labels === '' ? '' : `{${labels}}`} ${formatValue(value)}${end}`
    this.lines.set(f, (this.lines.get(f) ?? '') + line)
  }

  /** The lines of each family, in the order given; '' where the container has none. */
  chunks(order: readonly Family[]): string[] {
    return order.map((f) => this.lines.get(f) ?? '')
  }
}

/**
 * One module per metric kind (mirroring the stats readers): the families it can emit and how
 * one container's sample maps onto them.
 */
export interface KindModule {
  readonly families: readonly Family[]
  /** False when the enabled kinds switch all of this module's families off. */
  enabled(kinds: ReadonlySet<MetricKind>): boolean
  write(out: SeriesOut, input: ContainerInput): void
}

export const NS_PER_S = 1e9
export const US_PER_S = 1e6
