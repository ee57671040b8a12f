/*
 * The `cadv stats` table: docker stats' columns, laid out for the width it is given. Every
 * column but CONTAINER has a fixed width (the widest value it can print), so nothing moves
 * from one refresh to the next; CONTAINER takes the room left and long names lose their
 * middle. On a narrow terminal the least useful columns are left out whole, never cut:
 * CPU %, MEM USAGE / LIMIT and PIDS always show.
 *
 * Why not cli-table3: it can draw this layout (borderless chars, fixed colWidths, no wrapping,
 * padding 0; its output matched this module's line for line), but it costs about 1 ms per
 * row: its span layout checks each cell against the cells of every row above, and each cell
 * merges options and builds an ANSI regex. A 1,000-row frame took 0.9-1.1 s against 20 ms
 * here (same run), a core's worth each second at the default interval, pipes included; a
 * table per row still took 0.6-0.9 s. The choice of columns and the middle ellipsis are ours
 * either way; cli-table3 would only pad and join.
 */
import {parentName} from '../cgroups/index.js'
import {escapeControl} from '../util/index.js'

import type {StatsRow} from '../model/index.js'
import type {SortKey} from './stats-rows.js'
import {treeLevels} from './stats-rows.js'
import {binaryBytes, decimalBytes, MISSING} from './units.js'

export interface TableOptions {
  /** Terminal columns; undefined (a pipe, a file): no limit, nothing is shortened. */
  width?: number
  /** Full names and ids, whatever the width. */
  noTrunc?: boolean
  /** Rows are a tree (buildRows with `tree`): indent each under its parent. */
  tree?: boolean
  /** The sort key, underlined in the header when colour is on. */
  sort?: SortKey
  /** ANSI colour and attributes (a terminal, NO_COLOR unset). */
  colour?: boolean
}

/** After the factory of a row whose runtime has not answered yet (StatsRow.pending). */
export const PENDING_MARK = '?'

/** The line under a table with pending rows: what the mark means. */
export const PENDING_LEGEND = `${PENDING_MARK} its runtime has not answered yet: shown from the cgroup name alone (-v says why)`

interface Column {
  title: string
  /** Width of the widest value (or the title). */
  width: number
  right: boolean
  sort?: SortKey
  cell(r: StatsRow, o: TableOptions): string
}

const GAP = '  '
/** CONTAINER is never narrower than this (a name and its leaf stay readable); columns are left out instead. */
export const MIN_NAME_WIDTH = 24
const HEX64 = /[0-9a-f]{64}/g

/** CPU % in at most 7 characters: 2 decimals below 1000%, fewer above (a 64-core host). */
export function cpuCell(n: number | undefined): string {
  if (n === undefined) return MISSING
  return `${n.toFixed(n < 1000 ? 2 : n < 10000 ? 1 : 0)}%`
}

/** A count in at most 5 characters (pid_max can reach 4194304: `4194k`). */
export function countCell(n: number | undefined): string {
  if (n === undefined) return MISSING
  return n < 100000 ? String(n) : `${Math.round(n / 1000)}k`
}

const pair = (a: string, b: string): string => `${a} / ${b}`

/** The name as shown: ids shortened to 12 characters (as docker does) unless noTrunc. */
export function shortName(name: string, noTrunc = false): string {
  return noTrunc ? name : name.replace(HEX64, (id) => id.slice(0, 12))
}

/** Cuts the middle out of a long text, so both the start of a path and its leaf stay. */
export function ellipsize(text: string, width: number): string {
  const chars = [...text]
  if (chars.length <= width) return text
  if (width <= 1) return '…'.slice(0, Math.max(0, width))
  const keep = width - 1
  const head = Math.floor(keep / 2)
  return chars.slice(0, head).join('') + '…' + chars.slice(chars.length - (keep - head)).join('')
}

/** Every column after CONTAINER, in the order they are dropped last to first (see layout). */
const COLUMNS: Record<string, Column> = {
  cpu: {title: 'CPU %', width: 7, right: true, sort: 'cpu', cell: (r) => cpuCell(r.cpuPercent)},
  mem: {
    title: 'MEM USAGE / LIMIT',
    width: 19,
    right: true,
    sort: 'mem',
    cell: (r) => pair(binaryBytes(r.memoryUsageBytes), binaryBytes(r.memoryLimitBytes)),
  },
  memPercent: {title: 'MEM %', width: 7, right: true, cell: (r) => cpuCell(r.memoryPercent)},
  net: {title: 'NET I/O', width: 15, right: true, cell: (r) => pair(decimalBytes(r.netRxBytes), decimalBytes(r.netTxBytes))},
  block: {
    title: 'BLOCK I/O',
    width: 15,
    right: true,
    sort: 'io',
    cell: (r) => pair(decimalBytes(r.blockReadBytes), decimalBytes(r.blockWriteBytes)),
  },
  pids: {title: 'PIDS', width: 5, right: true, sort: 'pids', cell: (r) => countCell(r.pids)},
  // `containerd` and the pending mark: 11.
  factory: {
    title: 'FACTORY',
    width: 11,
    right: false,
    cell: (r) => escapeControl(r.pending === undefined ? r.factory : `${r.factory}${PENDING_MARK}`),
  },
  id: {
    title: 'ID',
    width: 12,
    right: false,
    cell: (r, o) => (r.id === undefined ? MISSING : escapeControl(o.noTrunc ? r.id : r.id.slice(0, 12))),
  },
}

/** Display order, left to right. */
const ORDER = ['id', 'factory', 'cpu', 'mem', 'memPercent', 'net', 'block', 'pids'] as const
/** Always shown. */
const ESSENTIAL = ['cpu', 'mem', 'pids'] as const
/** Added while CONTAINER keeps MIN_NAME_WIDTH, in this order (most useful first). */
const OPTIONAL = ['net', 'block', 'factory', 'memPercent', 'id'] as const
export const STATS_COLUMN_TITLES = ['CONTAINER', ...ORDER.map((k) => COLUMNS[k]!.title)]

export interface TableLayout {
  /** Column keys shown, left to right, after CONTAINER. */
  columns: string[]
  nameWidth: number
}

/**
 * Which columns fit in `width`, and CONTAINER's width. With no width (a pipe) every column
 * shows and CONTAINER is as wide as the longest name. The ID column needs a row with an id.
 */
export function tableLayout(names: readonly string[], o: TableOptions, anyId: boolean): TableLayout {
  const longest = Math.max('CONTAINER'.length, ...names.map((n) => [...n].length))
  const wanted = OPTIONAL.filter((k) => k !== 'id' || anyId)
  const cost = (k: string): number => GAP.length + COLUMNS[k]!.width + (k === 'id' && o.noTrunc ? 52 : 0)
  const chosen = new Set<string>(ESSENTIAL)
  if (o.width === undefined) {
    for (const k of wanted) chosen.add(k)
    return {columns: ORDER.filter((k) => chosen.has(k)), nameWidth: longest}
  }
  let room = o.width - [...chosen].reduce((s, k) => s + cost(k), 0)
  for (const k of wanted) {
    if (room - cost(k) >= MIN_NAME_WIDTH) {
      chosen.add(k)
      room -= cost(k)
    }
  }
  // CONTAINER takes all the room left, so no column moves when a longer name appears.
  const nameWidth = Math.max('CONTAINER'.length, o.noTrunc ? Math.max(longest, room) : room)
  return {columns: ORDER.filter((k) => chosen.has(k)), nameWidth}
}

/** The CONTAINER cell text before fitting: in a tree, indented, and relative to its parent. */
function nameText(r: StatsRow, level: number, parent: string | undefined, noTrunc: boolean): string {
  let label = r.container
  if (level > 0 && r.container === r.name && parent !== undefined) label = r.name.slice(parent === '/' ? 1 : parent.length + 1)
  // Names come from cgroup directories and runtimes: shown escaped, never as raw control characters.
  return '  '.repeat(level) + escapeControl(shortName(label, noTrunc))
}

const SGR = {
  reverse: '\u001b[7m',
  underline: '\u001b[4m',
  noUnderline: '\u001b[24m',
  red: '\u001b[31m',
  yellow: '\u001b[33m',
  reset: '\u001b[0m',
}

/** Memory near its limit is worth a glance: yellow from 75%, red from 90%. */
function memColour(r: StatsRow): string | undefined {
  if (!r.memoryLimited || r.memoryPercent === undefined) return undefined
  return r.memoryPercent >= 90 ? SGR.red : r.memoryPercent >= 75 ? SGR.yellow : undefined
}

/**
 * The table as lines: a header, then one line per row. No line is longer than `width` (when
 * given, and unless noTrunc); no line ends in spaces.
 */
export function statsTableLines(rows: readonly StatsRow[], o: TableOptions = {}): string[] {
  const levels = o.tree ? treeLevels(rows) : undefined
  const parents = new Map<string, string | undefined>()
  if (levels) {
    const shown = new Set(rows.map((r) => r.name))
    for (const r of rows) {
      let p = parentName(r.name)
      while (p !== undefined && !shown.has(p)) p = parentName(p)
      parents.set(r.name, p)
    }
  }
  const names = rows.map((r) => nameText(r, levels?.get(r.name) ?? 0, parents.get(r.name), o.noTrunc ?? false))
  const layout = tableLayout(
    names,
    o,
    rows.some((r) => r.id !== undefined),
  )
  const cols = layout.columns.map((k) => COLUMNS[k]!)
  const fit = (text: string, c: {width: number; right: boolean}): string => (c.right ? text.padStart(c.width) : text.padEnd(c.width))
  const headCells = ['CONTAINER'.padEnd(layout.nameWidth), ...cols.map((c) => fit(c.title, c))]
  let head = headCells.join(GAP).trimEnd()
  if (o.colour) {
    const sorted = cols.findIndex((c) => c.sort === o.sort)
    if (sorted >= 0 || o.sort === 'name') {
      const i = sorted >= 0 ? sorted + 1 : 0
      const title = i === 0 ? 'CONTAINER' : cols[sorted]!.title
      headCells[i] = headCells[i]!.replace(title, `${SGR.underline}${title}${SGR.noUnderline}`)
    }
    head = `${SGR.reverse}${headCells.join(GAP)}${SGR.reset}`
  }
  const lines = [head]
  // Memory near its limit is coloured in MEM %, or in MEM USAGE / LIMIT when MEM % gave way.
  const memColumn = layout.columns.includes('memPercent') ? 'memPercent' : 'mem'
  rows.forEach((r, i) => {
    // Without the FACTORY column the pending mark goes before the name: it is never lost.
    const text = r.pending !== undefined && !layout.columns.includes('factory') ? `${PENDING_MARK} ${names[i]!}` : names[i]!
    const name = o.noTrunc ? text : ellipsize(text, layout.nameWidth)
    const cells = [name.padEnd(layout.nameWidth)]
    for (const [j, c] of cols.entries()) {
      const text = fit(c.cell(r, o), c)
      const colour = o.colour && layout.columns[j] === memColumn ? memColour(r) : undefined
      cells.push(colour ? `${colour}${text}${SGR.reset}` : text)
    }
    lines.push(cells.join(GAP).trimEnd())
  })
  return lines
}

/** The table as one string (lines joined), for a pipe or a test. */
export function renderStatsTable(rows: readonly StatsRow[], o: TableOptions | boolean = {}): string {
  return statsTableLines(rows, typeof o === 'boolean' ? {noTrunc: o} : o).join('\n')
}

/** The line shown instead of a table when nothing matched: what was searched, and how to widen it. */
export function emptyStatsMessage(where: string, hierarchyIds: readonly string[], narrowed: boolean): string {
  const hint = narrowed ? 'nothing matched the filters or depth given' : 'idle raw cgroups and / are hidden; --all shows them'
  return `No containers found under ${where} (hierarchies: ${hierarchyIds.join(', ')}); ${hint}.`
}

export interface StatusInfo {
  at: Date
  /** Rows shown; undefined while the first scan runs (nothing to count yet). */
  count: number | undefined
  intervalMs: number
  sort: string
  tree?: boolean
  search?: string
}

/** The first line of every table: when, how many, how often, in which order. */
export function statsHeader(s: StatusInfo): string {
  const extra = `${s.tree ? '  tree' : ''}${s.search ? `  matching "${s.search}"` : ''}`
  const count = s.count === undefined ? '' : `  ${s.count} container${s.count === 1 ? '' : 's'}`
  return `cadv stats  ${s.at.toISOString()}${count}  every ${s.intervalMs / 1000}s  sorted by ${s.sort}${extra}`
}

/**
 * While some rows have no rates yet: say so, instead of showing 0% for what is not known. The
 * counts are of every cgroup tracked, parents and idle ones included, so they are called
 * cgroups: the header counts only the rows shown.
 */
export function collectingLine(withoutRates: number, total: number, gapMs: number): string | undefined {
  if (withoutRates === 0) return undefined
  const when = gapMs >= 1000 ? `${gapMs / 1000}s` : `${gapMs}ms`
  return `collecting: ${withoutRates} of ${total} cgroup${total === 1 ? '' : 's'} not read twice yet (CPU % and I/O rates need two readings, ${when} apart)`
}

/** The collecting line while the first scan runs: how many found so far, for how long. */
export function findingLine(found: number, elapsedMs: number): string {
  const seconds = Math.floor(elapsedMs / 1000)
  return `collecting: finding containers${found > 0 ? `, ${found} so far` : ''}${seconds > 0 ? ` (${seconds}s)` : ''}`
}
