/*
 * Container series as exposition text, rendered once per container sample and reused by every
 * scrape until that container's sample (or its metadata or spec) changes. A scrape only joins
 * cached strings: it never reads cgroupfs and never triggers collection.
 */
import type {PodIndex} from '../cgroups/index.js'
import {
  escapeHelp,
  type ContainerInfo,
  type ContainerSpec,
  type ContainerState,
  type ExpositionFormat,
  type Family,
  type FamilyModule,
  type Sample,
} from '../model/index.js'
import {familiesFor, type MetricKind} from '../stats/index.js'
import {containerLabels, DEFAULT_LABEL_OPTIONS, podCgroupUid, podIndexOf, type LabelOptions} from './labels.js'
import {MACHINE_FAMILIES, machineLines, versionFamily, versionLine, type MachineInfo} from './machine.js'
import {SeriesOut} from './series.js'

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
  /**
   * Under --kubelet-labels, a pod cgroup's uid (null for anything else), and the pod its labels
   * were rendered with: the one case where a container's labels depend on other containers.
   */
  podUid: string | null
  podKey: string
  /** `container_last_seen{<labels>}`, the value is appended per body. */
  lastSeen: Buffer
  /** Per format, the container's lines of each family (undefined: none), as UTF-8 ready to send. */
  chunks: Partial<Record<ExpositionFormat, Array<Buffer | undefined>>>
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
  private readonly modules: readonly FamilyModule[]
  /** Container families in exposition order, for the enabled kinds. */
  readonly containerFamilies: readonly Family[]
  private readonly labelOptions: LabelOptions
  private cache = new Map<string, Entry>()
  private readonly machineText: Map<Family, Buffer>
  private readonly versionText: Buffer
  private readonly headers = new Map<string, Buffer>()

  constructor(private readonly options: ExpositionOptions) {
    this.modules = familiesFor(options.kinds)
    this.containerFamilies = this.modules.flatMap((m) => m.families)
    this.labelOptions = options.labels ?? DEFAULT_LABEL_OPTIONS
    this.machineText = new Map([...machineLines(options.machine)].map(([f, t]) => [f, Buffer.from(t)]))
    this.versionText = Buffer.from(versionLine(options.machine, options.version))
  }

  /** Every family this exposition can emit (for docs and tests). */
  get families(): Family[] {
    return [versionFamily, lastSeenFamily, ...this.containerFamilies, ...MACHINE_FAMILIES]
  }

  /** The container's series per family, from cache when its sample, info and spec are unchanged. */
  private entry(state: ContainerState, format: ExpositionFormat, next: Map<string, Entry>, pods?: PodIndex): Entry {
    const sample = state.samples.at(-1)
    let e = this.cache.get(state.name)
    const podUid = pods === undefined ? null : e && e.info === state.info ? e.podUid : podCgroupUid(state)
    const ref = podUid === null ? undefined : pods!.get(podUid)
    const podKey = ref ? `${ref.namespace}/${ref.pod}` : ''
    if (!e || e.sample !== sample || e.info !== state.info || e.spec !== state.spec || e.podKey !== podKey || this.options.noCache) {
      const reuse = e && e.info === state.info && e.podKey === podKey
      const labels = reuse ? e!.labels : containerLabels(state, this.labelOptions, pods)
      const lastSeen = reuse ? e!.lastSeen : Buffer.from(`${lastSeenFamily.name}{${labels}}`)
      e = {sample, info: state.info, spec: state.spec, labels, podUid, podKey, lastSeen, chunks: {}}
    }
    next.set(state.name, e)
    let chunks = e.chunks[format]
    if (!chunks) {
      const ts = this.options.timestamps ? sample?.timestampMs : undefined
      const out = new SeriesOut(e.labels, format, ts)
      const input = {state, sample, spec: state.spec, kinds: this.options.kinds}
      for (const m of this.modules) m.write(out, input)
      // Kept as Buffers: a body is then one Buffer.concat, several times cheaper than joining
      // some 30 strings per container into one and encoding it.
      chunks = out.chunks(this.containerFamilies).map((c) => (c === '' ? undefined : Buffer.from(c)))
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
    const steps = this.steps(states, format, nowMs)
    for (;;) {
      const r = steps.next()
      if (r.done) return r.value.toString('utf8')
    }
  }

  /**
   * The same as UTF-8, giving the event loop a turn every 100 containers rendered, so that
   * scrapes served from the previous body are not held up by a render.
   */
  async renderAsync(states: Iterable<ContainerState>, format: ExpositionFormat, nowMs = Date.now()): Promise<Buffer> {
    const steps = this.steps(states, format, nowMs)
    for (;;) {
      const r = steps.next()
      if (r.done) return r.value
      await new Promise((resolve) => setImmediate(resolve))
    }
  }

  private header(f: Family, format: ExpositionFormat): Buffer {
    const key = `${format}:${f.name}`
    let h = this.headers.get(key)
    if (!h) this.headers.set(key, (h = Buffer.from(familyHeader(f, format))))
    return h
  }

  private *steps(states: Iterable<ContainerState>, format: ExpositionFormat, nowMs: number, batch = 100): Generator<void, Buffer> {
    const next = new Map<string, Entry>()
    const entries: Entry[] = []
    let rendered = 0
    let list: Iterable<ContainerState> = states
    let pods: PodIndex | undefined
    if (this.labelOptions.kubelet) {
      // A pod cgroup is named after its pod's containers, wherever they come in the list.
      const all = [...states]
      pods = podIndexOf(all)
      list = all
    }
    for (const s of list) {
      const before = this.cache.get(s.name)
      const e = this.entry(s, format, next, pods)
      entries.push(e)
      if (e !== before && ++rendered % batch === 0) yield
    }
    // Containers that are gone drop out of the cache here.
    this.cache = next
    // Same order every scrape (by id, which leads the labels); nearly sorted input is cheap.
    entries.sort((a, b) => (a.labels < b.labels ? -1 : a.labels > b.labels ? 1 : 0))
    const columns = entries.map((e) => e.chunks[format]!)

    const parts: Buffer[] = [this.header(versionFamily, format), this.versionText]
    if (entries.length > 0) {
      parts.push(this.header(lastSeenFamily, format))
      const seen = Buffer.from(` ${Math.floor(nowMs / 1000)}\n`)
      for (const e of entries) parts.push(e.lastSeen, seen)
    }
    for (let i = 0; i < this.containerFamilies.length; i++) {
      const header = parts.length
      parts.push(this.header(this.containerFamilies[i]!, format))
      for (const c of columns) if (c[i] !== undefined) parts.push(c[i]!)
      if (parts.length === header + 1) parts.length = header
    }
    for (const f of MACHINE_FAMILIES) parts.push(this.header(f, format), this.machineText.get(f)!)
    return Buffer.concat(parts)
  }
}
