// The whole `cadv serve` process at 1,000 containers, as a user pays for it (CPU of the process
// from /proc, RSS with the 2-minute store full), against a C program reading the same files
// once a second in the same run (bench/baseline/read-files.c, paced), and beside netdata's
// cgroups plugin on the same cgroups when Debian's netdata is installed (its whole process tree's
// CPU in the same window, its RSS, and how many of the cgroups it charts). Two cases: empty
// cgroups, and a process in 1 of 10 (in a network namespace of its own, so network, process
// and pressure readings all happen). cadv serve sees only the benchmark's cgroups (bind mounts in
// a mount namespace of its own, lib/scoped-root.ts), not the shared machine's thousands of
// others. Needs root, a writable cgroupfs and unshare (util-linux).
//
//   npm run bench -- process     (CADV_BENCH_CONTAINERS=1000 CADV_BENCH_SECONDS=60; CADV_BENCH_NETDATA=0 leaves netdata out)
//
// Knobs for measuring one change (a single run swings ±20 % on a shared machine; compare side by side):
//   CADV_BENCH_CASES=empty|process   only that case (default both; `process`: a process in 1 of 10)
//   CADV_BENCH_BEFORE=<checkout>/bin/run.js   that build's serve runs beside this one on the same
//                                    cgroups in the same window: a row of its own and after ÷ before
//   CADV_BENCH_RSS=0                 no wait for the 2-minute store (about 2 min a case less; RSS is then not the goal's)
//   CADV_BENCH_CPU_PROF=<dir>        this build's serve runs with --cpu-prof, the profile written there at its stop
//                                    (started as `node <bin>`, so without what the bin's program start adds)
//   CADV_BENCH_NODE=1                both serves started as `node <bin> serve` (before session 26, the only
//                                    way); by default each bin runs as a program, through its `#!` line, as
//                                    a user's shell runs `cadv serve`, which since session 26 adds node
//                                    flags and GLIBC_TUNABLES (bin/run.js)
//   CADV_BENCH_GLIBC_TUNABLES=<v>    this build's serve (not before's) runs with GLIBC_TUNABLES=<v>: with
//                                    BEFORE set to the same build, the image's environment
//                                    (glibc.malloc.mmap_threshold=131072) against a shell's
//   CADV_BENCH_RSS_PARTS=1           each serve's RSS by kind of mapping when it is read (node's binary,
//                                    malloc's arenas, the rest: lib/rss-parts.ts), and its thread count
//   CADV_BENCH_RSS_READS=<n>         each serve's RSS read n times, 2 s apart, once the store is full:
//                                    the median, with the lowest and highest (one read swings by several
//                                    MiB with V8's heaps between collections and the bodies built)
import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {ContainerCollector, controllerHierarchies, selectKinds} from '../src/lib/stats/index.js'
import {NETNS_DECISION_MS} from '../src/lib/stats/netns.js'
import {TestCgroups, realCgroupSkipReason} from '../test/helpers/cgroups.js'
import {AS_PROGRAM} from '../test/helpers/cli.js'
import {ServeProcess} from '../test/helpers/serve.js'
import {getText} from './lib/http-text.js'
import {cleanupOnInterrupt, once} from './lib/interrupt.js'
import {Netdata, netdataSkipReason, netdataVersion} from './lib/netdata.js'
import {cpuNsOf, fdCountOf, loadAverage, median, rssMiBOf, treeCpuNs, treeReadCalls, treeRssMiB} from './lib/proc.js'
import {RecordingFiles} from './lib/recording-files.js'
import {formatRssParts, rssPartsOf} from './lib/rss-parts.js'
import {scopedRoot} from './lib/scoped-root.js'

const N = Number(process.env.CADV_BENCH_CONTAINERS ?? 1000)
const SECONDS = Number(process.env.CADV_BENCH_SECONDS ?? 60)
const WITH_PROCESS_EVERY = 10
const CASES = process.env.CADV_BENCH_CASES ?? 'empty,process'
const BEFORE = process.env.CADV_BENCH_BEFORE
const WAIT_FOR_STORE = process.env.CADV_BENCH_RSS !== '0'
const CPU_PROF = process.env.CADV_BENCH_CPU_PROF
const GLIBC_TUNABLES = process.env.CADV_BENCH_GLIBC_TUNABLES
const RSS_PARTS = process.env.CADV_BENCH_RSS_PARTS === '1'
const RSS_READS = Math.max(1, Number(process.env.CADV_BENCH_RSS_READS ?? 1))
const AS_NODE = process.env.CADV_BENCH_NODE === '1'
/** The store holds 2 minutes; RSS is read once it is full. */
const STORE_MS = 120_000

/** cadv's own count of housekeeping reads, when it exposes one (else undefined). */
async function readsSoFar(url: string): Promise<number | undefined> {
  const m = /^cadv_housekeeping_reads_total (\S+)$/m.exec(await getText(`${url}/metrics`))
  return m ? Number(m[1]) : undefined
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
const fmt = (n: number, d = 1): string => n.toFixed(d)

/** One cadv serve over the window: CPU per container per tick and % of a core; RSS and descriptors after it. */
interface ServeFigures {
  perTickNs: number
  cpuPct: number
  rssMiB: number
  /** CADV_BENCH_RSS_READS > 1: the lowest and highest of the reads (rssMiB is their median). */
  rssRange?: [number, number]
  fds: number
  /** CADV_BENCH_RSS_PARTS: the RSS by kind of mapping, read with it. */
  parts?: string
}

interface Case {
  label: string
  filesPerContainer: number
  cPerTickNs: number
  cadv: ServeFigures
  netdata?: NetdataFigures
  /** CADV_BENCH_BEFORE's serve in the same window. */
  before?: ServeFigures
}

/**
 * A serve's figures from its CPU over the window and its housekeeping reads then (undefined when
 * it does not count them): without jitter every container is read once a tick, and cadv's
 * counter says exactly how many reads that was.
 */
function serveFigures(pid: number, cpuNs: number, reads: number | undefined, wallS: number, rss: number[]): ServeFigures {
  return {
    perTickNs: cpuNs / (reads ?? N * wallS),
    cpuPct: (cpuNs / 1e9 / wallS) * 100,
    rssMiB: median(rss),
    ...(rss.length > 1 ? {rssRange: [Math.min(...rss), Math.max(...rss)] as [number, number]} : {}),
    fds: fdCountOf(pid),
    ...(RSS_PARTS ? {parts: formatRssParts(rssPartsOf(pid))} : {}),
  }
}

const readsBetween = (r0: number | undefined, r1: number | undefined): number | undefined =>
  r0 !== undefined && r1 !== undefined ? r1 - r0 : undefined

/** netdata beside cadv in the same window; per tick is per cgroup it was given (N), charted or not. */
interface NetdataFigures {
  perTickNs: number
  cpuPct: number
  rssMiB: number
  /** Its read calls per cgroup per second: how much of each cgroup it reads (the C reader: 14 files). */
  readsPerTick: number
  /** Cgroups with a CPU chart before and after the window. */
  chartedBefore: number
  chartedAfter: number
  /** From netdata's start until it charted them (or gave up waiting). */
  startS: number
}

const running = new Set<ChildProcess>()
/** Why netdata was not measured beside cadv, when it was installed but found no cgroup. */
let netdataProblem: string | undefined

async function measureCase(tc: TestCgroups, bin: string, tmp: string, label: string): Promise<Case> {
  const layout = tc.layout
  const kinds = selectKinds()
  const names = Array.from({length: N}, (_, i) => tc.name(`c${i}`))
  // The files one tick of cadv reads for these containers (spec files, read every 30 s, aside),
  // all of them: also those serve leaves unread while a cgroup holds no task (quietParts).
  const files = new RecordingFiles(16384)
  const hierarchies = controllerHierarchies(layout)
  // Also the files of a decision serve keeps between ticks (which process stands for a network
  // namespace: cgroup.procs): a reader knowing nothing from the last tick reads them each time.
  // Recorded past that decision's bound, with no spec refresh to add the spec's files.
  const collectors = names.map(
    (name) => new ContainerCollector(name, {layout, kinds, files, hierarchies, quietParts: false, specRefreshMs: Number.POSITIVE_INFINITY}),
  )
  const now = Date.now()
  for (const c of collectors) c.collect(now)
  const paths = new Set<string>()
  files.onRead = (path) => paths.add(path)
  for (const c of collectors) c.collect(now + NETNS_DECISION_MS)
  files.onRead = undefined
  for (const c of collectors) c.close()
  files.closeAll()
  const list = join(tmp, `paths-${label.length}`)
  writeFileSync(list, [...paths].join('\n') + '\n')

  // Only the benchmark's own cgroups, as on a host holding just these containers (scoped-root.ts).
  const scoped = scopedRoot(tc, join(tmp, `cgroup-root-${label.length}`))
  const args = [
    '--housekeeping-interval',
    '1s',
    '--no-allow-dynamic-housekeeping',
    '--jitter-factor',
    '0',
    '--cgroup-root',
    scoped.cgroupRoot,
  ]
  const start = AS_NODE || CPU_PROF !== undefined ? [] : AS_PROGRAM
  const prof = CPU_PROF === undefined ? start : ['--cpu-prof', '--cpu-prof-dir', CPU_PROF]
  // glibc reads its tunables only at a process's start, so the environment is the one way in.
  const env = GLIBC_TUNABLES === undefined ? {} : {env: {...process.env, GLIBC_TUNABLES}}
  const serve = new ServeProcess(args, env, prof, scoped.launcher)
  running.add(serve.child)
  const before = BEFORE === undefined ? undefined : new ServeProcess(args, {}, start, scoped.launcher, BEFORE)
  if (before) running.add(before.child)
  await serve.ready(60_000)
  await before?.ready(60_000)
  const pid = serve.child.pid!
  const started = performance.now()
  try {
    // Named from the scoped root: /c0 … (and / for the parent itself).
    const marker = 'container_memory_usage_bytes{id="/c'
    for (let tries = 0; ; tries++) {
      const texts = await Promise.all([serve, ...(before ? [before] : [])].map((x) => getText(`${x.url}/metrics`)))
      if (texts.every((text) => text.split('\n').filter((l) => l.startsWith(marker)).length >= N)) break
      if (tries > 600) throw new Error('not every container sampled after 60 s')
      await sleep(100)
    }
    // netdata beside it, on the same cgroups (the benchmark's parent as its root), when installed.
    let netdata: Netdata | undefined
    let ndStart = {charted: 0, seconds: 0}
    if (netdataSkipReason() === undefined && process.env.CADV_BENCH_NETDATA !== '0') {
      netdata = new Netdata(join(tmp, `netdata-${label.length}`), tc, 19000 + (process.pid % 900), N)
      running.add(netdata.child)
      ndStart = await netdata.waitForCharts(N, 420_000)
      // Without a chart it is not reading them at all; cadv's figures still stand. Fewer than
      // all is measured and marked in the table.
      if (ndStart.charted === 0) {
        netdataProblem = `${netdataVersion()} charted 0 of ${N} cgroups in ${fmt(ndStart.seconds, 0)} s (${label}); its log ends:\n${netdata.logTail()}`
        await netdata.stop()
        running.delete(netdata.child)
        netdata = undefined
      }
    }
    await sleep(5000)
    // cadv, netdata and the C reader side by side over the same window.
    const reads0 = await readsSoFar(serve.url)
    const beforeReads0 = before ? await readsSoFar(before.url) : undefined
    const c = spawn(bin, [list, String(SECONDS), '1000'], {stdio: ['ignore', 'pipe', 'inherit']})
    running.add(c)
    let out = ''
    c.stdout.on('data', (d: Buffer) => (out += d.toString()))
    const cpu0 = cpuNsOf(pid)
    const beforeCpu0 = before ? cpuNsOf(before.child.pid!) : 0
    const nd0 = netdata ? treeCpuNs(netdata.child.pid!) : 0
    const ndReads0 = netdata ? treeReadCalls(netdata.child.pid!) : 0
    const t0 = performance.now()
    await new Promise((r) => c.on('exit', r))
    const cpu1 = cpuNsOf(pid)
    const beforeCpu1 = before ? cpuNsOf(before.child.pid!) : 0
    const nd1 = netdata ? treeCpuNs(netdata.child.pid!) : 0
    const ndReads1 = netdata ? treeReadCalls(netdata.child.pid!) : 0
    const wallS = (performance.now() - t0) / 1000
    const reads1 = await readsSoFar(serve.url)
    const beforeReads1 = before ? await readsSoFar(before.url) : undefined
    running.delete(c)
    const cRes = JSON.parse(out) as {cpuNs: number; failures: number; rounds: number}
    // RSS once the 2-minute store is full.
    const left = WAIT_FOR_STORE ? STORE_MS + 10_000 - (performance.now() - started) : 0
    if (left > 0) await sleep(left)
    const rssReads: number[] = []
    const beforeRssReads: number[] = []
    for (let i = 0; i < RSS_READS; i++) {
      if (i > 0) await sleep(2000)
      rssReads.push(rssMiBOf(pid))
      if (before) beforeRssReads.push(rssMiBOf(before.child.pid!))
    }
    let nd: NetdataFigures | undefined
    if (netdata) {
      // Counted after the window: the chart list is netdata's own work.
      const chartedAfter = await netdata.cgroupCharts().catch(() => 0)
      // Its RSS once its own 2-minute ring is full too (its charts may be younger than cadv's store).
      const ndLeft = (ndStart.seconds + 125) * 1000 - netdata.ageMs()
      if (ndLeft > 0) await sleep(ndLeft)
      nd = {
        perTickNs: (nd1 - nd0) / (N * wallS),
        cpuPct: ((nd1 - nd0) / 1e9 / wallS) * 100,
        rssMiB: treeRssMiB(netdata.child.pid!),
        readsPerTick: (ndReads1 - ndReads0) / (N * wallS),
        chartedBefore: ndStart.charted,
        chartedAfter,
        startS: ndStart.seconds,
      }
      await netdata.stop()
      running.delete(netdata.child)
    }
    const beforeFigures = before
      ? serveFigures(before.child.pid!, beforeCpu1 - beforeCpu0, readsBetween(beforeReads0, beforeReads1), wallS, beforeRssReads)
      : undefined
    return {
      ...(nd ? {netdata: nd} : {}),
      ...(beforeFigures ? {before: beforeFigures} : {}),
      label,
      filesPerContainer: paths.size / N,
      cPerTickNs: cRes.cpuNs / (cRes.rounds * N),
      cadv: serveFigures(pid, cpu1 - cpu0, readsBetween(reads0, reads1), wallS, rssReads),
    }
  } finally {
    await serve.stop()
    running.delete(serve.child)
    if (before) {
      await before.stop()
      running.delete(before.child)
    }
  }
}

async function main(): Promise<void> {
  const skip = realCgroupSkipReason()
  if (skip) {
    console.log(`process.bench: skipped: ${skip}`)
    return
  }
  const tmp = mkdtempSync(join(tmpdir(), 'cadv-bench-'))
  const tc = new TestCgroups('cadvb-proc')
  const cleanup = once(async () => {
    for (const c of running) if (c.exitCode === null) c.kill('SIGKILL')
    await tc.cleanup()
    rmSync(tmp, {recursive: true, force: true})
  })
  cleanupOnInterrupt('process bench', tc.root, cleanup)
  try {
    const bin = join(tmp, 'read-files')
    const cc = spawnSync('gcc', ['-O2', '-o', bin, fileURLToPath(new URL('baseline/read-files.c', import.meta.url))], {encoding: 'utf8'})
    if (cc.status !== 0) throw new Error(`gcc failed: ${cc.stderr}`)
    tc.mkdir()
    for (let i = 0; i < N; i++) tc.mkdir(`c${i}`)
    const cases: Case[] = []
    if (CASES.includes('empty')) cases.push(await measureCase(tc, bin, tmp, 'empty cgroups'))
    if (CASES.includes('process')) {
      for (let i = 0; i < N; i += WITH_PROCESS_EVERY) tc.spawnIn(`c${i}`, 'unshare', ['-n', 'sleep', '3600'])
      await sleep(500)
      cases.push(await measureCase(tc, bin, tmp, `a process in 1 of ${WITH_PROCESS_EVERY}`))
    }
    console.log(`\n${N} containers, housekeeping 1 s, no back-off, no jitter; ${SECONDS} s side by side with the C reader`)
    console.log(
      '| case | files per container per tick | C reader µs | cadv serve µs (whole process) | cadv ÷ C | cadv CPU | RSS (2 m store) | fds |',
    )
    console.log('|---|---|---|---|---|---|---|---|')
    const rss = (f: ServeFigures): string =>
      `${fmt(f.rssMiB)} MiB${f.rssRange ? ` (median of ${RSS_READS}: ${fmt(f.rssRange[0])}–${fmt(f.rssRange[1])})` : ''}${WAIT_FOR_STORE ? '' : ' (store not full)'}`
    const row = (x: Case, label: string, f: ServeFigures): void =>
      console.log(
        `| ${label} | ${fmt(x.filesPerContainer)} | ${fmt(x.cPerTickNs / 1000)} | ${fmt(f.perTickNs / 1000)} | ${fmt(f.perTickNs / x.cPerTickNs, 2)}× | ${fmt(f.cpuPct)} % | ${rss(f)} | ${f.fds} |`,
      )
    for (const x of cases) {
      row(x, x.label, x.cadv)
      if (x.before) row(x, `${x.label}, before`, x.before)
    }
    for (const x of cases) {
      if (x.cadv.parts) console.log(`${x.label}: RSS parts: ${x.cadv.parts}`)
      if (x.before?.parts) console.log(`${x.label}, before: RSS parts: ${x.before.parts}`)
    }
    for (const x of cases) {
      if (x.before)
        console.log(
          `${x.label}: after ÷ before ${fmt(x.cadv.perTickNs / x.before.perTickNs, 3)} (CPU per container per tick, same window; before = ${BEFORE})`,
        )
    }
    const nd = cases.filter((x) => x.netdata !== undefined)
    if (nd.length > 0) {
      console.log(`\nnetdata ${N} cgroups (cgroups plugin alone, 1 s, ram mode, 2 min) beside cadv in the same windows`)
      console.log(
        '| case | cgroups charted (before / after) | netdata µs per cgroup-second | netdata ÷ C | cadv ÷ netdata | netdata CPU | netdata RSS | cadv RSS | netdata reads per cgroup-second | netdata start to charted |',
      )
      console.log('|---|---|---|---|---|---|---|---|---|---|')
      for (const x of nd) {
        const n = x.netdata!
        // A row whose netdata charted fewer than all did less work than cadv: marked, not a ratio.
        const short = Math.min(n.chartedBefore, n.chartedAfter) < N
        const charted = `${n.chartedBefore} / ${n.chartedAfter} of ${N}${short ? ' **FEWER: ratios not comparable**' : ''}`
        console.log(
          `| ${x.label} | ${charted} | ${fmt(n.perTickNs / 1000)} | ${fmt(n.perTickNs / x.cPerTickNs, 2)}× | ${fmt(x.cadv.perTickNs / n.perTickNs, 2)}× | ${fmt(n.cpuPct)} % | ${fmt(n.rssMiB)} MiB | ${fmt(x.cadv.rssMiB)} MiB | ${fmt(n.readsPerTick)} | ${fmt(n.startS, 0)} s |`,
        )
      }
    } else {
      console.log(`netdata: not measured: ${netdataProblem ?? netdataSkipReason() ?? 'left out (CADV_BENCH_NETDATA=0)'}`)
    }
    if (GLIBC_TUNABLES !== undefined)
      console.log(`this build's serve ran with GLIBC_TUNABLES=${GLIBC_TUNABLES}${BEFORE ? '; before without' : ''}`)
    console.log(
      AS_NODE || CPU_PROF !== undefined
        ? 'serves started as `node <bin> serve` (no program start)'
        : 'serves started as programs (each bin through its #! line)',
    )
    console.log(`load average ${loadAverage()}; goals: cadv ÷ C ≤ 0.8, RSS < 100 MiB`)
  } finally {
    await cleanup()
  }
}

await main()
