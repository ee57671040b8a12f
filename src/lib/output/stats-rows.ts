import type {ContainerName, ContainerState, StatsRow} from '../model/index.js'
import {deriveRates, effectiveMemoryLimit, memoryPercent, totals} from '../stats/index.js'

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

/** Parses `factory=docker`, `prefix=/kubepods`, `label=app=web` (or `label=app`). */
export function parseFilters(values: readonly string[]): RowFilters {
  const f: RowFilters = {factory: [], prefix: [], label: []}
  for (const v of values) {
    const eq = v.indexOf('=')
    const key = eq < 0 ? v : v.slice(0, eq)
    const value = eq < 0 ? '' : v.slice(eq + 1)
    if (value === '')
      throw new FilterError(
        `--filter "${v}": expected key=value with key factory, prefix or label (e.g. factory=docker, prefix=/kubepods, label=app=web)`,
      )
    if (key === 'factory') f.factory.push(value)
    else if (key === 'prefix') {
      if (!value.startsWith('/'))
        throw new FilterError(`--filter "${v}": a prefix is a container name and starts with / (e.g. prefix=/docker)`)
      f.prefix.push(value.length > 1 ? value.replace(/\/+$/, '') : value)
    } else if (key === 'label') {
      const le = value.indexOf('=')
      f.label.push(le < 0 ? {key: value} : {key: value.slice(0, le), value: value.slice(le + 1)})
    } else throw new FilterError(`--filter "${v}": unknown key "${key}" (known: factory, prefix, label)`)
  }
  return f
}

export interface RowQuery {
  /** Factory and label filters (prefix and depth decide which containers are tracked at all). */
  filters?: RowFilters
  /** Show idle raw cgroups and the root too. */
  all?: boolean
  sort?: SortKey
  hostMemoryBytes?: number
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
    container: state.info?.aliases[0] ?? state.name,
    factory,
    time: new Date(cur.timestampMs).toISOString(),
    memoryLimited: state.spec?.memoryLimitBytes !== undefined && state.spec.memoryLimitBytes === limit,
    idle: false,
  }
  if (state.info?.id) row.id = state.info.id
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
  if (cur.errors && cur.errors.length > 0) row.errors = [...cur.errors]
  // pids.current counts tasks below the cgroup too: a parent of busy cgroups is not idle.
  row.idle = factory === 'raw' && (row.pids ?? row.processes ?? 0) === 0 && (row.cpuPercent ?? 0) === 0
  return row
}

const desc = (a: number | undefined, b: number | undefined): number => (b ?? -1) - (a ?? -1)

const COMPARE: Record<SortKey, (a: StatsRow, b: StatsRow) => number> = {
  cpu: (a, b) => desc(a.cpuPercent, b.cpuPercent),
  mem: (a, b) => desc(a.memoryUsageBytes, b.memoryUsageBytes),
  io: (a, b) =>
    desc(
      a.blockReadBytesPerSec === undefined ? undefined : a.blockReadBytesPerSec + (a.blockWriteBytesPerSec ?? 0),
      b.blockReadBytesPerSec === undefined ? undefined : b.blockReadBytesPerSec + (b.blockWriteBytesPerSec ?? 0),
    ),
  pids: (a, b) => desc(a.pids, b.pids),
  name: () => 0,
}

/** The rows to show: filtered, idle ones dropped unless `all`, sorted (ties by name). */
export function buildRows(states: Iterable<ContainerState>, q: RowQuery = {}): StatsRow[] {
  const rows: StatsRow[] = []
  for (const s of states) {
    if (!q.all && s.name === '/') continue
    const row = rowOf(s, q.hostMemoryBytes)
    if (!row || !matches(s, row.factory, q.filters)) continue
    if (!q.all && row.idle) continue
    rows.push(row)
  }
  const cmp = COMPARE[q.sort ?? 'cpu']
  return rows.sort((a, b) => cmp(a, b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}
