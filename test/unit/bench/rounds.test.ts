// The serve bench's comparison of two builds over rounds (bench/lib/rounds.ts): checked on made-up
// rounds whose answer is known, so an interval that always straddles 1 (no claim ever holds) or
// never does (every difference a claim) cannot pass unseen.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {compareRounds, formatInterval, percentile, pooledP99} from '../../../bench/lib/rounds.js'

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
