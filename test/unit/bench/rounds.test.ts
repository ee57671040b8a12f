// The serve bench's comparison of two builds over rounds (bench/lib/rounds.ts): checked on made-up
// rounds whose answer is known, so an interval that always straddles 1 (no claim ever holds) or
// never does (every difference a claim) cannot pass unseen.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {compareCpu, compareRounds, formatInterval, percentile, pooledP99, scrapeCpu, type CpuRound} from '../../../bench/lib/rounds.js'

/** A run's sorted latencies: 1,000 scrapes, most near `typical`, the slowest 2 % at `tail`. */
const run = (typical: number, tail: number): number[] =>
  Array.from({length: 1000}, (_, i) => (i >= 980 ? tail + (i - 980) : typical + (i % 10) / 10)).sort((a, b) => a - b)

test('percentile and pooled p99: nearest rank over every scrape of the runs', () => {
  assert.equal(percentile([1, 2, 3, 4], 50), 3)
  assert.ok(Number.isNaN(percentile([], 99)))
  // 2 runs of 1,000: the pooled p99 is the 1,981st of 2,000, past both tails' first 20 (100-119): the slower run's.
  assert.equal(pooledP99([run(10, 100), run(10, 200)]), 200)
  assert.equal(pooledP99([run(10, 100)]), 110)
})

test('compareRounds: a build faster in every round, by more than the rounds move, is told apart', () => {
  // The machine drifts from round to round (tails 100 to 300 ms) and moves both builds alike.
  const tails = [100, 300, 150, 250, 120, 200]
  const a = tails.map((t) => run(20, t))
  const b = tails.map((t) => run(20, t * 0.7))
  const c = compareRounds(a, b)
  assert.equal(c.bLower, 6)
  assert.equal(c.verdict, 'b lower')
  assert.ok(c.ratio.high < 1 && c.ratio.low > 0.6, formatInterval(c.ratio, '', 2))
  assert.ok(c.a.low <= c.a.value && c.a.value <= c.a.high)
  // And the other way round.
  assert.equal(compareRounds(b, a).verdict, 'b higher')
})

test('compareRounds: the same build against itself, lower in some rounds and higher in others, is not told apart', () => {
  const a = [100, 300, 150, 250, 120, 200].map((t) => run(20, t))
  const b = [260, 110, 240, 140, 210, 130].map((t) => run(20, t))
  const c = compareRounds(a, b)
  assert.equal(c.verdict, 'not told apart')
  assert.ok(c.ratio.low < 1 && c.ratio.high > 1, formatInterval(c.ratio, '', 2))
  assert.equal(c.roundRatios.length, 6)
})

test('compareRounds: the interval bounds are pooled p99s of whole rounds (the fast path agrees with pooling every scrape)', () => {
  // Runs of different lengths, so that one run gives more than its own 1 % to a pooled p99.
  const a = [run(20, 100), run(20, 300).slice(0, 400), run(20, 150)]
  const b = [run(20, 90), run(20, 250), run(20, 160).slice(300)]
  const c = compareRounds(a, b, 500)
  // Every bound is the p99 of some multiset of the runs: check it is one of those pooled values.
  const pools = (runs: number[][]): Set<number> => {
    const out = new Set<number>()
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) out.add(pooledP99([runs[i]!, runs[j]!, runs[k]!]))
    return out
  }
  const pa = pools(a)
  const pb = pools(b)
  assert.equal(c.a.value, pooledP99(a))
  assert.ok(pa.has(c.a.low) && pa.has(c.a.high), `${c.a.low} ${c.a.high}`)
  assert.ok(pb.has(c.b.low) && pb.has(c.b.high), `${c.b.low} ${c.b.high}`)
})

test('compareRounds: the same runs give the same interval (seeded), and rounds must pair', () => {
  const a = [100, 300, 150].map((t) => run(20, t))
  const b = [90, 250, 160].map((t) => run(20, t))
  assert.deepEqual(compareRounds(a, b), compareRounds(a, b))
  assert.throws(() => compareRounds(a, b.slice(1)), /rounds differ/)
})

/** A round of a server: `perScrapeMs` per scrape over 1,000 scrapes in 10 s, idle at `idlePct` over 20 s. */
const cpuRound = (perScrapeMs: number, idlePct: number, runIdlePct = idlePct): CpuRound => ({
  // Housekeeping goes on during the run too (at runIdlePct), on top of the scrapes' own CPU.
  cpuMs: perScrapeMs * 1000 + runIdlePct * 10 * 10,
  scrapes: 1000,
  seconds: 10,
  idleCpuMs: idlePct * 10 * 20,
  idleSeconds: 20,
})

test('scrapeCpu: CPU per scrape with housekeeping, the idle rate, and what is above it, pooled over the rounds', () => {
  // 0.2 ms a scrape, housekeeping 8 % of a core (800 ms in 10 s): 200 + 800 ms over 1,000 scrapes = 1 ms; 0.2 above idle.
  const c = scrapeCpu([cpuRound(0.2, 8), cpuRound(0.2, 8), cpuRound(0.2, 8)])
  assert.ok(Math.abs(c.perScrape.value - 1) < 1e-9, String(c.perScrape.value))
  assert.ok(Math.abs(c.idlePct.value - 8) < 1e-9, String(c.idlePct.value))
  assert.ok(Math.abs(c.aboveIdle.value - 0.2) < 1e-9, String(c.aboveIdle.value))
  assert.equal(c.perScrape.low, c.perScrape.high)
  // Pooled as sums, not a mean of ratios: a round of 3,000 scrapes weighs three times one of 1,000.
  const big = {...cpuRound(0.1, 0), cpuMs: 300, scrapes: 3000}
  const p = scrapeCpu([cpuRound(0.5, 0), big])
  assert.ok(Math.abs(p.perScrape.value - 800 / 4000) < 1e-9, String(p.perScrape.value))
  assert.deepEqual(p.roundPerScrape, [0.5, 0.1])
  assert.ok(p.perScrape.low < p.perScrape.value && p.perScrape.value < p.perScrape.high, formatInterval(p.perScrape, 'ms', 3))
})

test('scrapeCpu: idle measured in every round beside the runs, so housekeeping that drifts across rounds (a serve settling) does not land on the scrapes', () => {
  // Housekeeping 20 % in the first round (still settling), 6 % after; the scrapes cost 0.2 ms throughout.
  const c = scrapeCpu([cpuRound(0.2, 20), cpuRound(0.2, 6), cpuRound(0.2, 6)])
  assert.ok(Math.abs(c.aboveIdle.value - 0.2) < 1e-9, String(c.aboveIdle.value))
  assert.ok(Math.abs(c.idlePct.value - 32 / 3) < 1e-9, String(c.idlePct.value))
  assert.ok(c.idlePct.low < c.idlePct.value && c.idlePct.high > c.idlePct.value)
})

test('compareCpu: a build cheaper per scrape in every round is told apart; the same costs are not', () => {
  const load = [1, 1.6, 0.8, 1.3, 1.1, 0.9]
  const a = load.map((l) => cpuRound(0.3 * l, 8 * l))
  const cheaper = load.map((l) => cpuRound(0.2 * l, 8 * l))
  const c = compareCpu(a, cheaper)
  assert.equal(c.verdict, 'b lower')
  assert.ok(c.ratio.high < 1 && c.ratio.low > 0.6, formatInterval(c.ratio, '', 2))
  assert.equal(compareCpu(cheaper, a).verdict, 'b higher')
  const same = [1.3, 0.9, 1.1, 0.8, 1.6, 1].map((l) => cpuRound(0.3 * l, 8 * l))
  const s = compareCpu(a, same)
  assert.equal(s.verdict, 'not told apart', formatInterval(s.ratio, '', 2))
  assert.throws(() => compareCpu(a, a.slice(1)))
})
