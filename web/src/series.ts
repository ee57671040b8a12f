/*
 * From retained samples (raw counters) to chart columns: rates derived from consecutive samples,
 * as cadv's own rates are (src/lib/stats/rates.ts), null where a rate cannot be had (the first
 * sample, a part missing, a counter that went backwards because the cgroup was re-created).
 * Plain data in and out, no DOM, so it is tested without a browser.
 */
import type {Sample} from './types.js'

export type Column = (number | null)[]

export interface Columns {
  /** Sample times, seconds since the epoch (uPlot's time scale). */
  t: number[]
  /** Times in ms, as the API gives them. */
  ms: number[]
  /** CPU, percent of one core. */
  cpuTotal: Column
  cpuUser: Column
  cpuSystem: Column
  perCpu: Column[]
  memUsage: Column
  memWorkingSet: Column
  netRx: Column
  netTx: Column
  netRxErrors: Column
  netTxErrors: Column
  netRxDropped: Column
  netTxDropped: Column
  blockRead: Column
  blockWrite: Column
  processes: Column
  threads: Column
  /** PSI: percent of wall time some task stalled. */
  psiCpu: Column
  psiMemory: Column
  psiIo: Column
}

interface NetTotals {
  rxBytes: number
  txBytes: number
  rxErrors: number
  txErrors: number
  rxDropped: number
  txDropped: number
}

function netTotals(s: Sample): NetTotals | undefined {
  if (!s.network) return undefined
  const t: NetTotals = {rxBytes: 0, txBytes: 0, rxErrors: 0, txErrors: 0, rxDropped: 0, txDropped: 0}
  for (const i of s.network) {
    t.rxBytes += i.rxBytes
    t.txBytes += i.txBytes
    t.rxErrors += i.rxErrors
    t.txErrors += i.txErrors
    t.rxDropped += i.rxDropped
    t.txDropped += i.txDropped
  }
  return t
}

function blockTotals(s: Sample): {read: number; write: number} | undefined {
  if (!s.diskio) return undefined
  let read = 0
  let write = 0
  for (const d of s.diskio) {
    read += d.readBytes
    write += d.writeBytes
  }
  return {read, write}
}

/** (cur − prev) per second, × scale; null when either is missing or the counter went backwards. */
export function rate(prev: number | undefined, cur: number | undefined, seconds: number, scale = 1): number | null {
  if (prev === undefined || cur === undefined || cur < prev || seconds <= 0) return null
  return ((cur - prev) / seconds) * scale
}

/** ns of CPU per second of wall time, as percent of one core. */
const NS_TO_PERCENT = 100 / 1e9
/** µs of stall per second of wall time, as percent. */
const US_TO_PERCENT = 100 / 1e6

export function columns(samples: readonly Sample[]): Columns {
  const n = samples.length
  const cores = samples.reduce((m, s) => Math.max(m, s.cpu?.perCpuNs?.length ?? 0), 0)
  const col = (): Column => new Array<number | null>(n).fill(null)
  const c: Columns = {
    t: new Array<number>(n),
    ms: new Array<number>(n),
    cpuTotal: col(),
    cpuUser: col(),
    cpuSystem: col(),
    perCpu: Array.from({length: cores}, col),
    memUsage: col(),
    memWorkingSet: col(),
    netRx: col(),
    netTx: col(),
    netRxErrors: col(),
    netTxErrors: col(),
    netRxDropped: col(),
    netTxDropped: col(),
    blockRead: col(),
    blockWrite: col(),
    processes: col(),
    threads: col(),
    psiCpu: col(),
    psiMemory: col(),
    psiIo: col(),
  }
  let prevNet: NetTotals | undefined
  let prevBlock: {read: number; write: number} | undefined
  for (let i = 0; i < n; i++) {
    const s = samples[i]!
    c.ms[i] = s.timestampMs
    c.t[i] = s.timestampMs / 1000
    c.memUsage[i] = s.memory?.usageBytes ?? null
    c.memWorkingSet[i] = s.memory?.workingSetBytes ?? null
    c.processes[i] = s.processes?.processes ?? null
    c.threads[i] = s.processes?.threads ?? null
    const net = netTotals(s)
    const block = blockTotals(s)
    const p = i > 0 ? samples[i - 1]! : undefined
    if (p && s.timestampMs > p.timestampMs) {
      const sec = (s.timestampMs - p.timestampMs) / 1000
      c.cpuTotal[i] = rate(p.cpu?.usageNs, s.cpu?.usageNs, sec, NS_TO_PERCENT)
      c.cpuUser[i] = rate(p.cpu?.userNs, s.cpu?.userNs, sec, NS_TO_PERCENT)
      c.cpuSystem[i] = rate(p.cpu?.systemNs, s.cpu?.systemNs, sec, NS_TO_PERCENT)
      for (let k = 0; k < cores; k++) c.perCpu[k]![i] = rate(p.cpu?.perCpuNs?.[k], s.cpu?.perCpuNs?.[k], sec, NS_TO_PERCENT)
      c.netRx[i] = rate(prevNet?.rxBytes, net?.rxBytes, sec)
      c.netTx[i] = rate(prevNet?.txBytes, net?.txBytes, sec)
      c.netRxErrors[i] = rate(prevNet?.rxErrors, net?.rxErrors, sec)
      c.netTxErrors[i] = rate(prevNet?.txErrors, net?.txErrors, sec)
      c.netRxDropped[i] = rate(prevNet?.rxDropped, net?.rxDropped, sec)
      c.netTxDropped[i] = rate(prevNet?.txDropped, net?.txDropped, sec)
      c.blockRead[i] = rate(prevBlock?.read, block?.read, sec)
      c.blockWrite[i] = rate(prevBlock?.write, block?.write, sec)
      c.psiCpu[i] = rate(p.pressure?.cpu?.someUs, s.pressure?.cpu?.someUs, sec, US_TO_PERCENT)
      c.psiMemory[i] = rate(p.pressure?.memory?.someUs, s.pressure?.memory?.someUs, sec, US_TO_PERCENT)
      c.psiIo[i] = rate(p.pressure?.io?.someUs, s.pressure?.io?.someUs, sec, US_TO_PERCENT)
    }
    prevNet = net
    prevBlock = block
  }
  return c
}

/** The last index whose value is not null, or -1. */
export function lastIndex(col: Column): number {
  for (let i = col.length - 1; i >= 0; i--) if (col[i] !== null) return i
  return -1
}

/** True when some value in the column is not null. */
export function hasData(col: Column): boolean {
  return lastIndex(col) >= 0
}

/**
 * The samples a page keeps: ordered by time, one per timestamp, none older than `windowMs`
 * before the newest. A container re-created under the same name starts a new history.
 */
export class History {
  private list: Sample[] = []

  constructor(private windowMs: number) {}

  get samples(): readonly Sample[] {
    return this.list
  }

  get lastMs(): number | undefined {
    return this.list.at(-1)?.timestampMs
  }

  setWindow(ms: number): void {
    this.windowMs = ms
    this.trim()
  }

  clear(): void {
    this.list = []
  }

  /** Adds samples newer than the newest kept; returns how many were new. */
  add(samples: readonly Sample[]): number {
    let added = 0
    for (const s of samples) {
      const last = this.lastMs
      if (last !== undefined && s.timestampMs <= last) continue
      this.list.push(s)
      added++
    }
    if (added > 0) this.trim()
    return added
  }

  private trim(): void {
    const last = this.lastMs
    if (last === undefined) return
    const from = last - this.windowMs
    let i = 0
    while (i < this.list.length - 2 && this.list[i]!.timestampMs < from) i++
    if (i > 0) this.list.splice(0, i)
  }
}
