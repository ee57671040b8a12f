import {nameDepth, parentName} from '../cgroups/index.js'
import type {ContainerName, ContainerState, StatsRow} from '../model/index.js'
import {deriveRates, effectiveMemoryLimit, memoryPercent, totals} from '../stats/index.js'
import {didYouMean} from '../util/index.js'

/** A container waiting for its runtime (the manager's PendingContainer). */
export interface PendingLike {
  name: ContainerName
  factory: string | undefined
  reason: string
}

export type SortKey = 'cpu' | 'mem' | 'io' | 'pids' | 'name'
export const SORT_KEYS: readonly SortKey[] = ['cpu', 'mem', 'io', 'pids', 'name']

/**
 * `--filter` values by key: same key ORs, different keys AND (as docker's filters). `prefix`
 * is applied where containers are found (the watcher's prefixes), not to rows.
 */
export interface RowFilters {
  factory: string[]
  prefix: ContainerName[]
  label: {key: string; value?: string}[]
}

export class FilterError extends Error {
  readonly exitCode = 2
  constructor(message: string) {
    super(message)
    this.name = 'FilterError'
  }
}

/**
 * Parses `factory=docker`, `prefix=/kubepods`, `label=app=web` (or `label=app`). A factory the
 * resolver does not have would silently match nothing: it is refused, with the nearest name.
 */
export function parseFilters(values: readonly string[], knownFactories?: readonly string[]): RowFilters {
  const f: RowFilters = {factory: [], prefix: [], label: []}
  for (const v of values) {
    const eq = v.indexOf('=')
    const key = eq < 0 ? v : v.slice(0, eq)
    const value = eq < 0 ? '' : v.slice(eq + 1)
    if (value === '')
      throw new FilterError(
        `--filter "${v}": expected key=value with key factory, prefix or label (e.g. factory=docker, prefix=/kubepods, label=app=web)`,
      )
    if (key === 'factory') {
      if (knownFactories && !knownFactories.includes(value))
        throw new FilterError(
          `--filter "${v}": no factory is called "${value}"${didYouMean(value, knownFactories)}; known: ${knownFactories.join(', ')}`,
        )
      f.factory.push(value)
    } else if (key === 'prefix') {
      if (!value.startsWith('/'))
        throw new FilterError(`--filter "${v}": a prefix is a container name and starts with / (e.g. prefix=/docker)`)
      f.prefix.push(value.length > 1 ? value.replace(/\/+$/, '') : value)
    } else if (key === 'label') {
      const le = value.indexOf('=')
      f.label.push(le < 0 ? {key: value} : {key: value.slice(0, le), value: value.slice(le + 1)})
    } else
      throw new FilterError(
        `--filter "${v}": unknown key "${key}"${didYouMean(key, ['factory', 'prefix', 'label'])} (known: factory, prefix, label)`,
      )
  }
  return f
}

export interface RowQuery {
  /** Factory and label filters (prefix and depth decide which containers are tracked at all). */
  filters?: RowFilters
  /** Show idle raw cgroups, the root and parents of other rows too (a flat list of every cgroup). */
  all?: boolean
  /**
   * The cgroup tree: rows in depth-first order, each parent before its children (siblings by
   * the sort key). Without it a cgroup that has a tracked child is left out: its numbers
   * include its children's, and showing both counts them twice (`systemd-cgtop` shows both).
   */
  tree?: boolean
  /** Substring (any case) of the container, cgroup name, id, factory or image (the `/` key). */
  search?: string
  sort?: SortKey
  hostMemoryBytes?: number
  /** Keeps the order stable from one refresh to the next (see RowOrder). */
  order?: RowOrder
}

function matches(state: ContainerState, factory: string, f: RowFilters | undefined): boolean {
  if (!f) return true
  if (f.factory.length > 0 && !f.factory.includes(factory)) return false
  const labels = state.info?.labels ?? {}
  for (const l of f.label) {
    if (!(l.key in labels)) return false
    if (l.value !== undefined && labels[l.key] !== l.value) return false
  }
  return true
}

/** namespace/pod/container from the labels every CRI runtime sets, when they are all there. */
function kubernetesName(labels: Record<string, string> | undefined): string | undefined {
  const ns = labels?.['io.kubernetes.pod.namespace']
  const pod = labels?.['io.kubernetes.pod.name']
  const c = labels?.['io.kubernetes.container.name']
  return ns && pod && c ? `${ns}/${pod}/${c}` : undefined
}

export function rowOf(state: ContainerState, hostMemoryBytes?: number): StatsRow | undefined {
  const cur = state.samples.at(-1)
  if (!cur) return undefined
  const prev = state.samples.at(-2)
  const rates = deriveRates(prev, cur)
  const factory = state.info?.factory ?? 'raw'
  const limit = effectiveMemoryLimit(state.spec, hostMemoryBytes)
  const t = totals(cur)
  const row: StatsRow = {
    name: state.name,
    container: kubernetesName(state.info?.labels) ?? state.info?.aliases[0] ?? state.name,
    factory,
    depth: nameDepth(state.name),
    time: new Date(cur.timestampMs).toISOString(),
    memoryLimited: state.spec?.memoryLimitBytes !== undefined && state.spec.memoryLimitBytes === limit,
    idle: false,
  }
  if (state.info?.id) row.id = state.info.id
  if (state.info?.image) row.image = state.info.image
  const put = <K extends keyof StatsRow>(k: K, v: StatsRow[K] | undefined): void => {
    if (v !== undefined) row[k] = v
  }
  put('cpuPercent', rates?.cpuPercent)
  put('memoryUsageBytes', cur.memory?.workingSetBytes)
  put('memoryLimitBytes', limit)
  put('memoryPercent', memoryPercent(cur, limit))
  put('netRxBytes', t.netRx)
  put('netTxBytes', t.netTx)
  put('blockReadBytes', t.blockRead)
  put('blockWriteBytes', t.blockWrite)
  put('netRxBytesPerSec', rates?.netRxBytesPerSec)
  put('netTxBytesPerSec', rates?.netTxBytesPerSec)
  put('blockReadBytesPerSec', rates?.blockReadBytesPerSec)
  put('blockWriteBytesPerSec', rates?.blockWriteBytesPerSec)
  put('pids', cur.processes?.threads)
  put('processes', cur.processes?.processes)
  put('fileDescriptors', cur.processes?.fds)
  put('sockets', cur.processes?.sockets)
  if (cur.filesystems && cur.filesystems.length > 0) {
    row.diskUsageBytes = cur.filesystems.reduce((n, f) => n + f.usageBytes, 0)
    row.diskLimitBytes = cur.filesystems.reduce((n, f) => n + f.limitBytes, 0)
  }
  put('oomKills', cur.oom?.kills)
  put('health', state.info?.health)
  if (cur.errors && cur.errors.length > 0) row.errors = [...cur.errors]
  // pids.current counts tasks below the cgroup too: a parent of busy cgroups is not idle.
  row.idle = factory === 'raw' && (row.pids ?? row.processes ?? 0) === 0 && (row.cpuPercent ?? 0) === 0
  if (state.awaiting) row.pending = `${state.awaiting.factory} has not answered (${state.awaiting.reason})`
  return row
}

/** The row of a container found but not published yet: its name, the runtime it waits for, no numbers. */
export function pendingRow(p: PendingLike, at: Date = new Date()): StatsRow {
  const factory = p.factory ?? 'unknown'
  return {
    name: p.name,
    container: p.name,
    factory,
    depth: nameDepth(p.name),
    time: at.toISOString(),
    memoryLimited: false,
    idle: false,
    pending: p.factory ? `${p.factory} has not answered (${p.reason})` : p.reason,
  }
}

/** The number a sort key orders by (descending), or undefined when the row lacks it. */
function sortValue(r: StatsRow, key: SortKey): number | undefined {
  switch (key) {
    case 'cpu':
      return r.cpuPercent
    case 'mem':
      return r.memoryUsageBytes
    case 'io':
      return r.blockReadBytesPerSec === undefined && r.blockWriteBytesPerSec === undefined
        ? undefined
        : (r.blockReadBytesPerSec ?? 0) + (r.blockWriteBytesPerSec ?? 0)
    case 'pids':
      return r.pids
    case 'name':
      return undefined
  }
}

/**
 * Below this a value counts as nothing for ordering (0.5% CPU, 1 MiB, 1 kB/s, 0 tasks): idle
 * rows then keep their order by name instead of shuffling on noise.
 */
const FLOOR: Record<SortKey, number> = {cpu: 0.5, mem: 2 ** 20, io: 1000, pids: 0.5, name: 0}
/** Values within the same 25% band tie (and fall back to the name). */
const BAND = Math.log(1.25)
/** A row leaves its band only once it is 10% past the band's edge: no flapping on an edge. */
const SLACK = Math.log(1.1)

/**
 * Keeps rows where they were unless their sort value really changed. Rows are ordered by a
 * coarse band of the sort value (25% wide, on a log scale), ties by name; a row keeps its
 * band from the previous refresh until its value is 10% beyond that band's edges. Two
 * containers at 41% and 44% CPU therefore stay in name order; one that goes from 5% to 90%
 * moves up at the next refresh. Sorting by name, or by pids (exact counts), is exact.
 */
export class RowOrder {
  private bands = new Map<ContainerName, number>()
  private key: SortKey | undefined

  /** The band of one row's value, sticky across refreshes. -1: no value; 0: below the floor. */
  band(r: StatsRow, key: SortKey): number {
    const v = sortValue(r, key)
    if (v === undefined) return -1
    if (key === 'pids') return v
    const x = v > 0 ? Math.log(v / FLOOR[key]) : -Infinity
    const fresh = x < 0 ? 0 : Math.floor(x / BAND) + 1
    const prev = this.key === key ? this.bands.get(r.name) : undefined
    if (prev === undefined || prev < 0) return fresh
    const low = prev === 0 ? -Infinity : (prev - 1) * BAND - SLACK
    const high = prev === 0 ? SLACK : prev * BAND + SLACK
    return x >= low && x < high ? prev : fresh
  }

  /** Sorts in place and remembers each row's band for the next refresh. */
  sort(rows: StatsRow[], key: SortKey): StatsRow[] {
    const bands = new Map<ContainerName, number>()
    for (const r of rows) bands.set(r.name, this.band(r, key))
    this.bands = bands
    this.key = key
    return rows.sort((a, b) => (key === 'name' ? 0 : bands.get(b.name)! - bands.get(a.name)!) || byName(a, b))
  }
}

function byName(a: StatsRow, b: StatsRow): number {
  const c = a.container < b.container ? -1 : a.container > b.container ? 1 : 0
  return c || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
}

function searched(r: StatsRow, needle: string): boolean {
  const n = needle.toLowerCase()
  return [r.container, r.name, r.id, r.factory, r.image].some((s) => s !== undefined && s.toLowerCase().includes(n))
}

/** Every tracked name that has a tracked cgroup below it. */
function parentsOf(names: Iterable<ContainerName>): Set<ContainerName> {
  const parents = new Set<ContainerName>()
  for (const n of names) {
    for (let p = parentName(n); p !== undefined && !parents.has(p); p = parentName(p)) parents.add(p)
  }
  return parents
}

/**
 * The rows to show, in order. Filters (factory, label, search) and idleness choose the rows;
 * without `tree` or `all` only leaves of the tracked tree are shown. Order: by the sort key
 * (RowOrder bands when given, else exact values), ties by name; with `tree`, depth-first with
 * each parent first and siblings in that order. Containers still waiting for their runtime
 * (`pending`) are never dropped for lack of numbers: they show with their cgroup name and the
 * pending mark.
 */
export function buildRows(states: Iterable<ContainerState>, q: RowQuery = {}, pending: Iterable<PendingLike> = []): StatsRow[] {
  const list = [...states]
  const waiting = [...pending]
  const parents = q.tree || q.all ? new Set<ContainerName>() : parentsOf([...list.map((s) => s.name), ...waiting.map((p) => p.name)])
  const byName = new Map<ContainerName, StatsRow>()
  const rows: StatsRow[] = []
  for (const s of list) {
    const row = rowOf(s, q.hostMemoryBytes)
    if (!row) continue
    byName.set(row.name, row)
    if (!q.all && (s.name === '/' || row.idle || parents.has(s.name))) continue
    if (!matches(s, row.factory, q.filters)) continue
    if (q.search && !searched(row, q.search)) continue
    rows.push(row)
  }
  for (const p of waiting) {
    const row = pendingRow(p)
    if (parents.has(p.name)) continue
    if (!matches({name: p.name, samples: [], firstSeenMs: 0}, row.factory, q.filters)) continue
    if (q.search && !searched(row, q.search)) continue
    rows.push(row)
  }
  const key = q.sort ?? 'cpu'
  const order = q.order ?? new RowOrder()
  if (!q.tree) return order.sort(rows, key)
  // The tree: every shown row brings its tracked ancestors, so each row sits under its parent.
  const shown = new Map<ContainerName, StatsRow>(rows.map((r) => [r.name, r]))
  for (const r of rows) {
    for (let p = parentName(r.name); p !== undefined; p = parentName(p)) {
      const pr = byName.get(p)
      if (pr && !shown.has(p)) shown.set(p, pr)
    }
  }
  const sorted = order.sort([...shown.values()], key)
  const children = new Map<ContainerName | undefined, StatsRow[]>()
  for (const r of sorted) {
    let p = parentName(r.name)
    while (p !== undefined && !shown.has(p)) p = parentName(p)
    const siblings = children.get(p) ?? []
    siblings.push(r)
    children.set(p, siblings)
  }
  const out: StatsRow[] = []
  const visit = (parent: ContainerName | undefined): void => {
    for (const r of children.get(parent) ?? []) {
      out.push(r)
      visit(r.name)
    }
  }
  visit(undefined)
  return out
}

/** How many displayed ancestors each row has (its indentation in the tree view). */
export function treeLevels(rows: readonly StatsRow[]): Map<ContainerName, number> {
  const shown = new Set(rows.map((r) => r.name))
  const levels = new Map<ContainerName, number>()
  for (const r of rows) {
    let n = 0
    for (let p = parentName(r.name); p !== undefined; p = parentName(p)) if (shown.has(p)) n++
    levels.set(r.name, n)
  }
  return levels
}
