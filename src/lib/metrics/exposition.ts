/*
 * Container series as exposition text, rendered once per container sample and reused by every
 * scrape until that container's sample (or its metadata or spec) changes. A scrape only joins
 * cached strings: it never reads cgroupfs and never triggers collection.
 */
import type {MetricKind} from '../kinds.js'
import type {ContainerState} from '../manager.js'
import type {ContainerSpec, Sample} from '../stats/index.js'
import type {ContainerInfo} from '../factories/index.js'
import {SeriesOut, type Family, type KindModule} from './family.js'
import {KIND_MODULES} from './families/index.js'
import {containerLabels, DEFAULT_LABEL_OPTIONS, type LabelOptions} from './labels.js'
import {MACHINE_FAMILIES, machineLines, versionFamily, versionLine, type MachineInfo} from './machine.js'
import {escapeHelp, type ExpositionFormat} from './text.js'

export interface ExpositionOptions {
  kinds: ReadonlySet<MetricKind>
  labels?: LabelOptions
  /**
   * Write each per-sample series with its sample's timestamp, as cAdvisor does. Off by default:
   * explicit timestamps cause stale series after a container dies and out-of-order samples
   * (cAdvisor #2526, #3217; kube-prometheus strips them), while Prometheus' own scrape
   * timestamps give the same rates.
   */
  timestamps?: boolean
  machine: MachineInfo
  version: string
  /** For the baseline in bench/serve.bench.ts: render every container on every scrape. */
  noCache?: boolean
}

export const lastSeenFamily: Family = {name: 'container_last_seen', type: 'gauge', help: 'Last time a container was seen by the exporter'}

interface Entry {
  sample: Sample | undefined
  info: ContainerInfo | undefined
  spec: ContainerSpec | undefined
  labels: string
  chunks: Partial<Record<ExpositionFormat, string[]>>
}

/** `# HELP` and `# TYPE` lines of a family in one format. */
export function familyHeader(f: Family, format: ExpositionFormat): string {
  let name = f.name
  let type: string = f.type
  if (format === 'openmetrics') {
    if (f === versionFamily) {
      name = f.name.replace(/_info$/, '')
      type = 'info'
    } else if (f.type === 'counter') {
      if (f.nonStandardCounter) type = 'unknown'
      else name = f.name.replace(/_total$/, '')
    }
  }
  return `# HELP ${name} ${escapeHelp(f.help, format)}\n# TYPE ${name} ${type}\n`
}

export class Exposition {
  private readonly modules: readonly KindModule[]
  /** Container families in exposition order, for the enabled kinds. */
  readonly containerFamilies: readonly Family[]
  private readonly labelOptions: LabelOptions
  private cache = new Map<string, Entry>()
  private readonly machineText: Map<Family, string>
  private readonly versionText: string

  constructor(private readonly options: ExpositionOptions) {
    this.modules = KIND_MODULES.filter((m) => m.enabled(options.kinds))
    this.containerFamilies = this.modules.flatMap((m) => m.families)
    this.labelOptions = options.labels ?? DEFAULT_LABEL_OPTIONS
    this.machineText = machineLines(options.machine)
    this.versionText = versionLine(options.machine, options.version)
  }

  /** Every family this exposition can emit (for docs and tests). */
  get families(): Family[] {
    return [versionFamily, lastSeenFamily, ...this.containerFamilies, ...MACHINE_FAMILIES]
  }

  /** The container's series per family, from cache when its sample, info and spec are unchanged. */
  private entry(state: ContainerState, format: ExpositionFormat, next: Map<string, Entry>): Entry {
    const sample = state.samples.at(-1)
    let e = this.cache.get(state.name)
    if (!e || e.sample !== sample || e.info !== state.info || e.spec !== state.spec || this.options.noCache) {
      const labels = e && e.info === state.info ? e.labels : containerLabels(state, this.labelOptions)
      e = {sample, info: state.info, spec: state.spec, labels, chunks: {}}
    }
    next.set(state.name, e)
    let chunks = e.chunks[format]
    if (!chunks) {
      const ts = this.options.timestamps ? sample?.timestampMs : undefined
      const out = new SeriesOut(e.labels, format, ts)
      const input = {state, sample, spec: state.spec, kinds: this.options.kinds}
      for (const m of this.modules) m.write(out, input)
      chunks = out.chunks(this.containerFamilies)
      e.chunks[format] = chunks
      // Without timestamps both formats have identical series lines.
      if (ts === undefined) e.chunks[format === 'prometheus' ? 'openmetrics' : 'prometheus'] = chunks
    }
    return e
  }

  /**
   * The exposition of these containers plus machine and version series (no `# EOF`; the
   * caller appends self-metrics and the trailer). `nowMs` is container_last_seen's value.
   */
  render(states: Iterable<ContainerState>, format: ExpositionFormat, nowMs = Date.now()): string {
    const next = new Map<string, Entry>()
    const entries: Entry[] = []
    for (const s of states) entries.push(this.entry(s, format, next))
    // Containers that are gone drop out of the cache here.
    this.cache = next
    entries.sort((a, b) => (a.labels < b.labels ? -1 : a.labels > b.labels ? 1 : 0))

    const parts: string[] = [familyHeader(versionFamily, format), this.versionText]
    if (entries.length > 0) {
      parts.push(familyHeader(lastSeenFamily, format))
      const seen = ` ${Math.floor(nowMs / 1000)}\n`
      for (const e of entries) parts.push(`${lastSeenFamily.name}{${e.labels}}${seen}`)
    }
    this.containerFamilies.forEach((f, i) => {
      const start = parts.length
      parts.push('')
      for (const e of entries) {
        const c = e.chunks[format]![i]!
        if (c !== '') parts.push(c)
      }
      if (parts.length > start + 1) parts[start] = familyHeader(f, format)
      else parts.length = start
    })
    for (const f of MACHINE_FAMILIES) parts.push(familyHeader(f, format), this.machineText.get(f)!)
    return parts.join('')
  }
}
