/*
 * The container list's filter and sort. A filter is words separated by spaces, all of which
 * must match: a bare word is looked for in the name, alias, image and factory; `factory:docker`,
 * `image:nginx`, `name:web` look in one field; `cpu>50` (percent of a core), `mem>100MiB`
 * (working set) and `pids>10` compare numbers. Pure data, tested without a browser.
 */
import type {ContainerRow} from './types.js'

type NumberKey = 'cpu' | 'mem' | 'pids'

export interface Filter {
  words: string[]
  fields: {key: 'factory' | 'image' | 'name'; value: string}[]
  numbers: {key: NumberKey; op: '>' | '<'; value: number}[]
}

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1000,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1000 ** 4,
  tib: 1024 ** 4,
}

export class FilterSyntaxError extends Error {}

export function parseFilter(text: string): Filter {
  const f: Filter = {words: [], fields: [], numbers: []}
  for (const token of text.trim().split(/\s+/)) {
    if (token === '') continue
    const field = /^(factory|image|name)[:=](.*)$/i.exec(token)
    if (field) {
      if (field[2] === '') throw new FilterSyntaxError(`"${token}": say what to look for, e.g. ${field[1]}:web`)
      f.fields.push({key: field[1]!.toLowerCase() as 'factory' | 'image' | 'name', value: field[2]!.toLowerCase()})
      continue
    }
    const num = /^(cpu|mem|memory|pids)([<>])(.*)$/i.exec(token)
    if (num) {
      const key = (num[1]!.toLowerCase() === 'memory' ? 'mem' : num[1]!.toLowerCase()) as NumberKey
      const m = /^(\d+(?:\.\d+)?)(%|[a-z]*)$/i.exec(num[3]!)
      const unit = m?.[2]?.toLowerCase() ?? ''
      const scale = key === 'mem' ? UNITS[unit] : unit === '' || unit === '%' ? 1 : undefined
      if (!m || scale === undefined) {
        const example = key === 'mem' ? 'mem>100MiB' : key === 'cpu' ? 'cpu>50' : 'pids>10'
        throw new FilterSyntaxError(`"${token}": expected a number${key === 'mem' ? ' with a unit' : ''}, e.g. ${example}`)
      }
      f.numbers.push({key, op: num[2] as '>' | '<', value: Number(m[1]) * scale})
      continue
    }
    if (/^[a-z]+[:=]/i.test(token) && !token.startsWith('/')) {
      const key = token.slice(0, token.search(/[:=]/))
      throw new FilterSyntaxError(`unknown filter "${key}" (known: factory:, image:, name:, cpu>, mem>, pids>)`)
    }
    f.words.push(token.toLowerCase())
  }
  return f
}

function numberOf(row: ContainerRow, key: NumberKey): number | undefined {
  return key === 'cpu' ? row.cpuPercent : key === 'mem' ? row.memoryUsageBytes : row.pids
}

export function matchesFilter(row: ContainerRow, f: Filter): boolean {
  const name = row.name.toLowerCase()
  const aliases = row.aliases.map((a) => a.toLowerCase())
  const image = (row.image ?? '').toLowerCase()
  const factory = row.factory.toLowerCase()
  for (const w of f.words) {
    if (!name.includes(w) && !aliases.some((a) => a.includes(w)) && !image.includes(w) && factory !== w) return false
  }
  for (const {key, value} of f.fields) {
    if (key === 'factory' && factory !== value) return false
    if (key === 'image' && !image.includes(value)) return false
    if (key === 'name' && !name.includes(value) && !aliases.some((a) => a.includes(value))) return false
  }
  for (const {key, op, value} of f.numbers) {
    const v = numberOf(row, key)
    if (v === undefined || (op === '>' ? !(v > value) : !(v < value))) return false
  }
  return true
}

export interface SortKey<R> {
  id: string
  /** Numbers sort largest first, text A to Z, when first chosen. */
  value: (row: R) => number | string | undefined
}

/**
 * Rows in the order of `key` (`descending` reverses it); rows without a value come last either
 * way, ties go by `tie` (the name), so the order is stable from one update to the next.
 */
export function sortRows<R>(rows: R[], key: SortKey<R>, descending: boolean, tie: (r: R) => string): R[] {
  const dir = descending ? -1 : 1
  return rows.sort((a, b) => {
    const x = key.value(a)
    const y = key.value(b)
    if (x === undefined || y === undefined) {
      if (x !== y) return x === undefined ? 1 : -1
    } else if (x !== y) {
      return (x < y ? -1 : 1) * dir
    }
    const ta = tie(a)
    const tb = tie(b)
    return ta < tb ? -1 : ta > tb ? 1 : 0
  })
}

/** Depth of a container below the root: `/` 0, `/a` 1, `/a/b` 2. */
export function depthOf(name: string): number {
  return name === '/' ? 0 : name.split('/').length - 1
}
