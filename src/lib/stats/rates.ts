import type {ContainerSpec, Sample} from '../model/index.js'

/**
 * Rates derived from two consecutive samples of one container. They are computed when shown
 * and never stored: the store keeps raw counters only.
 */
export interface Rates {
  /** Wall time between the samples, ms. */
  intervalMs: number
  /** CPU time over wall time; 100 = one core fully busy (as docker stats, top and cgtop). */
  cpuPercent?: number
  netRxBytesPerSec?: number
  netTxBytesPerSec?: number
  blockReadBytesPerSec?: number
  blockWriteBytesPerSec?: number
}

/** Σ over interfaces or devices; undefined when the part is absent. */
export function totals(s: Sample): {netRx?: number; netTx?: number; blockRead?: number; blockWrite?: number} {
  const out: {netRx?: number; netTx?: number; blockRead?: number; blockWrite?: number} = {}
  if (s.network) {
    out.netRx = 0
    out.netTx = 0
    for (const i of s.network) {
      out.netRx += i.rxBytes
      out.netTx += i.txBytes
    }
  }
  if (s.diskio) {
    out.blockRead = 0
    out.blockWrite = 0
    for (const d of s.diskio) {
      out.blockRead += d.readBytes
      out.blockWrite += d.writeBytes
    }
  }
  return out
}

/** A per-second rate, or undefined when either side is missing or the counter went backwards (cgroup re-created). */
function perSecond(prev: number | undefined, cur: number | undefined, seconds: number): number | undefined {
  if (prev === undefined || cur === undefined || cur < prev || seconds <= 0) return undefined
  return (cur - prev) / seconds
}

export function deriveRates(prev: Sample | undefined, cur: Sample): Rates | undefined {
  if (!prev || cur.timestampMs <= prev.timestampMs) return undefined
  const intervalMs = cur.timestampMs - prev.timestampMs
  const seconds = intervalMs / 1000
  const rates: Rates = {intervalMs}
  const cpu = perSecond(prev.cpu?.usageNs, cur.cpu?.usageNs, seconds)
  if (cpu !== undefined) rates.cpuPercent = (cpu / 1e9) * 100
  const a = totals(prev)
  const b = totals(cur)
  const set = (key: keyof Rates, v: number | undefined): void => {
    if (v !== undefined) rates[key] = v
  }
  set('netRxBytesPerSec', perSecond(a.netRx, b.netRx, seconds))
  set('netTxBytesPerSec', perSecond(a.netTx, b.netTx, seconds))
  set('blockReadBytesPerSec', perSecond(a.blockRead, b.blockRead, seconds))
  set('blockWriteBytesPerSec', perSecond(a.blockWrite, b.blockWrite, seconds))
  return rates
}

/**
 * The memory limit a usage is measured against: the cgroup's limit, or the host's memory when
 * unlimited (as docker stats shows it), or undefined when neither is known.
 */
export function effectiveMemoryLimit(spec: ContainerSpec | undefined, hostMemoryBytes: number | undefined): number | undefined {
  const limit = spec?.memoryLimitBytes
  if (limit !== undefined && (hostMemoryBytes === undefined || limit < hostMemoryBytes)) return limit
  return hostMemoryBytes
}

/** Working set as a percentage of the effective limit. */
export function memoryPercent(s: Sample, limitBytes: number | undefined): number | undefined {
  if (!s.memory || !limitBytes) return undefined
  return (s.memory.workingSetBytes / limitBytes) * 100
}
