/*
 * A container's charts, from its retained samples: CPU (total against its quota, per core,
 * user and system), memory against its limit, network rates and errors, block I/O, processes
 * and threads, pressure stalls. A chart appears once its part of the sample does, in a fixed
 * order, and stays (with gaps) if the part goes.
 */
import {Chart, COLORS, spread, type ChartOptions} from './chart.js'
import {bytes, bytesPerSecond, count, pct, perSecond} from './format.js'
import {columns, hasData, type Column, type Columns} from './series.js'
import type {ContainerSpec, Sample} from './types.js'

interface ChartDef extends Omit<ChartOptions, 'series'> {
  /** Whether the samples carry what this chart draws. */
  present: (last: Sample, c: Columns) => boolean
  series: (c: Columns, spec: ContainerSpec | null) => {label: string; color: string; dash?: number[]; fill?: boolean; y: Column}[]
}

const constant = (c: Columns, v: number | undefined): Column => c.t.map(() => v ?? null)

const DEFS: ChartDef[] = [
  {
    id: 'cpu-total',
    title: 'CPU',
    format: pct,
    present: (s) => !!s.cpu,
    series: (c, spec) => [
      {label: 'total', color: COLORS.blue, fill: true, y: c.cpuTotal},
      ...(spec?.cpuQuotaUs !== undefined && spec.cpuPeriodUs
        ? [{label: 'quota', color: COLORS.red, dash: [6, 4], y: constant(c, (spec.cpuQuotaUs / spec.cpuPeriodUs) * 100)}]
        : []),
    ],
  },
  {
    id: 'cpu-per-core',
    title: 'CPU per core',
    format: pct,
    readoutMax: true,
    present: (s) => !!s.cpu?.perCpuNs?.length,
    series: (c) => c.perCpu.map((y, i) => ({label: `cpu${i}`, color: spread(i, c.perCpu.length), y})),
  },
  {
    id: 'cpu-user-system',
    title: 'CPU user and system',
    format: pct,
    present: (s) => s.cpu?.userNs !== undefined,
    series: (c) => [
      {label: 'user', color: COLORS.green, y: c.cpuUser},
      {label: 'system', color: COLORS.orange, y: c.cpuSystem},
    ],
  },
  {
    id: 'memory',
    title: 'Memory',
    format: bytes,
    present: (s) => !!s.memory,
    series: (c, spec) => [
      {label: 'working set', color: COLORS.purple, fill: true, y: c.memWorkingSet},
      {label: 'usage', color: COLORS.blue, y: c.memUsage},
      ...(spec?.memoryLimitBytes !== undefined
        ? [{label: 'limit', color: COLORS.red, dash: [6, 4], y: constant(c, spec.memoryLimitBytes)}]
        : []),
    ],
  },
  {
    id: 'network',
    title: 'Network',
    format: bytesPerSecond,
    present: (s) => !!s.network,
    series: (c) => [
      {label: 'in', color: COLORS.green, y: c.netRx},
      {label: 'out', color: COLORS.blue, y: c.netTx},
    ],
  },
  {
    id: 'network-errors',
    title: 'Network errors and drops',
    format: perSecond,
    present: (s) => !!s.network,
    series: (c) => [
      {label: 'in errors', color: COLORS.red, y: c.netRxErrors},
      {label: 'out errors', color: COLORS.orange, y: c.netTxErrors},
      {label: 'in dropped', color: COLORS.brown, dash: [4, 3], y: c.netRxDropped},
      {label: 'out dropped', color: COLORS.pink, dash: [4, 3], y: c.netTxDropped},
    ],
  },
  {
    id: 'block-io',
    title: 'Block I/O',
    format: bytesPerSecond,
    present: (s) => !!s.diskio,
    series: (c) => [
      {label: 'read', color: COLORS.cyan, y: c.blockRead},
      {label: 'write', color: COLORS.olive, y: c.blockWrite},
    ],
  },
  {
    id: 'processes',
    title: 'Processes and threads',
    format: count,
    present: (s) => !!s.processes,
    series: (c) => [
      {label: 'processes', color: COLORS.blue, y: c.processes},
      {label: 'threads', color: COLORS.gray, y: c.threads},
    ],
  },
  {
    id: 'pressure',
    title: 'Pressure (some task stalled)',
    format: pct,
    present: (s, c) => !!s.pressure && (hasData(c.psiCpu) || hasData(c.psiMemory) || hasData(c.psiIo)),
    series: (c) => [
      {label: 'cpu', color: COLORS.blue, y: c.psiCpu},
      {label: 'memory', color: COLORS.purple, y: c.psiMemory},
      {label: 'io', color: COLORS.cyan, y: c.psiIo},
    ],
  },
]

export class ContainerCharts {
  private readonly charts = new Map<string, {chart: Chart; key: string}>()
  private readonly defs: ChartDef[]

  constructor(
    readonly el: HTMLElement,
    only?: readonly string[],
    private readonly height?: number,
  ) {
    this.defs = only ? DEFS.filter((d) => only.includes(d.id)) : DEFS
  }

  update(samples: readonly Sample[], spec: ContainerSpec | null): void {
    const last = samples.at(-1)
    if (!last) return
    const cols = columns(samples)
    const shown: {chart: Chart; ys: Column[]}[] = []
    let created = false
    for (const def of this.defs) {
      const series = def.series(cols, spec)
      // A chart is rebuilt when its series change (a limit set, a core count seen).
      const key = series.map((s) => s.label).join('\u0000')
      let entry = this.charts.get(def.id)
      if (!entry && !def.present(last, cols)) continue
      if (entry && entry.key !== key) {
        entry.chart.destroy()
        entry = undefined
      }
      if (!entry) {
        entry = {chart: new Chart({...def, height: this.height, series: series.map(({y: _y, ...s}) => s)}), key}
        this.charts.set(def.id, entry)
        created = true
      }
      shown.push({chart: entry.chart, ys: series.map((s) => s.y)})
    }
    // In the page before drawing, so that each chart takes its card's width from the start.
    if (created) for (const {chart} of shown) this.el.append(chart.el)
    for (const {chart, ys} of shown) chart.set(cols.t, cols.ms, ys)
  }

  destroy(): void {
    for (const {chart} of this.charts.values()) chart.destroy()
    this.charts.clear()
  }
}
