/*
 * One live chart: a card with a title, the latest value of each series in words (with the
 * time of that sample; under the mouse, the values at the mouse), and a uPlot time-series chart
 * that keeps the card's width. Data is
 * replaced whole on each update; the card keeps its elements, so a page that updates every
 * second for hours holds the same memory.
 */
import uPlot from 'uplot'

import {h, setText} from './dom.js'
import {clock, MISSING} from './format.js'
import {lastIndex, type Column} from './series.js'

export interface SeriesDef {
  label: string
  color: string
  dash?: number[]
  fill?: boolean
}

export interface ChartOptions {
  id: string
  title: string
  series: SeriesDef[]
  /** Formats a value of any series (axis ticks and the readout). */
  format: (v: number) => string
  /** In the readout, only the largest latest value with its series' name (per-core charts). */
  readoutMax?: boolean
  height?: number
}

const HEIGHT = 180

function themeColor(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback
}

export class Chart {
  readonly el: HTMLElement
  private readonly plotEl: HTMLElement
  private readonly values: HTMLElement[] = []
  private readonly time: HTMLTimeElement
  private plot: uPlot | undefined
  private readonly resize: ResizeObserver
  private pendingResize = 0
  private ms: number[] = []
  private ys: Column[] = []
  /** The sample index under the mouse, or null for the latest. */
  private hover: number | null = null

  constructor(private readonly options: ChartOptions) {
    this.time = h('time')
    const readout = h('p', {class: 'readout'})
    if (options.readoutMax) {
      const v = h('span', {class: 'value', 'data-series': 'max'}, MISSING)
      this.values.push(v)
      readout.append(v)
    } else {
      options.series.forEach((s, i) => {
        const v = h('span', {class: 'value', 'data-series': String(i)}, MISSING)
        this.values.push(v)
        const swatch = h('span', {class: 'swatch', 'aria-hidden': 'true'})
        swatch.style.backgroundColor = s.color
        readout.append(h('span', {class: 'item'}, swatch, `${s.label} `, v))
      })
    }
    readout.append(h('span', {class: 'at'}, 'at ', this.time))
    this.plotEl = h('div', {class: 'plot', role: 'img', 'aria-label': `${options.title} chart`})
    this.el = h('section', {class: 'card chart', 'data-chart': options.id}, h('h3', {}, options.title), readout, this.plotEl)
    this.resize = new ResizeObserver(() => {
      cancelAnimationFrame(this.pendingResize)
      this.pendingResize = requestAnimationFrame(() => this.fit())
    })
    this.resize.observe(this.plotEl)
  }

  private width(): number {
    return Math.max(200, Math.floor(this.plotEl.clientWidth))
  }

  private fit(): void {
    if (!this.plot) return
    const w = this.width()
    if (w !== this.plot.width) this.plot.setSize({width: w, height: this.options.height ?? HEIGHT})
  }

  private create(data: uPlot.AlignedData): uPlot {
    const fg = themeColor('--muted', '#555')
    const grid = themeColor('--grid', '#8884')
    const fmt = this.options.format
    const axisValues = (_u: uPlot, splits: number[]) => splits.map((v) => (v === null || v === undefined ? '' : fmt(v)))
    const opts: uPlot.Options = {
      width: this.width(),
      height: this.options.height ?? HEIGHT,
      legend: {show: false},
      cursor: {drag: {x: false, y: false}},
      hooks: {
        setCursor: [
          (u) => {
            const idx = u.cursor.idx ?? null
            if (idx === this.hover) return
            this.hover = idx
            this.readout()
          },
        ],
      },
      scales: {x: {time: true}, y: {range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1]}},
      axes: [
        {stroke: fg, grid: {stroke: grid, width: 1}, ticks: {stroke: grid, width: 1}},
        {stroke: fg, grid: {stroke: grid, width: 1}, ticks: {stroke: grid, width: 1}, values: axisValues, size: 70},
      ],
      series: [
        {},
        ...this.options.series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 1.5,
          dash: s.dash,
          fill: s.fill ? `${s.color}22` : undefined,
          points: {show: false},
        })),
      ],
    }
    return new uPlot(opts, data, this.plotEl)
  }

  /** Shows these columns (times in seconds; one column per series); the readout shows the latest values. */
  set(t: number[], ms: number[], ys: Column[]): void {
    const data = [t, ...ys] as uPlot.AlignedData
    this.ms = ms
    this.ys = ys
    if (!this.plot) this.plot = this.create(data)
    else this.plot.setData(data)
    this.readout()
  }

  /** The value of a series at the hovered sample, or its latest. */
  private at(col: Column): number {
    if (this.hover === null) return lastIndex(col)
    return col[this.hover] === null || col[this.hover] === undefined ? -1 : this.hover
  }

  private readout(): void {
    const {ms, ys} = this
    const fmt = this.options.format
    let at = this.hover ?? -1
    if (this.options.readoutMax) {
      let best: {v: number; i: number} | undefined
      for (let s = 0; s < ys.length; s++) {
        const i = this.at(ys[s]!)
        if (i < 0) continue
        at = Math.max(at, i)
        const v = ys[s]![i]!
        if (!best || v > best.v) best = {v, i: s}
      }
      setText(this.values[0]!, best ? `${this.options.series[best.i]!.label} ${fmt(best.v)} (busiest)` : MISSING)
    } else {
      ys.forEach((col, s) => {
        const i = this.at(col)
        if (s === 0 && this.hover === null) at = i
        setText(this.values[s]!, i < 0 ? MISSING : fmt(col[i]!))
      })
    }
    const when = at >= 0 ? ms[at] : undefined
    const iso = when === undefined ? '' : new Date(when).toISOString()
    if (this.time.dateTime !== iso) {
      this.time.dateTime = iso
      setText(this.time, when === undefined ? MISSING : clock(when))
    }
  }

  destroy(): void {
    this.resize.disconnect()
    cancelAnimationFrame(this.pendingResize)
    this.plot?.destroy()
    this.plot = undefined
    this.el.remove()
  }
}

/** Distinct colours for many series (one per CPU core). */
export function spread(i: number, n: number): string {
  const hue = Math.round((i * 360) / Math.max(1, n))
  return `hsl(${hue} 65% 50%)`
}

export const COLORS = {
  blue: '#1f77b4',
  orange: '#ff7f0e',
  green: '#2ca02c',
  red: '#d62728',
  purple: '#9467bd',
  brown: '#8c564b',
  pink: '#e377c2',
  gray: '#7f7f7f',
  olive: '#bcbd22',
  cyan: '#17becf',
}
