// The soak's verdicts rest on drift() and verdict(), and its README picture on plotSvg():
// checked here on figures whose answers are known, so a wrong sign or span cannot pass a soak.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {drift, niceStep, plotSvg, verdict, type Point} from '../../../bench/lib/soak-figures.js'

const line = (from: number, perMinute: number, minutes: number): Point[] =>
  Array.from({length: minutes + 1}, (_, t) => ({t, v: from + perMinute * t}))

test('drift: a steady figure has none, a rising one its rise over the window in % of the mean', () => {
  assert.equal(drift(line(100, 0, 25)).percent, 0)
  // 100 → 125 over 25 minutes: slope 1/min, mean 112.5, rise 25 = 22.2 % of the mean.
  const d = drift(line(100, 1, 25))
  assert.ok(Math.abs(d.perMinute - 1) < 1e-9)
  assert.ok(Math.abs(d.change - 25) < 1e-9)
  assert.ok(Math.abs(d.percent - (25 / 112.5) * 100) < 1e-9)
  assert.ok(drift(line(100, -0.5, 10)).percent < 0)
})

test('drift: the fitted line, not the last sample, decides', () => {
  // Flat at 100 with a garbage-collection dip in the last sample only.
  const pts = line(100, 0, 24).map((p, i) => (i === 24 ? {...p, v: 95} : p))
  assert.ok(Math.abs(drift(pts).percent) < 1.5)
  assert.equal(drift(pts).last, 95)
  // Noise around a flat line stays well within 1 %.
  const noisy = line(200, 0, 24).map((p, i) => ({...p, v: p.v + (i % 2 === 0 ? 2 : -2)}))
  assert.ok(Math.abs(drift(noisy).percent) < 1)
})

test('drift: fewer than two samples give no verdict', () => {
  assert.ok(Number.isNaN(drift([{t: 0, v: 1}]).percent))
  assert.equal(verdict(drift([]), 1, false), 'noisy')
})

test('drift: the 95 % band grows with the noise and is zero on an exact line', () => {
  assert.equal(drift(line(100, 1, 25)).band, 0)
  const quiet = line(200, 0, 24).map((p, i) => ({...p, v: p.v + (i % 2 === 0 ? 1 : -1)}))
  const loud = line(200, 0, 24).map((p, i) => ({...p, v: p.v + (i % 2 === 0 ? 40 : -40)}))
  assert.ok(drift(quiet).band > 0 && drift(loud).band > 10 * drift(quiet).band)
})

test('verdict: ok within 1 % of the mean, FAIL when the band lies beyond it, noisy between', () => {
  assert.equal(verdict(drift(line(100, 0.02, 25)), 1, false), 'ok') // 0.5 %
  assert.equal(verdict(drift(line(100, 0.1, 25)), 1, false), 'FAIL') // 2.4 %, exact
  // The same 2.4 % rise under a ±40 sawtooth: the samples cannot tell.
  const sawtooth = line(100, 0.1, 24).map((p, i) => ({...p, v: p.v + (i % 2 === 0 ? 40 : -40)}))
  assert.equal(verdict(drift(sawtooth), 1, false), 'noisy')
  // 21 → 22 descriptors is 4.7 %, but one descriptor.
  const fds = line(21, 0, 24).map((p) => (p.t >= 12 ? {...p, v: 22} : p))
  assert.equal(verdict(drift(fds), 1, true), 'ok')
  assert.equal(verdict(drift(fds), 1, false), 'FAIL')
  assert.equal(verdict(drift(line(21, 1, 24)), 1, true), 'FAIL')
})

test('niceStep: round ticks', () => {
  assert.equal(niceStep(30, 6), 5)
  assert.equal(niceStep(180, 4), 50)
  assert.equal(niceStep(0.9, 4), 0.5)
  assert.equal(niceStep(0.7, 4), 0.2)
  assert.equal(niceStep(0), 1)
})

test('plotSvg: one polyline per line with every finite point, labels escaped, warm-up shaded', () => {
  const svg = plotSvg(
    [
      {
        title: 'RSS',
        unit: 'MiB',
        lines: [
          {label: 'cadv <serve>', color: '#d62728', points: line(100, 1, 30)},
          {label: 'cadv watch', color: '#1f77b4', points: [{t: 0, v: Number.NaN}, ...line(50, 0, 30).slice(1)]},
        ],
      },
      {title: 'CPU', unit: '% of one core', lines: [{label: 'cadv stats', color: '#2ca02c', points: line(10, 0, 30)}]},
    ],
    {warmupMinutes: 5, caption: ['npm run soak', 'load 8 & more']},
  )
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*>/)
  assert.ok(svg.trimEnd().endsWith('</svg>'))
  const polylines = [...svg.matchAll(/<polyline [^>]*points="([^"]*)"/g)].map((m) => m[1]!.split(' ').length)
  assert.deepEqual(polylines, [31, 30, 31])
  assert.ok(!svg.includes('NaN'))
  assert.ok(svg.includes('cadv &lt;serve&gt;') && svg.includes('load 8 &amp; more'))
  // Warm-up: 5 of 30 minutes of the 550-pixel-wide plot, in each panel.
  assert.equal((svg.match(/<rect x="60" y="\d+" width="91\.7" height="200" fill="#eee"\/>/g) ?? []).length, 2)
  // The first panel's points climb: y falls as RSS rises.
  const first = svg
    .match(/<polyline [^>]*points="([^"]*)"/)![1]!
    .split(' ')
    .map((p) => Number(p.split(',')[1]))
  assert.ok(first[0]! > first.at(-1)!)
})
