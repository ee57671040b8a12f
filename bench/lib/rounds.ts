/*
 * Telling two builds apart from rounds of scrape runs (serve.bench.ts). At load 8 one build's
 * p99 moves 110 to 188 ms from one run to the next, as far as any change moved it, so a p99 of
 * each build alone says nothing about which is better. Two things help:
 * - Pairing: each round runs every build once, one right after the other, so what the rest of
 *   the machine did in that minute falls on both. The ratio of the builds' p99 within a round
 *   carries less of the machine's drift than either p99.
 * - A spread: the rounds are resampled (a bootstrap over whole rounds, so a round's scrapes stay
 *   together, as their latencies are not independent) and each resample's pooled p99 and ratio
 *   computed; the 5th and 95th percentiles of those give an interval. A claim ("b is faster than
 *   a") holds when the ratio's interval lies wholly on one side of 1; else the runs did not tell
 *   the builds apart.
 * Deterministic (a seeded generator): the same runs print the same intervals.
 */

/** The p-th percentile of sorted values (nearest rank, as the benchmark's p99s). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

/** The p99 over every scrape of the runs given, pooled. */
export function pooledP99(runs: readonly (readonly number[])[]): number {
  return percentile(
    runs.flat().sort((a, b) => a - b),
    99,
  )
}

/** Each run's latencies, sorted (a typed array: its sort is numeric and native). */
type Tail = Float64Array

function tails(runs: readonly (readonly number[])[]): Tail[] {
  return runs.map((r) => Float64Array.from(r).sort())
}

/**
 * pooledP99 of the runs picked (a run may be picked more than once), without sorting every
 * scrape of every resample (50,000 scrapes, 2,000 resamples: minutes): the p99 of N scrapes is
 * the k-th slowest, k = N - floor(0.99 N), and no run gives more than its k slowest to those.
 */
function pooledTailP99(runs: readonly Tail[], pick: readonly number[]): number {
  const total = pick.reduce((sum, i) => sum + runs[i]!.length, 0)
  if (total === 0) return Number.NaN
  const k = total - Math.floor(0.99 * total)
  const slowest = new Float64Array(pick.reduce((sum, i) => sum + Math.min(k, runs[i]!.length), 0))
  let at = 0
  for (const i of pick) {
    const r = runs[i]!
    slowest.set(r.subarray(Math.max(0, r.length - k)), at)
    at += Math.min(k, r.length)
  }
  slowest.sort()
  return slowest[slowest.length - k]!
}

/** mulberry32: a small seeded generator, so a printed interval is reproducible from the same runs. */
function generator(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface Interval {
  /** The figure over every round as run. */
  value: number
  /** 5th and 95th percentiles over the resampled rounds. */
  low: number
  high: number
}

export interface Comparison {
  a: Interval
  b: Interval
  /** b's pooled p99 over a's, over the same rounds. */
  ratio: Interval
  /** Each round's own p99 of b over a's. */
  roundRatios: number[]
  /** Rounds in which b's p99 was lower than a's. */
  bLower: number
  /** Whether the ratio's interval lies wholly below or above 1. */
  verdict: 'b lower' | 'b higher' | 'not told apart'
}

/**
 * a[r] and b[r]: the sorted latencies of each build's run in round r (the same number of rounds).
 * `resamples` bootstrap draws of whole rounds.
 */
export function compareRounds(
  a: readonly (readonly number[])[],
  b: readonly (readonly number[])[],
  resamples = 1000,
  seed = 16,
): Comparison {
  if (a.length !== b.length || a.length === 0) throw new Error(`rounds differ: ${a.length} against ${b.length}`)
  const n = a.length
  const random = generator(seed)
  const as: number[] = []
  const bs: number[] = []
  const rs: number[] = []
  const ta = tails(a)
  const tb = tails(b)
  for (let i = 0; i < resamples; i++) {
    const pick = Array.from({length: n}, () => Math.floor(random() * n))
    const pa = pooledTailP99(ta, pick)
    const pb = pooledTailP99(tb, pick)
    as.push(pa)
    bs.push(pb)
    rs.push(pb / pa)
  }
  const interval = (value: number, draws: number[]): Interval => {
    draws.sort((x, y) => x - y)
    return {value, low: percentile(draws, 5), high: percentile(draws, 95)}
  }
  const va = pooledP99(a)
  const vb = pooledP99(b)
  const ratio = interval(vb / va, rs)
  const roundRatios = a.map((run, r) => percentile(b[r]!, 99) / percentile(run, 99))
  return {
    a: interval(va, as),
    b: interval(vb, bs),
    ratio,
    roundRatios,
    bLower: roundRatios.filter((x) => x < 1).length,
    verdict: ratio.high < 1 ? 'b lower' : ratio.low > 1 ? 'b higher' : 'not told apart',
  }
}

/** `188 ms (150–230)`: a figure with its interval. */
export function formatInterval(i: Interval, unit = 'ms', digits = 0): string {
  const f = (v: number) => v.toFixed(digits)
  return `${f(i.value)}${unit ? ` ${unit}` : ''} (${f(i.low)}–${f(i.high)})`
}
