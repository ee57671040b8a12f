import Table from 'cli-table3'

import type {StatsRow} from '../model/index.js'
import {escapeControl} from '../util/index.js'

import {binaryBytes, decimalBytes, MISSING, percent} from './units.js'

export const STATS_COLUMNS = ['CONTAINER', 'FACTORY', 'CPU %', 'MEM USAGE / LIMIT', 'MEM %', 'NET I/O', 'BLOCK I/O', 'PIDS'] as const

const HEX64 = /[0-9a-f]{64}/g
const MAX_NAME = 48

/** Container ids shortened to 12 characters as docker does, and very long names cut at the front. */
export function displayName(name: string, noTrunc: boolean): string {
  if (noTrunc) return name
  const short = name.replace(HEX64, (id) => id.slice(0, 12))
  return short.length > MAX_NAME ? `…${short.slice(short.length - MAX_NAME + 1)}` : short
}

export function rowCells(r: StatsRow, noTrunc: boolean): string[] {
  return [
    // Names come from cgroup directories and runtimes: shown escaped, never as raw control characters.
    escapeControl(displayName(r.container, noTrunc)),
    escapeControl(r.factory),
    percent(r.cpuPercent),
    `${binaryBytes(r.memoryUsageBytes)} / ${binaryBytes(r.memoryLimitBytes)}`,
    percent(r.memoryPercent),
    `${decimalBytes(r.netRxBytes)} / ${decimalBytes(r.netTxBytes)}`,
    `${decimalBytes(r.blockReadBytes)} / ${decimalBytes(r.blockWriteBytes)}`,
    r.pids === undefined ? MISSING : String(r.pids),
  ]
}

const NO_BORDER = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '   ',
}

/** A docker-stats-like table: no borders, no colours (it may be piped or captured). */
export function renderStatsTable(rows: readonly StatsRow[], noTrunc = false): string {
  const table = new Table({
    head: [...STATS_COLUMNS],
    chars: NO_BORDER,
    style: {head: [], border: [], 'padding-left': 0, 'padding-right': 0},
  })
  for (const r of rows) table.push(rowCells(r, noTrunc))
  return table
    .toString()
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
}

/** The line shown instead of a table when nothing matched: what was searched, and how to widen it. */
export function emptyStatsMessage(where: string, hierarchyIds: readonly string[], narrowed: boolean): string {
  const hint = narrowed ? 'nothing matched the filters or depth given' : 'idle raw cgroups and / are hidden; --all shows them'
  return `No containers found under ${where} (hierarchies: ${hierarchyIds.join(', ')}); ${hint}.`
}

export function statsHeader(at: Date, count: number, intervalMs: number, sort: string): string {
  return `cadv stats  ${at.toISOString()}  ${count} container${count === 1 ? '' : 's'}  every ${intervalMs / 1000}s  sorted by ${sort}`
}
