/*
 * /api/v2.0/summary: cAdvisor's DerivedStats per container. The latest usage and the last
 * minute come from the retained samples; the hour and the day from per-minute aggregates
 * kept from the first summary request on (a server nobody asks for summaries keeps nothing),
 * each minute's 90th percentiles feeding the hour's and day's percentiles as in cAdvisor.
 * CPU is in milli-CPUs (CPU ms per second), memory is the working set in bytes.
 */
import type {ContainerName, ContainerView, Sample} from '../model/index.js'
import {rfc3339} from './api-encoding.js'

export interface Percentiles {
  present: boolean
  mean: number
  std: number
  max: number
  fifty: number
  ninety: number
  ninetyfive: number
  count: number
}

export interface Usage {
  percent_complete: number
  cpu: Percentiles
  memory: Percentiles
}

const ABSENT: Percentiles = {present: false, mean: 0, std: 0, max: 0, fifty: 0, ninety: 0, ninetyfive: 0, count: 0}
const MINUTE_MS = 60_000

/** cAdvisor's percentile: linear between the two ranks around d × (n + 1). */
function percentile(sorted: readonly number[], d: number): number {
  const n = sorted.length
  if (n === 0) return 0
  const rank = d * (n + 1)
  const i = Math.floor(rank)
  if (i < 1) return sorted[0]!
  if (i >= n) return sorted[n - 1]!
  return Math.floor(sorted[i - 1]! + (rank - i) * (sorted[i]! - sorted[i - 1]!))
}

export function percentilesOf(values: readonly number[], max = Math.max(0, ...values)): Percentiles {
  if (values.length === 0) return ABSENT
  const sorted = [...values].sort((a, b) => a - b)
  const mean = values.reduce((a, b) => a + b, 0) / values.length
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length
  return {
    present: true,
    mean: Math.floor(mean),
    std: Math.floor(Math.sqrt(variance)),
    max,
    fifty: percentile(sorted, 0.5),
    ninety: percentile(sorted, 0.9),
    ninetyfive: percentile(sorted, 0.95),
    count: values.length,
  }
}

function milliCpu(a: Sample, b: Sample): number | undefined {
  if (!a.cpu || !b.cpu || b.timestampMs <= a.timestampMs || b.cpu.usageNs < a.cpu.usageNs) return undefined
  // ns of CPU per ns of wall time, × 1000.
  return Math.round(((b.cpu.usageNs - a.cpu.usageNs) / ((b.timestampMs - a.timestampMs) * 1e6)) * 1000)
}

/** The usage of the samples within `windowMs` before `nowMs`. */
export function windowUsage(samples: Iterable<Sample>, nowMs: number, windowMs = MINUTE_MS): Usage {
  const inWindow: Sample[] = []
  for (const s of samples) if (s.timestampMs > nowMs - windowMs && s.timestampMs <= nowMs) inWindow.push(s)
  const cpu: number[] = []
  for (let i = 1; i < inWindow.length; i++) {
    const v = milliCpu(inWindow[i - 1]!, inWindow[i]!)
    if (v !== undefined) cpu.push(v)
  }
  const memory = inWindow.filter((s) => s.memory).map((s) => s.memory!.workingSetBytes)
  const span = inWindow.length > 1 ? inWindow.at(-1)!.timestampMs - inWindow[0]!.timestampMs : 0
  return {percent_complete: Math.min(100, Math.floor((span / windowMs) * 100)), cpu: percentilesOf(cpu), memory: percentilesOf(memory)}
}

/** cAdvisor's GetDerivedPercentiles: mean of means, max of maxima, percentiles of the 90th percentiles. */
export function derivedUsage(parts: readonly Usage[], slots: number): Usage {
  const derive = (ps: Percentiles[]): Percentiles => {
    const present = ps.filter((p) => p.present)
    if (present.length === 0) return ABSENT
    const p = percentilesOf(
      present.map((x) => x.ninety),
      Math.max(...present.map((x) => x.max)),
    )
    return {...p, mean: Math.floor(present.reduce((a, x) => a + x.mean, 0) / present.length)}
  }
  return {
    percent_complete: Math.min(100, Math.floor((parts.length / slots) * 100)),
    cpu: derive(parts.map((u) => u.cpu)),
    memory: derive(parts.map((u) => u.memory)),
  }
}

interface History {
  /** The last 60 minutes, oldest first. */
  minutes: Usage[]
  /** The last 24 hours, oldest first. */
  hours: Usage[]
  /** Minutes recorded since the last hour was closed. */
  sinceHour: number
}

/** Per-container minute and hour aggregates, kept once somebody asked for a summary. */
export class SummaryHistory {
  private readonly history = new Map<ContainerName, History>()
  private timer: NodeJS.Timeout | undefined
  private readonly onDelete = (name: ContainerName): void => void this.history.delete(name)

  constructor(private readonly view: ContainerView) {}

  /** DerivedStats of one container; starts keeping history on first use. */
  derived(name: ContainerName): Record<string, unknown> | undefined {
    const c = this.view.get(name)
    if (!c) return undefined
    this.start()
    const samples = c.samples
    const last = samples.at(-1)
    const now = last?.timestampMs ?? Date.now()
    const h = this.history.get(name) ?? {minutes: [], hours: [], sinceHour: 0}
    const latestCpu = samples.length > 1 ? milliCpu(samples.at(-2)!, last!) : undefined
    return {
      timestamp: rfc3339(now),
      latest_usage: {cpu: latestCpu ?? 0, memory: last?.memory?.workingSetBytes ?? 0},
      minute_usage: windowUsage(samples, now),
      hour_usage: derivedUsage(h.minutes, 60),
      day_usage: derivedUsage(h.hours, 24),
    }
  }

  stop(): void {
    clearInterval(this.timer)
    this.timer = undefined
    this.view.off('delete', this.onDelete)
  }

  private start(): void {
    if (this.timer) return
    this.view.on('delete', this.onDelete)
    this.timer = setInterval(() => this.everyMinute(), MINUTE_MS)
    this.timer.unref()
  }

  private everyMinute(): void {
    const now = Date.now()
    for (const c of this.view.containers()) {
      const h = this.history.get(c.name) ?? {minutes: [], hours: [], sinceHour: 0}
      h.minutes.push(windowUsage(c.samples, now))
      if (h.minutes.length > 60) h.minutes.shift()
      if (++h.sinceHour === 60) {
        h.sinceHour = 0
        h.hours.push(derivedUsage(h.minutes, 60))
        if (h.hours.length > 24) h.hours.shift()
      }
      this.history.set(c.name, h)
    }
  }
}
