import type {Sample} from '../model/index.js'

/** Deep equality of plain data (numbers, strings, arrays, objects), as samples are made of. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false
    return true
  }
  if (Array.isArray(b)) return false
  // for…in rather than Object.keys: no array made per object compared (every part of every
  // sample is compared at each tick). Samples are plain data: nothing enumerable is inherited.
  const x = a as Record<string, unknown>
  const y = b as Record<string, unknown>
  let n = 0
  for (const k in x) {
    if (!deepEqual(x[k], y[k])) return false
    n++
  }
  return n === keyCount(y)
}

/** The enumerable keys of a plain object, counted without making an array of them. */
function keyCount(o: object): number {
  let n = 0
  for (const k in o) {
    void k
    n++
  }
  return n
}

/**
 * The parts cAdvisor's StatsEq compares (cpu with schedstat and load, memory with NUMA, task
 * states, hugetlb, …), plus the OOM count (a kill is a change); the timestamp, pressure and
 * errors are left out.
 */
const COMPARED = [
  'cpu',
  'memory',
  'diskio',
  'filesystems',
  'network',
  'sockets',
  'processes',
  'oom',
  'sched',
  'load',
  'hugetlb',
  'numa',
  'memoryMigrate',
  'referencedBytes',
  'resctrl',
  'perf',
] as const

/** Whether nothing moved between two samples (dynamic housekeeping backs off while true). */
export function samplesEqual(a: Sample, b: Sample): boolean {
  for (const k of COMPARED) if (!deepEqual(a[k], b[k])) return false
  return true
}

const SHARED = [...COMPARED, 'pressure'] as const

/**
 * Makes `next` reuse `prev`'s part objects where they are equal, so an idle container's 120
 * retained samples share one set of parts instead of holding 120 copies. Returns
 * samplesEqual(prev, next), found on the way: one walk of the parts a tick, not two.
 */
export function shareParts(prev: Sample, next: Sample): boolean {
  let same = true
  for (const k of SHARED) {
    const a = prev[k]
    const b = next[k]
    if (a === b) continue
    if (a !== undefined && b !== undefined && deepEqual(a, b)) (next as unknown as Record<string, unknown>)[k] = a
    else if (k !== 'pressure') same = false
  }
  return same
}

/**
 * Whether two samples carry the very same part objects (errors compared by value), whatever
 * their times: what a pure reader gives while its files are unchanged (read-log.ts). Cheap, so
 * the store and the exposition ask it before packing or rendering anything again.
 */
export function sameParts(a: Sample, b: Sample): boolean {
  const x = a as unknown as Record<string, unknown>
  const y = b as unknown as Record<string, unknown>
  let n = 0
  for (const k in x) {
    if (k === 'name' || k === 'timestampMs') continue
    const v = x[k]
    if (v === undefined) continue
    if (v !== y[k] && !(k === 'errors' && deepEqual(v, y[k]))) return false
    n++
  }
  for (const k in y) if (k !== 'name' && k !== 'timestampMs' && y[k] !== undefined) n--
  return n === 0
}
