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
  /**
   * Bodies are written into SharedArrayBuffers: the metrics thread serves a body while the main
   * thread copies the next body's unchanged lines out of it (front.ts).
   */
  sharedBodies?: boolean
}

export const lastSeenFamily: Family = {name: 'container_last_seen', type: 'gauge', help: 'Last time a container was seen by the exporter'}

interface Entry {
  name: string
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
  /** The time of the last body this container was in. */
  seenMs: number
  /** The last render that listed it (Exposition.renders): one before the current one's, it is gone. */
  render: number
  /** Its index in the entries of the columns made by fill number `atFill` (the last one it was in). */
  at: number
  atFill: number
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
 * A body, and where every container's lines of each family are in it: the columns of the next
 * body. Each family's lines are one run of the body, right after its header, not one Buffer a
 * container and family (300,000 small Buffers at 10,000 containers). An entry is the same
 * object for as long as its text is the same (entry() makes a new one on any change), so the
 * next body copies the lines of every container that is still the same object straight from
 * this one, a run of neighbours at a time, and renders only the others. The body is its own
 * columns: no second copy of the lines is kept beside it (19 MiB at 10,000 containers), and
 * a build copies the lines once, not into columns and then into a body.
 *
 * The buffers are recycled (spare-buffers.ts): a body's buffer goes back to the spares once no
 * format's last body it is, no render is copying from it and the body itself is no longer
 * read (its release(): the metrics thread gave it back); `users` counts all three. Two renders
 * may read the same columns at once (two formats, or a build ahead beside a scrape's).
 */
interface Columns {
  entries: Entry[]
  /** The body: its first `length` bytes (a spare, longer than its text). */
  bytes: Buffer
  length: number
  /** Where family i's lines begin in the body; they run for ends[i * entries.length + entries.length - 1] bytes. */
  starts: number[]
  /**
   * ends[i * entries.length + k]: where entry k's lines of family i end, from starts[i] (a
   * spare's view). Row `families` is container_last_seen's, from seenStart.
   */
  ends: Uint32Array
  /**
   * Where entry 0's container_last_seen row begins, and the value every row ends with; undefined
   * when the rows are not a column of the entries (deleted containers' rows are among them).
   */
  seenStart: number
  seenValue: Buffer | undefined
  /** The spare whose view ends is. */
  endsBuffer: Buffer
  users: number
  /** Which fill made them (Exposition.fills): while no later one has, each entry's `at` is its index here. */
  fill: number
  /** Each entry's index, once a later fill has moved the entries' `at` on (a render of the other format's columns). */
  index?: Map<Entry, number>
}

/**
 * A body rendered into a recycled buffer: `bytes` is the start of a buffer of its own
 * (byteOffset 0; on a SharedArrayBuffer with `sharedBodies`), and holds its text until
 * `release()`, no longer: the buffer is then written again by a later render.
 */
export interface Rendered {
  bytes: Buffer
  release: () => void
}

/** A rendered body copied into a Buffer of its own; its recycled buffer is let go after. */
function own({bytes, release}: Rendered): Buffer {
  try {
    return Buffer.from(bytes)
  } finally {
    release()
  }
}

/**
 * Runs of entries in body order, as triples (first entry, entries, index of the first in the
 * last body): entries that followed each other in the last body too are one run (one copy per
 * family); an entry rendered now (index -1) is a run of its own.
 */
function runsOf(from: Int32Array): number[] {
  const runs: number[] = []
  const n = from.length
  let k = 0
  while (k < n) {
    const j = from[k]!
    let m = 1
    if (j >= 0) while (k + m < n && from[k + m] === j + m) m++
    runs.push(k, m, j)
    k += m
  }
  return runs
}

/** Family i's lines' length in columns of n entries. */
function familySize(ends: Uint32Array, i: number, n: number): number {
  return n === 0 ? 0 : ends[i * n + n - 1]!
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
  value: Buffer
  untilMs: number
}

/** Prometheus' default lookback: how long cAdvisor's last timestamped sample stays visible. */
export const DEFAULT_DELETED_LAST_SEEN_MS = 5 * 60_000
/** At most this many deleted containers are remembered (a churn of short-lived containers). */
const MAX_TOMBSTONES = 10_000
const CONTAINER_SCRAPE_OK = Buffer.from(`${containerScrapeErrorFamily.name} 0\n`)
/** `container_last_seen{` and `}` around a row's labels. */
const LAST_SEEN_BYTES = lastSeenFamily.name.length + 2

export class Exposition {
  private readonly modules: readonly FamilyModule[]
  /** Container families in exposition order, for the enabled kinds. */
  readonly containerFamilies: readonly Family[]
  private readonly labelOptions: LabelOptions
  /**
   * The entries by container name, kept from render to render: each render stamps the entries
   * it lists, and those it did not list are gone (bury). Not a new Map a render: one of 10,000
   * entries lived across the render's slices, so it outlived two scavenges and was promoted,
   * to be collected by the next full collection.
   */
  private readonly cache = new Map<string, Entry>()
  /** Renders begun so far: the current one's number. */
  private renders = 0
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
  /** Columns made so far: the last ones' fill number. */
  private fills = 0
  /** Buffers of bodies no longer used, for the next ones, and of where each entry's lines end. */
  private readonly spareText: SpareBuffers
  private readonly spareEnds = new SpareBuffers(2)

  constructor(private readonly options: ExpositionOptions) {
    this.modules = familiesFor(options.kinds)
    this.containerFamilies = this.modules.flatMap((m) => m.families)
    this.labelOptions = options.labels ?? DEFAULT_LABEL_OPTIONS
    this.spareText = new SpareBuffers(2, options.sharedBodies === true)
    this.machineText = new Map([...machineLines(options.machine)].map(([f, t]) => [f, Buffer.from(t)]))
    this.versionText = Buffer.from(versionLine(options.machine, options.version))
    this.cadvisorVersionText = Buffer.from(cadvisorVersionLine(options.machine, options.version))
    const facts = options.machineFacts
    const topology = options.kinds.has('cpu_topology')
    this.hardwareFamilies = facts ? machineFamilies(topology) : []
    this.hardwareText = new Map(facts ? [...hardwareLines(options.machine, facts, topology)].map(([f, t]) => [f, Buffer.from(t)]) : [])
    this.scrapeErrorText = Buffer.from(`${machineScrapeErrorFamily.name} ${facts?.error ? 1 : 0}\n`)
  }

  /** Buffers allocated for bodies so far: the others were reused (for tests and benchmarks). */
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
  private entry(state: ContainerState, render: number, pods?: PodIndex): Entry {
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
      e = {name: state.name, sample, info: state.info, spec: state.spec, labels, podUid, podKey, seenMs: 0, render, at: -1, atFill: 0}
      this.cache.set(state.name, e)
    }
    // Kept for the next comparison; its text is that of the sample it was made from.
    e.sample = sample
    // A later render running beside this one may have stamped it already.
    if (e.render < render) e.render = render
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
      if (r.done) return own(r.value).toString('utf8')
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
    return own(await this.renderBodyAsync(states, format, nowMs, slices))
  }

  /**
   * renderAsync()'s bytes followed by `tail` (the self-metrics and the trailer), written once
   * into a recycled buffer that is the body: nothing is copied again to make it. The body
   * holds its bytes until its release(), no longer.
   */
  async renderBodyAsync(
    states: Iterable<ContainerState>,
    format: ExpositionFormat,
    nowMs = Date.now(),
    slices = new LoopSlices(),
    tail?: Buffer,
  ): Promise<Rendered> {
    const steps = this.steps(states, format, nowMs, () => slices.due, tail)
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
    tail?: Buffer,
  ): Generator<void, Rendered> {
    // The last body's columns: this render copies from them, so they are not reused before it is done.
    const prev = this.columns[format]
    if (prev) prev.users++
    try {
      return yield* this.stepsFrom(prev, states, format, nowMs, due, tail)
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
    tail: Buffer | undefined,
  ): Generator<void, Rendered> {
    const render = ++this.renders
    let list: Iterable<ContainerState> = states
    let pods: PodIndex | undefined
    if (this.labelOptions.kubelet) {
      // A pod cgroup is named after its pod's containers, wherever they come in the list.
      const all = [...states]
      pods = podIndexOf(all)
      list = all
    }
    // Where each entry's lines are in the last body's columns; the others are rendered now.
    const placeOf = (e: Entry): number => this.placeIn(prev, e)
    const fresh = new Map<Entry, Packed>()
    // Its size known (the view's list is an array): one array, not a growing one's copies.
    const entries: Entry[] = Array.isArray(list) ? new Array<Entry>(list.length) : []
    let n = 0
    for (const s of list) {
      const e = this.entry(s, render, pods)
      entries[n++] = e
      if (placeOf(e) < 0 && !fresh.has(e)) fresh.set(e, pack(this.lines(e, s, format)))
      if (due()) yield
    }
    entries.length = n
    // Containers that are gone drop out of the cache here; their container_last_seen stays a while.
    this.bury(render, nowMs)
    // Same order every scrape (by id, which leads the labels); nearly sorted input is cheap.
    entries.sort((a, b) => (a.labels < b.labels ? -1 : a.labels > b.labels ? 1 : 0))

    // Per entry, its place in the last body (-1: rendered now) and its fresh lines.
    const from = new Int32Array(entries.length)
    for (let k = 0; k < entries.length; k++) from[k] = placeOf(entries[k]!)
    const columns = yield* this.fill(entries, from, fresh, prev, format, nowMs, tail, due)
    // In the same turn as the fill ends: the entries' places are now in these columns.
    columns.fill = ++this.fills
    for (let k = 0; k < entries.length; k++) {
      entries[k]!.at = k
      entries[k]!.atFill = columns.fill
    }
    // Held by the body until its release(), and by the formats whose last body it is.
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
    return {bytes: columns.bytes.subarray(0, columns.length), release}
  }

  /**
   * Entry e's index in `columns`' entries, -1 when it is not among them. The entries carry it
   * from the last fill; columns made earlier (the other format's, with timestamps) look it up.
   */
  private placeIn(columns: Columns | undefined, e: Entry): number {
    if (!columns) return -1
    if (columns.fill === this.fills) return e.atFill === columns.fill ? e.at : -1
    if (!columns.index) {
      columns.index = new Map()
      for (let k = 0; k < columns.entries.length; k++) columns.index.set(columns.entries[k]!, k)
    }
    return columns.index.get(e) ?? -1
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
   * The body, in a spare buffer: version series, container_last_seen, every family's lines of
   * every entry in order, machine series, then `tail`. Runs of entries that were neighbours in
   * the last body are one copy from it, the others are written from their fresh lines.
   */
  private *fill(
    entries: Entry[],
    from: Int32Array,
    fresh: ReadonlyMap<Entry, Packed>,
    prev: Columns | undefined,
    format: ExpositionFormat,
    nowMs: number,
    tail: Buffer | undefined,
    due: () => boolean,
  ): Generator<void, Columns> {
    const n = from.length
    const pn = prev ? prev.entries.length : 0
    const families = this.containerFamilies.length
    const endsBuffer = this.spareEnds.take(4 * n * (families + 1))
    const ends = new Uint32Array(endsBuffer.buffer, endsBuffer.byteOffset, n * (families + 1))
    const runs = runsOf(from)
    for (let i = 0; i < families; i++) {
      const row = i * n
      const prow = i * pn
      let size = 0
      for (let r = 0; r < runs.length; r += 3) {
        const k = runs[r]!
        const m = runs[r + 1]!
        const j = runs[r + 2]!
        if (j < 0) {
          const p = fresh.get(entries[k]!)!
          ends[row + k] = size += p.ends[i]! - (i === 0 ? 0 : p.ends[i - 1]!)
          continue
        }
        // The run's ends in the last body, moved to where the run begins now.
        const pe = prev!.ends
        const shift = size - (j === 0 ? 0 : pe[prow + j - 1]!)
        for (let x = 0; x < m; x++) ends[row + k + x] = pe[prow + j + x]! + shift
        size = ends[row + k + m - 1]!
      }
      if (due()) yield
    }

    // The pieces around the columns, so that the body's size is known before it is written.
    const head: Buffer[] = [this.header(versionFamily, format), this.versionText]
    head.push(this.header(cadvisorVersionFamily, format), this.cadvisorVersionText)
    const seen = Buffer.from(` ${Math.floor(nowMs / 1000)}\n`)
    const showSeen = n > 0 || this.tombstones.size > 0
    if (showSeen) head.push(this.header(lastSeenFamily, format))
    // container_last_seen is a column too while no deleted container's row is among the rows.
    const seenColumn = this.tombstones.size === 0
    // The last body's rows are copied when they end with a value as long as this one's (then overwritten).
    const seenFrom = prev?.seenValue?.length === seen.length ? prev : undefined
    let seenSize = 0
    if (seenColumn) {
      const row = families * n
      const prow = families * pn
      for (let r = 0; r < runs.length; r += 3) {
        const k = runs[r]!
        const m = runs[r + 1]!
        const j = runs[r + 2]!
        if (j < 0 || !seenFrom) {
          for (let x = k; x < k + m; x++) ends[row + x] = seenSize += LAST_SEEN_BYTES + Buffer.byteLength(entries[x]!.labels) + seen.length
          continue
        }
        const pe = seenFrom.ends
        const shift = seenSize - (j === 0 ? 0 : pe[prow + j - 1]!)
        for (let x = 0; x < m; x++) ends[row + k + x] = pe[prow + j + x]! + shift
        seenSize = ends[row + k + m - 1]!
      }
    } else {
      for (const e of entries) seenSize += LAST_SEEN_BYTES + Buffer.byteLength(e.labels) + seen.length
      for (const t of this.tombstones.values()) seenSize += LAST_SEEN_BYTES + Buffer.byteLength(t.labels) + t.value.length
    }
    const after: Buffer[] = [this.header(containerScrapeErrorFamily, format), CONTAINER_SCRAPE_OK]
    for (const f of MACHINE_FAMILIES) after.push(this.header(f, format), this.machineText.get(f)!)
    for (const f of this.hardwareFamilies) {
      const text = this.hardwareText.get(f)
      if (text) after.push(this.header(f, format), text)
    }
    after.push(this.header(machineScrapeErrorFamily, format), this.scrapeErrorText)
    if (tail) after.push(tail)
    let length = seenSize
    for (const b of head) length += b.length
    for (const b of after) length += b.length
    for (let i = 0; i < families; i++) {
      const size = familySize(ends, i, n)
      if (size > 0) length += this.header(this.containerFamilies[i]!, format).length + size
    }

    const bytes = this.spareText.take(length)
    let at = 0
    // TypedArray set, not Buffer.copy: 20,000 small copies at 10,000 containers.
    for (const b of head) {
      bytes.set(b, at)
      at += b.length
    }
    const seenStart = at
    if (seenColumn) at = seenStart + seenSize
    else at = this.writeLastSeenRows(bytes, at, entries, seen)
    const starts: number[] = []
    for (let i = 0; i < families; i++) {
      const size = familySize(ends, i, n)
      if (size > 0) {
        const h = this.header(this.containerFamilies[i]!, format)
        bytes.set(h, at)
        at += h.length
      }
      starts.push(at)
      at += size
    }
    for (const b of after) {
      bytes.set(b, at)
      at += b.length
    }

    if (seenColumn) yield* this.fillLastSeen(bytes, seenStart, ends, runs, entries, seenFrom, seen, due)
    for (let i = 0; i < families; i++) {
      const base = starts[i]!
      const row = i * n
      const prow = i * pn
      for (let r = 0; r < runs.length; r += 3) {
        const k = runs[r]!
        const m = runs[r + 1]!
        const j = runs[r + 2]!
        const to = base + (k === 0 ? 0 : ends[row + k - 1]!)
        if (j < 0) {
          const p = fresh.get(entries[k]!)!
          const a = i === 0 ? 0 : p.ends[i - 1]!
          if (p.ends[i]! > a) p.bytes.copy(bytes, to, a, p.ends[i])
          continue
        }
        const pbase = prev!.starts[i]!
        const a = pbase + (j === 0 ? 0 : prev!.ends[prow + j - 1]!)
        const b = pbase + prev!.ends[prow + j + m - 1]!
        if (b > a) prev!.bytes.copy(bytes, to, a, b)
        if (due()) yield
      }
    }
    return {entries, bytes, length, starts, ends, endsBuffer, seenStart, seenValue: seenColumn ? seen : undefined, users: 0, fill: 0}
  }

  /**
   * container_last_seen's rows of the entries, from `start`: runs of neighbours in the last
   * body are copied from its rows and their value overwritten, the others written from their
   * labels. 10,000 rows without 20,000 small copies when nothing else changed.
   */
  private *fillLastSeen(
    bytes: Buffer,
    start: number,
    ends: Uint32Array,
    runs: readonly number[],
    entries: readonly Entry[],
    prev: Columns | undefined,
    seen: Buffer,
    due: () => boolean,
  ): Generator<void> {
    const n = entries.length
    const row = this.containerFamilies.length * n
    const prow = this.containerFamilies.length * (prev ? prev.entries.length : 0)
    const again = prev !== undefined && !seen.equals(prev.seenValue!)
    for (let r = 0; r < runs.length; r += 3) {
      const k = runs[r]!
      const m = runs[r + 1]!
      const j = runs[r + 2]!
      if (j < 0 || !prev) {
        for (let x = k; x < k + m; x++) {
          const to = start + (x === 0 ? 0 : ends[row + x - 1]!)
          const w = bytes.write(`${lastSeenFamily.name}{${entries[x]!.labels}}`, to)
          bytes.set(seen, to + w)
        }
        continue
      }
      const to = start + (k === 0 ? 0 : ends[row + k - 1]!)
      const a = prev.seenStart + (j === 0 ? 0 : prev.ends[prow + j - 1]!)
      const b = prev.seenStart + prev.ends[prow + j + m - 1]!
      prev.bytes.copy(bytes, to, a, b)
      if (again) for (let x = k; x < k + m; x++) bytes.set(seen, start + ends[row + x]! - seen.length)
      if (due()) yield
    }
  }

  /** container_last_seen's rows (live containers at `seen`, deleted ones at theirs) in label order, from `at`; where they end. */
  private writeLastSeenRows(bytes: Buffer, at: number, entries: readonly Entry[], seen: Buffer): number {
    const rows: Array<[string, Buffer]> = entries.map((e) => [e.labels, seen])
    for (const t of this.tombstones.values()) rows.push([t.labels, t.value])
    rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    for (const [labels, value] of rows) {
      at += bytes.write(`${lastSeenFamily.name}{${labels}}`, at)
      bytes.set(value, at)
      at += value.length
    }
    return at
  }

  /**
   * Containers in the cache that render number `render` did not list (nor a later one) were
   * deleted: they leave the cache, each with a tombstone holding its container_last_seen at the
   * time of the last body it was in, for deletedLastSeenMs. Live containers stamp their time
   * here too; a name that comes back loses its tombstone.
   */
  private bury(render: number, nowMs: number): void {
    const keepMs = this.options.deletedLastSeenMs ?? DEFAULT_DELETED_LAST_SEEN_MS
    for (const e of this.cache.values()) {
      if (e.render >= render) {
        if (e.render === render) e.seenMs = nowMs
        if (this.tombstones.size > 0) this.tombstones.delete(e.name)
        continue
      }
      // Deleting the entry being visited is safe: a Map's iteration goes on with the next.
      this.cache.delete(e.name)
      if (keepMs > 0 && e.seenMs !== 0)
        this.tombstones.set(e.name, {
          labels: e.labels,
          value: Buffer.from(` ${Math.floor(e.seenMs / 1000)}\n`),
          untilMs: nowMs + keepMs,
        })
    }
    for (const [name, t] of this.tombstones) if (t.untilMs <= nowMs) this.tombstones.delete(name)
    // Bounded whatever the churn: the oldest go first (Map keeps insertion order).
    for (const name of this.tombstones.keys()) {
      if (this.tombstones.size <= MAX_TOMBSTONES) break
      this.tombstones.delete(name)
    }
  }
}
