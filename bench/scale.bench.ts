// `cadv serve` at 10,000 containers with its default flags (dynamic housekeeping: an idle
// container's interval doubles up to 60 s), as a user pays for it: process CPU from /proc over two
// minutes scraped every 15 s as Prometheus would, RSS, scrape latency, and the time from start to
// the first exposition that holds every container. Baseline in the same run: the same command
// before the cgroups exist (what the process costs with nothing to watch or read). serve sees only
// the benchmark's cgroups (a mount namespace of its own, lib/scoped-root.ts), not the shared
// machine's thousands of others. Needs root and unshare (util-linux).
//
// CADV_BENCH_BEFORE=<another checkout>/bin/run.js runs that build's serve beside this one on the
// same cgroups over the same windows: before and after in one run, at one load.
// CADV_BENCH_CPU_PROF=<dir>: this build's serve runs under --cpu-prof, the profile (main thread,
// the whole run) written there when it stops; bench/lib/scale-profile.ts profiles the steady
// state alone, by function.
// Each serve runs as a program, through its bin's `#!` line, as a user's shell runs it (the
// node flags and glibc tunables the bin's start adds, as in the process benchmark);
// CADV_BENCH_NODE=1 (or CADV_BENCH_CPU_PROF) starts them as `node <bin> serve` instead.
//
//   npm run bench -- scale        (CADV_BENCH_CONTAINERS=10000)
import {mkdtempSync, rmSync} from 'node:fs'
import {get} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gunzipSync} from 'node:zlib'

import {selectHierarchies, unifiedHierarchy} from '../src/lib/cgroups/index.js'
import {controllersForKinds, selectKinds} from '../src/lib/stats/index.js'
import {TestCgroups, realCgroupSkipReason} from '../test/helpers/cgroups.js'
import {AS_PROGRAM} from '../test/helpers/cli.js'
import {ServeProcess} from '../test/helpers/serve.js'
import {cleanupOnInterrupt, once} from './lib/interrupt.js'
import {cpuNsOf, fdCountOf, inotifyWatchesOf, loadAverage, rssMiBOf} from './lib/proc.js'
import {scopedRoot} from './lib/scoped-root.js'

const N = Number(process.env.CADV_BENCH_CONTAINERS ?? 10_000)
const BEFORE = process.env.CADV_BENCH_BEFORE
const CPU_PROF = process.env.CADV_BENCH_CPU_PROF
const AS_NODE = process.env.CADV_BENCH_NODE === '1' || CPU_PROF !== undefined
const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'
/**
 * From the first complete exposition: long enough for idle containers to reach the 60 s ceiling
 * of dynamic housekeeping (1 + 2 + … + 32 + 60 s, each wait up to twice that with the default
 * jitter: 123 s on average × 1.5).
 */
const WARM_MS = 240_000
const WINDOW_MS = 120_000
const SCRAPE_EVERY_MS = 15_000

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
const fmt = (n: number, d = 1): string => n.toFixed(d)

interface Scrape {
  ms: number
  bytes: number
  text: string
}

function scrape(url: string): Promise<Scrape> {
  const start = performance.now()
  return new Promise((resolve, reject) => {
    // A connection per scrape: a kept-alive one may be closed by the server's 5 s keep-alive
    // timeout while this process, slowed by the load, is still decoding the last 20 MiB body
    // (ECONNRESET on reuse); Prometheus retries that, a benchmark would only stop.
    get(url, {agent: false, headers: {Accept: PROMETHEUS_ACCEPT, 'Accept-Encoding': 'gzip'}}, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const ms = performance.now() - start
        const raw = Buffer.concat(chunks)
        const body = res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw
        resolve({ms, bytes: body.length, text: body.toString()})
      })
    }).on('error', reject)
  })
}

function count(text: string, prefix: string): number {
  let n = 0
  for (let at = text.indexOf(prefix); at >= 0; at = text.indexOf(prefix, at + prefix.length)) n++
  return n
}

/** A self-metric's value in an exposition (NaN when absent). */
function selfMetric(text: string, name: string): number {
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text)
  return m ? Number(m[1]) : Number.NaN
}

interface Figures {
  cpuPct: number
  rssMiB: number
  fds: number
  watches: number
  /** Housekeeping reads and shed reads per second in the window, and directories polled for want of a watch. */
  readsPerS: number
  shedPerS: number
  polled: number
  /** The main thread's V8 heap (used, total) and memory outside it, MiB, from nodejs_* in the body. */
  heapUsedMiB: number
  heapTotalMiB: number
  externalMiB: number
}

/** Process CPU over the window, scraped every 15 s; RSS and descriptors at its end. */
async function window(serve: ServeProcess, ms: number): Promise<Figures> {
  const pid = serve.child.pid!
  const cpu0 = cpuNsOf(pid)
  const t0 = performance.now()
  let first = {text: '', at: 0}
  let last = first
  while (performance.now() - t0 < ms) {
    last = {text: (await scrape(`${serve.url}/metrics`)).text, at: performance.now()}
    if (first.at === 0) first = last
    await sleep(Math.min(SCRAPE_EVERY_MS, ms - (performance.now() - t0)))
  }
  const elapsed = performance.now() - t0
  const cpuPct = ((cpuNsOf(pid) - cpu0) / 1e6 / elapsed) * 100
  const span = (last.at - first.at) / 1000
  const per = (name: string): number => (selfMetric(last.text, name) - selfMetric(first.text, name)) / span
  return {
    cpuPct,
    rssMiB: rssMiBOf(pid),
    fds: fdCountOf(pid),
    watches: inotifyWatchesOf(pid),
    readsPerS: per('cadv_housekeeping_reads_total'),
    shedPerS: per('cadv_housekeeping_shed_total'),
    polled: selfMetric(last.text, 'cadv_watch_polled_directories'),
    heapUsedMiB: selfMetric(last.text, 'nodejs_heap_size_used_bytes') / 1048576,
    heapTotalMiB: selfMetric(last.text, 'nodejs_heap_size_total_bytes') / 1048576,
    externalMiB: selfMetric(last.text, 'nodejs_external_memory_bytes') / 1048576,
  }
}

const running = new Set<ServeProcess>()

interface Run {
  label: string
  serve: ServeProcess
  startupMs: number
  busy?: Figures
  times: number[]
  bytes: number
}

/** Waits until an exposition holds every container; the time since `started`. */
async function firstComplete(serve: ServeProcess, started: number): Promise<number> {
  // Named from the scoped root: /c0 … (and / for the parent itself).
  const marker = 'container_memory_usage_bytes{id="/c'
  for (;;) {
    const s = await scrape(`${serve.url}/metrics`)
    if (count(s.text, marker) >= N) return performance.now() - started
    if (performance.now() - started > 300_000) throw new Error(`only ${count(s.text, marker)} of ${N} containers after 5 minutes`)
    await sleep(1000)
  }
}

async function main(): Promise<void> {
  const skip = realCgroupSkipReason()
  if (skip) {
    console.log(`scale.bench: skipped: ${skip}`)
    return
  }
  const tc = new TestCgroups('cadvb-scale')
  const tmp = mkdtempSync(join(tmpdir(), 'cadv-scale-'))
  const cleanup = once(async () => {
    for (const s of running) if (s.child.exitCode === null) s.child.kill('SIGKILL')
    await tc.cleanup()
    rmSync(tmp, {recursive: true, force: true})
  })
  cleanupOnInterrupt('scale bench', tc.root, cleanup)
  // Containers only where the default kinds read: their controllers' hierarchies, the unified
  // tree for pressure, cpuset (the spec's CPUs) and pids (pids.current says whether a cgroup
  // holds a task, which the collector's quiet parts and the network decision go by). A runtime
  // makes every container in all of them; one missing from a hierarchy is looked for again at
  // each spec refresh. Fewer directories to make. The parent is in every hierarchy, for the
  // scoped root's bind mounts.
  const layout = tc.layout
  const alsoRead = ['cpuset', 'pids'].map((c) => layout.hierarchies.find((h) => h.controllers.includes(c)))
  const hierarchies = [
    ...new Set([
      ...selectHierarchies(layout, controllersForKinds(selectKinds())),
      ...[unifiedHierarchy(layout), ...alsoRead].filter((h) => h !== undefined),
    ]),
  ]
  let views = 0
  const start = (script?: string, nodeArgs: readonly string[] | typeof AS_PROGRAM = AS_NODE ? [] : AS_PROGRAM): ServeProcess => {
    const scoped = scopedRoot(tc, join(tmp, `root-${views++}`))
    const s = new ServeProcess(['--cgroup-root', scoped.cgroupRoot], {}, nodeArgs, scoped.launcher, script)
    running.add(s)
    return s
  }
  try {
    tc.mkdir('')
    // Baseline: the same command while the root holds nothing yet.
    const idle = await start().ready(60_000)
    await sleep(10_000)
    const base = await window(idle, 60_000)
    await idle.stop()
    running.delete(idle)

    const t0 = performance.now()
    for (let i = 0; i < N; i++) tc.mkdir(`c${i}`, hierarchies)
    console.log(`${N} cgroups in ${hierarchies.map((h) => h.id).join(' ')}: ${fmt((performance.now() - t0) / 1000)} s`)

    // The build before a change (when given) and this one, started together.
    const started = performance.now()
    const runs: Run[] = []
    if (BEFORE) runs.push({label: `before (${BEFORE})`, serve: start(BEFORE), startupMs: 0, times: [], bytes: 0})
    const prof = CPU_PROF === undefined ? undefined : ['--cpu-prof', '--cpu-prof-dir', CPU_PROF]
    runs.push({label: 'this build', serve: start(undefined, prof), startupMs: 0, times: [], bytes: 0})
    await Promise.all(runs.map((r) => r.serve.ready(120_000)))
    await Promise.all(runs.map(async (r) => (r.startupMs = await firstComplete(r.serve, started))))
    await sleep(WARM_MS)
    await Promise.all(runs.map(async (r) => (r.busy = await window(r.serve, WINDOW_MS))))
    for (let i = 0; i < 30; i++) {
      for (const r of runs) {
        const s = await scrape(`${r.serve.url}/metrics`)
        r.times.push(s.ms)
        r.bytes = s.bytes
      }
      await sleep(2000)
    }
    for (const r of runs) {
      r.times.sort((a, b) => a - b)
      await r.serve.stop()
      running.delete(r.serve)
    }

    console.log(`\n${N} containers, cadv serve with default flags (dynamic housekeeping, 1 s to 60 s), scraped every 15 s`)
    console.log(`| figure | ${runs.map((r) => r.label).join(' | ')} | baseline: this build, no containers | goal |`)
    console.log(`|---|${runs.map(() => '---|').join('')}---|---|`)
    const row = (figure: string, cell: (r: Run, b: Figures) => string, baseline: string, goal: string): void =>
      console.log(`| ${figure} | ${runs.map((r) => cell(r, r.busy!)).join(' | ')} | ${baseline} | ${goal} |`)
    row(
      'CPU, % of one core (2 minutes, 4 minutes after the first complete exposition)',
      (_, b) => `${fmt(b.cpuPct)} %`,
      `${fmt(base.cpuPct)} %`,
      '< 10 %',
    )
    row('RSS', (_, b) => `${fmt(b.rssMiB)} MiB`, `${fmt(base.rssMiB)} MiB`, '< 300 MiB')
    const heap = (b: Figures): string => `${fmt(b.heapUsedMiB)} / ${fmt(b.heapTotalMiB)}; ${fmt(b.externalMiB)} MiB`
    row('of it, the V8 heap used / its size; external memory (main thread, at the last scrape)', (_, b) => heap(b), heap(base), '')
    row(
      'scrape p50 / slowest of 30 (Prometheus Accept, gzip, 2 s apart)',
      (r) => `${fmt(r.times[15]!)} / ${fmt(r.times[29]!)} ms`,
      '',
      '< 100 / < 500 ms',
    )
    row('start to the first exposition with every container', (r) => `${fmt(r.startupMs / 1000)} s`, '', '< 60 s')
    row('body (OpenMetrics, uncompressed)', (r) => `${fmt(r.bytes / 1024 / 1024)} MiB`, '', '')
    row('descriptors / inotify watches', (_, b) => `${b.fds} / ${b.watches}`, `${base.fds} / ${base.watches}`, '')
    row(
      'housekeeping reads / shed per second; directories polled for want of an inotify watch',
      (_, b) => `${fmt(b.readsPerS)} / ${fmt(b.shedPerS)}; ${b.polled}`,
      `${fmt(base.readsPerS)} / ${fmt(base.shedPerS)}; ${base.polled}`,
      '',
    )
    console.log(
      AS_NODE ? 'serves started as `node <bin> serve` (no program start)' : 'serves started as programs (each bin through its #! line)',
    )
    console.log(`load average ${loadAverage()}`)
  } finally {
    await cleanup()
  }
}

await main()
