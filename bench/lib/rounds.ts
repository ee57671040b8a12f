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

/**
 * A server's CPU in one round: over its own scrape run (all threads, housekeeping included) and
 * over the other servers' runs of the same round, when nobody scrapes it (housekeeping alone).
 * The idle time is measured in every round, beside the runs, so it costs no time of its own and
 * sees the same machine; one 5 s window before the rounds came out 5.6 to 23.6 % of a core for
 * serves with the same housekeeping, and subtracting it decided the comparison.
 */
export interface CpuRound {
  /** CPU over the scrape run, ms. */
  cpuMs: number
  /** Scrapes answered in the run. */
  scrapes: number
  /** The run's length, s. */
  seconds: number
  /** CPU while nobody scraped it (the other servers' runs), ms, and how long that was, s. */
  idleCpuMs: number
  idleSeconds: number
}

export interface ScrapeCpu {
  /** CPU per scrape, housekeeping included (Σ cpu / Σ scrapes), ms: nothing subtracted. */
  perScrape: Interval
  /** CPU with nobody scraping, % of a core (Σ idle cpu / Σ idle time). */
  idlePct: Interval
  /** CPU per scrape above that idle rate: (Σ cpu − idle rate × Σ run time) / Σ scrapes, ms. */
  aboveIdle: Interval
  /** Each round's CPU per scrape, ms. */
  roundPerScrape: number[]
}

function sums(rounds: readonly CpuRound[], pick: readonly number[]): {perScrape: number; idlePct: number; aboveIdle: number} {
  let cpu = 0
  let scrapes = 0
  let seconds = 0
  let idle = 0
  let idleSeconds = 0
  for (const i of pick) {
    const r = rounds[i]!
    cpu += r.cpuMs
    scrapes += r.scrapes
    seconds += r.seconds
    idle += r.idleCpuMs
    idleSeconds += r.idleSeconds
  }
  const idleMsPerS = idleSeconds > 0 ? idle / idleSeconds : Number.NaN
  return {perScrape: cpu / scrapes, idlePct: idleMsPerS / 10, aboveIdle: (cpu - idleMsPerS * seconds) / scrapes}
}

const draw = (value: number, draws: number[]): Interval => {
  draws.sort((x, y) => x - y)
  return {value, low: percentile(draws, 5), high: percentile(draws, 95)}
}

/** A server's CPU figures over its rounds, each with the 5th–95th percentile of the rounds resampled whole. */
export function scrapeCpu(rounds: readonly CpuRound[], resamples = 1000, seed = 16): ScrapeCpu {
  if (rounds.length === 0) throw new Error('no rounds')
  const n = rounds.length
  const random = generator(seed)
  const draws = {perScrape: [] as number[], idlePct: [] as number[], aboveIdle: [] as number[]}
  for (let i = 0; i < resamples; i++) {
    const s = sums(
      rounds,
      Array.from({length: n}, () => Math.floor(random() * n)),
    )
    draws.perScrape.push(s.perScrape)
    draws.idlePct.push(s.idlePct)
    draws.aboveIdle.push(s.aboveIdle)
  }
  const all = sums(
    rounds,
    rounds.map((_, i) => i),
  )
  return {
    perScrape: draw(all.perScrape, draws.perScrape),
    idlePct: draw(all.idlePct, draws.idlePct),
    aboveIdle: draw(all.aboveIdle, draws.aboveIdle),
    roundPerScrape: rounds.map((r) => r.cpuMs / r.scrapes),
  }
}

/**
 * b's CPU per scrape (housekeeping included) over a's, the same rounds resampled for both (a
 * round's runs were side by side), with the verdict as compareRounds gives it.
 */
export function compareCpu(
  a: readonly CpuRound[],
  b: readonly CpuRound[],
  resamples = 1000,
  seed = 16,
): {ratio: Interval; verdict: Comparison['verdict']} {
  if (a.length !== b.length || a.length === 0) throw new Error(`rounds differ: ${a.length} against ${b.length}`)
  const n = a.length
  const random = generator(seed)
  const ratios: number[] = []
  for (let i = 0; i < resamples; i++) {
    const pick = Array.from({length: n}, () => Math.floor(random() * n))
    ratios.push(sums(b, pick).perScrape / sums(a, pick).perScrape)
  }
  const every = a.map((_, i) => i)
  const ratio = draw(sums(b, every).perScrape / sums(a, every).perScrape, ratios)
  return {ratio, verdict: ratio.high < 1 ? 'b lower' : ratio.low > 1 ? 'b higher' : 'not told apart'}
}
