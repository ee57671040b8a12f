/*
 * The soak's arithmetic and its picture, kept apart from the processes so they can be tested
 * alone: drift of a sampled figure, and an SVG line chart written as text (no plotting library:
 * a few polylines and labels are all the README needs).
 */

export interface Point {
  /** Minutes since the churn started. */
  t: number
  v: number
}

export interface Drift {
  /** Least-squares slope, units per minute. */
  perMinute: number
  /** The fitted line's change over the window, in percent of the window's mean. */
  percent: number
  /** The fitted line's change over the window, in the figure's units. */
  change: number
  /**
   * Half the width of the drift's 95 % band, in percent (two standard errors of the slope):
   * how far the residual noise alone could move the fitted line.
   */
  band: number
  first: number
  last: number
  min: number
  max: number
}

/**
 * Drift of a figure over the samples given (the post-warm-up ones): a least-squares line
 * through them, and its rise from the first sample's time to the last one's as a percentage of
 * the mean. A fitted line rather than last-minus-first, so one sample taken just before or
 * after a garbage collection does not decide the verdict. NaN with fewer than two samples.
 */
export function drift(points: readonly Point[]): Drift {
  const n = points.length
  const vs = points.map((p) => p.v)
  const range = {min: Math.min(...vs), max: Math.max(...vs)}
  if (n < 2) {
    const only = points[0]?.v ?? Number.NaN
    return {perMinute: Number.NaN, percent: Number.NaN, change: Number.NaN, band: Number.NaN, first: only, last: only, ...range}
  }
  const mt = points.reduce((s, p) => s + p.t, 0) / n
  const mv = points.reduce((s, p) => s + p.v, 0) / n
  let num = 0
  let den = 0
  for (const p of points) {
    num += (p.t - mt) * (p.v - mv)
    den += (p.t - mt) ** 2
  }
  const perMinute = den === 0 ? 0 : num / den
  const span = points[n - 1]!.t - points[0]!.t
  const scale = mv === 0 ? Number.NaN : (span / Math.abs(mv)) * 100
  const percent = mv === 0 ? (perMinute === 0 ? 0 : Number.POSITIVE_INFINITY) : perMinute * scale
  let residuals = 0
  for (const p of points) residuals += (p.v - (mv + perMinute * (p.t - mt))) ** 2
  const se = n > 2 && den > 0 ? Math.sqrt(residuals / (n - 2) / den) : Number.NaN
  const band = mv === 0 ? (se === 0 ? 0 : Number.NaN) : 2 * se * scale
  return {perMinute, percent, change: perMinute * span, band, first: points[0]!.v, last: points[n - 1]!.v, ...range}
}

export interface Line {
  label: string
  color: string
  points: readonly Point[]
}

export interface Panel {
  title: string
  unit: string
  lines: readonly Line[]
}

export interface PlotOptions {
  /** Shaded up to this time (minutes): the warm-up, left out of the drift. */
  warmupMinutes?: number
  /** Lines above the panels: the run's conditions. */
  caption?: readonly string[]
  width?: number
  panelHeight?: number
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const num = (n: number): string => (Math.round(n * 10) / 10).toString()

/** A round step for about `count` ticks over `span`. */
export function niceStep(span: number, count = 5): number {
  if (!(span > 0)) return 1
  const raw = span / count
  const mag = 10 ** Math.floor(Math.log10(raw))
  const f = raw / mag
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag
}

/** Panels stacked one above the other, sharing the time axis (minutes). */
export function plotSvg(panels: readonly Panel[], o: PlotOptions = {}): string {
  const width = o.width ?? 760
  const ph = o.panelHeight ?? 200
  const left = 60
  const right = 150
  const captions = o.caption ?? []
  const top = 28 + captions.length * 16
  const gap = 48
  const height = top + panels.length * (ph + gap)
  const all = panels.flatMap((p) => p.lines.flatMap((l) => l.points))
  const tMax = Math.max(1e-9, ...all.map((p) => p.t))
  const plotW = width - left - right
  const x = (t: number): number => left + (t / tMax) * plotW
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
  ]
  captions.forEach((c, i) => out.push(`<text x="${left}" y="${18 + i * 16}" font-size="12">${esc(c)}</text>`))
  panels.forEach((panel, i) => {
    const y0 = top + i * (ph + gap)
    const values = panel.lines.flatMap((l) => l.points.map((p) => p.v)).filter((v) => Number.isFinite(v))
    const vMax = Math.max(1e-9, ...values) * 1.1
    const step = niceStep(vMax, 4)
    const y = (v: number): number => y0 + ph - (v / vMax) * ph
    out.push(`<text x="${left}" y="${y0 - 6}" font-weight="bold">${esc(panel.title)} (${esc(panel.unit)})</text>`)
    if (o.warmupMinutes !== undefined && o.warmupMinutes > 0)
      out.push(`<rect x="${left}" y="${y0}" width="${num(x(Math.min(o.warmupMinutes, tMax)) - left)}" height="${ph}" fill="#eee"/>`)
    for (let v = 0; v <= vMax; v += step) {
      out.push(`<line x1="${left}" x2="${left + plotW}" y1="${num(y(v))}" y2="${num(y(v))}" stroke="#ddd"/>`)
      out.push(`<text x="${left - 4}" y="${num(y(v) + 4)}" text-anchor="end">${num(v)}</text>`)
    }
    const tStep = niceStep(tMax, 6)
    for (let t = 0; t <= tMax + 1e-9; t += tStep)
      out.push(`<text x="${num(x(t))}" y="${y0 + ph + 14}" text-anchor="middle">${num(t)}</text>`)
    out.push(`<text x="${left + plotW}" y="${y0 + ph + 28}" text-anchor="end">minutes</text>`)
    out.push(`<rect x="${left}" y="${y0}" width="${plotW}" height="${ph}" fill="none" stroke="#888"/>`)
    panel.lines.forEach((line, j) => {
      const pts = line.points.filter((p) => Number.isFinite(p.v)).map((p) => `${num(x(p.t))},${num(y(p.v))}`)
      out.push(`<polyline fill="none" stroke="${esc(line.color)}" stroke-width="1.5" points="${pts.join(' ')}"/>`)
      const ly = y0 + 12 + j * 16
      out.push(
        `<line x1="${left + plotW + 10}" x2="${left + plotW + 28}" y1="${ly - 4}" y2="${ly - 4}" stroke="${esc(line.color)}" stroke-width="2"/>`,
      )
      out.push(`<text x="${left + plotW + 32}" y="${ly}">${esc(line.label)}</text>`)
    })
  })
  out.push('</svg>')
  return `${out.join('\n')}\n`
}

export type Verdict = 'ok' | 'FAIL' | 'noisy'

/**
 * Whether a drift is within `limitPct`: `ok` when it is (or, for a count such as descriptors,
 * watches or series, when it only moved between two neighbouring values: 21 descriptors are not
 * failed for one socket more, and a step of one halfway through fits a line that rises by 1.5);
 * `FAIL` when even its 95 % band lies beyond the limit; `noisy` when the band reaches past
 * the limit but the samples cannot tell a trend from noise (a garbage-collected heap's
 * sawtooth), which is not a pass.
 */
export function verdict(d: Drift, limitPct: number, isCount: boolean): Verdict {
  if (!Number.isFinite(d.percent)) return 'noisy'
  if (Math.abs(d.percent) <= limitPct) return 'ok'
  if (isCount && d.max - d.min <= 1) return 'ok'
  return Number.isFinite(d.band) && Math.abs(d.percent) - d.band > limitPct ? 'FAIL' : 'noisy'
}
