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
import {familiesFor, sameParts, type MetricKind} from '../stats/index.js'
import {containerLabels, DEFAULT_LABEL_OPTIONS, podCgroupUid, podIndexOf, type LabelOptions} from './labels.js'
import {MACHINE_FAMILIES, machineLines, versionFamily, versionLine, type MachineInfo} from './machine.js'
import {
  cadvisorVersionFamily,
  cadvisorVersionLine,
  containerScrapeErrorFamily,
  hardwareLines,
  machineFamilies,
  machineScrapeErrorFamily,
  type MachineFacts,
} from './machine-families.js'
import {SeriesOut} from './series.js'
import {LoopSlices} from './slices.js'
import {SpareBuffers} from './spare-buffers.js'

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
  /** The machine's hardware facts (machine_cpu_physical_cores, DIMMs, topology…); absent: those families are not shown. */
  machineFacts?: MachineFacts
  version: string
  /**
   * How long a deleted container's container_last_seen stays, with the time it was last seen
   * (default 5 min; 0: it goes with the container). See Tombstone.
   */
  deletedLastSeenMs?: number
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
  /** The time of the last body this container was in. */
  seenMs: number
}

/** A container's fresh lines of every family in one Buffer; `ends[i]`: where family i's lines end. */
interface Packed {
  bytes: Buffer
  ends: Uint32Array
}

function pack(parts: readonly string[]): Packed {
  const ends = new Uint32Array(parts.length)
  let at = 0
  for (let i = 0; i < parts.length; i++)
    if (parts[i] !== '') ends[i] = at += Buffer.byteLength(parts[i]!)
    else ends[i] = at
  // Lives for one render: from the shared pool (no ArrayBuffer of its own for a container's 2 KB).
  const bytes = Buffer.from(parts.join(''))
  return {bytes, ends}
}

/**
 * Every container's lines of each family, in body order, as the last body of a format had them:
 * all families in one buffer, family after family, not one Buffer a container and family
 * (300,000 small Buffers at 10,000 containers). An entry is the same object for as long as its
 * text is the same (entry() makes a new one on any change), so the next body copies the lines
 * of every container that is still the same object straight from here, a run of neighbours at
 * a time, and renders only the others.
 *
 * The buffers are recycled (spare-buffers.ts): a set of columns goes back to the spares once
 * no format's last body has it, no render is copying from it and no render's parts are out
 * with views of it (`users` counts all three). Two renders may read the same columns at once
 * (two formats, or a build ahead beside a scrape's).
 */
interface Columns {
  entries: Entry[]
  /** Every family's lines, family i's from starts[i] to starts[i + 1] (a spare: longer than its text). */
  bytes: Buffer
  starts: number[]
  /** ends[i * entries.length + k]: where entry k's lines of family i end, from starts[i] (a spare's view). */
  ends: Uint32Array
  /** The spare whose view ends is. */
  endsBuffer: Buffer
  users: number
}

/** renderPartsAsync()'s pieces, and the call that says they are no longer read (their buffers are then reused). */
export interface Parts {
  parts: Buffer[]
  release: () => void
}

/** The pieces copied into one Buffer of its own; their recycled buffers are let go after. */
function joined({parts, release}: Parts): Buffer {
  try {
    return Buffer.concat(parts)
  } finally {
    release()
  }
}

/** `# HELP` and `# TYPE` lines of a family in one format. */
export function familyHeader(f: Family, format: ExpositionFormat): string {
  let name = f.name
  let type: string = f.type
  if (format === 'openmetrics') {
    if (f.info) {
      name = f.name.replace(/_info$/, '')
      type = 'info'
    } else if (f.type === 'counter') {
      if (f.nonStandardCounter) type = 'unknown'
      else name = f.name.replace(/_total$/, '')
    }
  }
  return `# HELP ${name} ${escapeHelp(f.help, format)}\n# TYPE ${name} ${type}\n`
}

/**
 * What stays of a deleted container: its container_last_seen, frozen at the time it was last
 * seen. cAdvisor's `time() - container_last_seen > 60` alert needs the series to outlive the
 * container; cAdvisor gets that from explicit timestamps (Prometheus keeps a timestamped
 * series for its lookback window, 5 min), which also keep every other series of the dead
 * container alive and cause out-of-order samples (#2526, #3217). Here only this one series
 * stays, with an honest value and no timestamp, for as long as that lookback.
 */
interface Tombstone {
  labels: string
  lastSeen: Buffer
  value: Buffer
  untilMs: number
}

/** Prometheus' default lookback: how long cAdvisor's last timestamped sample stays visible. */
export const DEFAULT_DELETED_LAST_SEEN_MS = 5 * 60_000
/** At most this many deleted containers are remembered (a churn of short-lived containers). */
const MAX_TOMBSTONES = 10_000
const CONTAINER_SCRAPE_OK = Buffer.from(`${containerScrapeErrorFamily.name} 0\n`)

export class Exposition {
  private readonly modules: readonly FamilyModule[]
  /** Container families in exposition order, for the enabled kinds. */
  readonly containerFamilies: readonly Family[]
  private readonly labelOptions: LabelOptions
  private cache = new Map<string, Entry>()
  private readonly machineText: Map<Family, Buffer>
  private readonly versionText: Buffer
  private readonly cadvisorVersionText: Buffer
  private readonly hardwareFamilies: readonly Family[]
  private readonly hardwareText: Map<Family, Buffer>
  private readonly scrapeErrorText: Buffer
  /** Deleted containers whose container_last_seen is still shown, by name. */
  private readonly tombstones = new Map<string, Tombstone>()
  private readonly headers = new Map<string, Buffer>()
  /** Per format, the container lines of its last body (shared by both when there are no timestamps). */
  private columns: Partial<Record<ExpositionFormat, Columns>> = {}
  /** Buffers of columns no longer used, for the next ones: their lines, and where each entry's end. */
  private readonly spareText = new SpareBuffers(2)
  private readonly spareEnds = new SpareBuffers(2)

  constructor(private readonly options: ExpositionOptions) {
    this.modules = familiesFor(options.kinds)
    this.containerFamilies = this.modules.flatMap((m) => m.families)
    this.labelOptions = options.labels ?? DEFAULT_LABEL_OPTIONS
    this.machineText = new Map([...machineLines(options.machine)].map(([f, t]) => [f, Buffer.from(t)]))
    this.versionText = Buffer.from(versionLine(options.machine, options.version))
    this.cadvisorVersionText = Buffer.from(cadvisorVersionLine(options.machine, options.version))
    const facts = options.machineFacts
    const topology = options.kinds.has('cpu_topology')
    this.hardwareFamilies = facts ? machineFamilies(topology) : []
    this.hardwareText = new Map(facts ? [...hardwareLines(options.machine, facts, topology)].map(([f, t]) => [f, Buffer.from(t)]) : [])
    this.scrapeErrorText = Buffer.from(`${machineScrapeErrorFamily.name} ${facts?.error ? 1 : 0}\n`)
  }

  /** Buffers allocated for columns' lines so far: the others were reused (for tests and benchmarks). */
  get columnBuffersAllocated(): number {
    return this.spareText.allocated
  }

  /** Every family this exposition can emit (for docs and tests). */
  get families(): Family[] {
    return [
      versionFamily,
      cadvisorVersionFamily,
      lastSeenFamily,
      ...this.containerFamilies,
      containerScrapeErrorFamily,
      ...MACHINE_FAMILIES,
      ...this.hardwareFamilies,
      machineScrapeErrorFamily,
    ]
  }

  /** The container's entry: the cached one while its sample, info, spec and pod are unchanged, else a new one. */
  private entry(state: ContainerState, next: Map<string, Entry>, pods?: PodIndex): Entry {
    const sample = state.samples.at(-1)
    let e = this.cache.get(state.name)
    const podUid = pods === undefined ? null : e && e.info === state.info ? e.podUid : podCgroupUid(state)
    const ref = podUid === null ? undefined : pods!.get(podUid)
    const podKey = ref ? `${ref.namespace}/${ref.pod}` : ''
    if (
      !e ||
      !this.sameSeries(e.sample, sample) ||
      e.info !== state.info ||
      e.spec !== state.spec ||
      e.podKey !== podKey ||
      this.options.noCache
    ) {
      const reuse = e && e.info === state.info && e.podKey === podKey
      const labels = reuse ? e!.labels : containerLabels(state, this.labelOptions, pods)
      const lastSeen = reuse ? e!.lastSeen : Buffer.from(`${lastSeenFamily.name}{${labels}}`)
      e = {sample, info: state.info, spec: state.spec, labels, podUid, podKey, lastSeen, seenMs: 0}
    }
    // Kept for the next comparison; its text is that of the sample it was made from.
    e.sample = sample
    next.set(state.name, e)
    return e
  }

  /** A container's lines of each family ('' where none), rendered from the state it was made of. */
  private lines(e: Entry, state: ContainerState, format: ExpositionFormat): string[] {
    const ts = this.options.timestamps ? e.sample?.timestampMs : undefined
    const out = new SeriesOut(e.labels, format, ts)
    const input = {state, sample: e.sample, spec: e.spec, kinds: this.options.kinds}
    for (const m of this.modules) m.write(out, input)
    return out.chunks(this.containerFamilies)
  }

  /**
   * The exposition of these containers plus machine and version series (no `# EOF`; the
   * caller appends self-metrics and the trailer). `nowMs` is container_last_seen's value.
   */
  render(states: Iterable<ContainerState>, format: ExpositionFormat, nowMs = Date.now()): string {
    const steps = this.steps(states, format, nowMs)
    for (;;) {
      const r = steps.next()
      if (r.done) return joined(r.value).toString('utf8')
    }
  }

  /**
   * The same as UTF-8, in slices of the event loop (slices.ts): scrapes served from the
   * previous body are not held up by a render for longer than one slice.
   */
  async renderAsync(
    states: Iterable<ContainerState>,
    format: ExpositionFormat,
    nowMs = Date.now(),
    slices = new LoopSlices(),
  ): Promise<Buffer> {
    return joined(await this.renderPartsAsync(states, format, nowMs, slices))
  }

  /**
   * renderAsync()'s bytes as the pieces they are made of (headers, the columns of the last
   * body, fresh lines), for a caller that appends to them: one copy into the body it makes,
   * not a 20 MB concatenation at 10,000 containers copied again into the body. The pieces are
   * views of recycled buffers: they hold their bytes until `release()`, no longer.
   */
  async renderPartsAsync(
    states: Iterable<ContainerState>,
    format: ExpositionFormat,
    nowMs = Date.now(),
    slices = new LoopSlices(),
  ): Promise<Parts> {
    const steps = this.steps(states, format, nowMs, () => slices.due)
    for (;;) {
      const r = steps.next()
      if (r.done) return r.value
      await slices.yield()
    }
  }

  /**
   * Whether a container's series text from sample `a` is that of `b`: the same sample, or
   * (without timestamps) the same part objects, which is what an idle container's new samples
   * carry (stats/read-log.ts): no render and no new buffers for them.
   */
  private sameSeries(a: Sample | undefined, b: Sample | undefined): boolean {
    if (a === b) return true
    if (a === undefined || b === undefined || this.options.timestamps) return false
    return sameParts(a, b)
  }

  private header(f: Family, format: ExpositionFormat): Buffer {
    const key = `${format}:${f.name}`
    let h = this.headers.get(key)
    if (!h) this.headers.set(key, (h = Buffer.from(familyHeader(f, format))))
    return h
  }

  /** The render; it stops (yields) after a container whenever `due()` says so. */
  private *steps(
    states: Iterable<ContainerState>,
    format: ExpositionFormat,
    nowMs: number,
    due: () => boolean = () => false,
  ): Generator<void, Parts> {
    // The last body's columns: this render copies from them, so they are not reused before it is done.
    const prev = this.columns[format]
    if (prev) prev.users++
    try {
      return yield* this.stepsFrom(prev, states, format, nowMs, due)
    } finally {
      if (prev) this.drop(prev)
    }
  }

  private *stepsFrom(
    prev: Columns | undefined,
    states: Iterable<ContainerState>,
    format: ExpositionFormat,
    nowMs: number,
    due: () => boolean,
  ): Generator<void, Parts> {
    const next = new Map<string, Entry>()
    const entries: Entry[] = []
    let list: Iterable<ContainerState> = states
    let pods: PodIndex | undefined
    if (this.labelOptions.kubelet) {
      // A pod cgroup is named after its pod's containers, wherever they come in the list.
      const all = [...states]
      pods = podIndexOf(all)
      list = all
    }
    // Where each entry's lines are in the last body's columns; the others are rendered now.
    const at = new Map<Entry, number>()
    if (prev) for (let k = 0; k < prev.entries.length; k++) at.set(prev.entries[k]!, k)
    const fresh = new Map<Entry, Packed>()
    for (const s of list) {
      const e = this.entry(s, next, pods)
      entries.push(e)
      if (!at.has(e) && !fresh.has(e)) fresh.set(e, pack(this.lines(e, s, format)))
      if (due()) yield
    }
    // Containers that are gone drop out of the cache here; their container_last_seen stays a while.
    this.bury(next, nowMs)
    this.cache = next
    // Same order every scrape (by id, which leads the labels); nearly sorted input is cheap.
    entries.sort((a, b) => (a.labels < b.labels ? -1 : a.labels > b.labels ? 1 : 0))

    // Per entry, its place in the last body (-1: rendered now) and its fresh lines.
    const from = new Int32Array(entries.length)
    const lines: Array<Packed | undefined> = []
    let same = prev !== undefined && prev.entries.length === entries.length
    for (let k = 0; k < entries.length; k++) {
      from[k] = at.get(entries[k]!) ?? -1
      lines.push(fresh.get(entries[k]!))
      if (from[k] !== k) same = false
    }
    const columns = same ? prev! : yield* this.fill(entries, from, lines, prev, due)
    // Held by the parts handed out until their release(), and by the formats whose last body they are.
    columns.users++
    let released = false
    const release = (): void => {
      if (released) return
      released = true
      this.drop(columns)
    }
    this.keep(format, columns)
    // Without timestamps both formats have identical series lines.
    if (!this.options.timestamps) this.keep(format === 'prometheus' ? 'openmetrics' : 'prometheus', columns)

    const parts: Buffer[] = [this.header(versionFamily, format), this.versionText]
    parts.push(this.header(cadvisorVersionFamily, format), this.cadvisorVersionText)
    if (entries.length > 0 || this.tombstones.size > 0) {
      parts.push(this.header(lastSeenFamily, format))
      const seen = Buffer.from(` ${Math.floor(nowMs / 1000)}\n`)
      const rows: Array<[string, Buffer, Buffer]> = entries.map((e) => [e.labels, e.lastSeen, seen])
      for (const t of this.tombstones.values()) rows.push([t.labels, t.lastSeen, t.value])
      if (this.tombstones.size > 0) rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      for (const [, line, value] of rows) parts.push(line, value)
    }
    for (let i = 0; i < this.containerFamilies.length; i++) {
      const a = columns.starts[i]!
      const b = columns.starts[i + 1]!
      if (b > a) parts.push(this.header(this.containerFamilies[i]!, format), columns.bytes.subarray(a, b))
    }
    parts.push(this.header(containerScrapeErrorFamily, format), CONTAINER_SCRAPE_OK)
    for (const f of MACHINE_FAMILIES) parts.push(this.header(f, format), this.machineText.get(f)!)
    for (const f of this.hardwareFamilies) {
      const text = this.hardwareText.get(f)
      if (text) parts.push(this.header(f, format), text)
    }
    parts.push(this.header(machineScrapeErrorFamily, format), this.scrapeErrorText)
    return {parts, release}
  }

  /** `columns` become the last body's of `format`; those they replace lose that use. */
  private keep(format: ExpositionFormat, columns: Columns): void {
    const old = this.columns[format]
    if (old === columns) return
    columns.users++
    this.columns[format] = columns
    if (old) this.drop(old)
  }

  /** One use of `columns` ended; with the last, their buffers become spares. */
  private drop(columns: Columns): void {
    if (columns.users <= 0) throw new Error('exposition: columns released more often than used')
    if (--columns.users > 0) return
    this.spareText.give(columns.bytes)
    this.spareEnds.give(columns.endsBuffer)
  }

  /**
   * Every family's lines of every entry, in order, in spare buffers: runs of entries that were
   * neighbours in the last body are one copy from its columns, the others are written from
   * their fresh lines.
   */
  private *fill(
    entries: Entry[],
    from: Int32Array,
    fresh: ReadonlyArray<Packed | undefined>,
    prev: Columns | undefined,
    due: () => boolean,
  ): Generator<void, Columns> {
    const n = from.length
    const pn = prev ? prev.entries.length : 0
    const families = this.containerFamilies.length
    const endsBuffer = this.spareEnds.take(4 * n * families)
    const ends = new Uint32Array(endsBuffer.buffer, endsBuffer.byteOffset, n * families)
    const starts = [0]
    for (let i = 0; i < families; i++) {
      const row = i * n
      const prow = i * pn
      let size = 0
      for (let k = 0; k < n; k++) {
        const p = fresh[k]
        if (p) size += p.ends[i]! - (i === 0 ? 0 : p.ends[i - 1]!)
        else {
          const j = from[k]!
          size += prev!.ends[prow + j]! - (j === 0 ? 0 : prev!.ends[prow + j - 1]!)
        }
        ends[row + k] = size
      }
      starts.push(starts[i]! + size)
      if (due()) yield
    }
    const bytes = this.spareText.take(starts[families]!)
    for (let i = 0; i < families; i++) {
      const base = starts[i]!
      const row = i * n
      const prow = i * pn
      let k = 0
      while (k < n) {
        const to = base + (k === 0 ? 0 : ends[row + k - 1]!)
        const p = fresh[k]
        if (p) {
          const a = i === 0 ? 0 : p.ends[i - 1]!
          if (p.ends[i]! > a) p.bytes.copy(bytes, to, a, p.ends[i])
          k++
          continue
        }
        // The longest run of entries that followed each other in the last body too.
        const j = from[k]!
        let m = 1
        while (k + m < n && from[k + m] === j + m) m++
        const pbase = prev!.starts[i]!
        const a = pbase + (j === 0 ? 0 : prev!.ends[prow + j - 1]!)
        const b = pbase + prev!.ends[prow + j + m - 1]!
        if (b > a) prev!.bytes.copy(bytes, to, a, b)
        k += m
        if (due()) yield
      }
    }
    return {entries, bytes, starts, ends, endsBuffer, users: 0}
  }

  /**
   * Containers in the cache but not in `next` were deleted: each leaves a tombstone holding
   * its container_last_seen at the time of the last body it was in, for deletedLastSeenMs.
   * Live containers stamp their time here too; a name that comes back loses its tombstone.
   */
  private bury(next: Map<string, Entry>, nowMs: number): void {
    for (const [name, e] of next) {
      e.seenMs = nowMs
      this.tombstones.delete(name)
    }
    const keepMs = this.options.deletedLastSeenMs ?? DEFAULT_DELETED_LAST_SEEN_MS
    if (keepMs > 0) {
      for (const [name, e] of this.cache) {
        if (next.has(name) || e.seenMs === 0) continue
        this.tombstones.set(name, {
          labels: e.labels,
          lastSeen: e.lastSeen,
          value: Buffer.from(` ${Math.floor(e.seenMs / 1000)}\n`),
          untilMs: nowMs + keepMs,
        })
      }
    }
    for (const [name, t] of this.tombstones) if (t.untilMs <= nowMs) this.tombstones.delete(name)
    // Bounded whatever the churn: the oldest go first (Map keeps insertion order).
    for (const name of this.tombstones.keys()) {
      if (this.tombstones.size <= MAX_TOMBSTONES) break
      this.tombstones.delete(name)
    }
  }
}
