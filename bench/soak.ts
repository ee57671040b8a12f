// `npm run soak`: the long-run check. 1,000 real test cgroups under a unique parent, a churn of
// cgroups created and removed under it (10 a second, each living 5 s), and the three long-running
// commands against that parent only: `cadv watch --prefix`, `cadv stats --format ndjson --all
// --filter prefix=` and `cadv serve` with default flags (dynamic housekeeping and the event store
// as users run them) in a mount namespace where --cgroup-root shows it our parent as the whole
// host, since serve watches every cgroup it can see and this machine is shared. Every sample (each minute) reads
// each process's RSS, CPU, descriptors and inotify watches from /proc, and serve's series count
// from a scrape; RSS is the lowest of readings every 5 s since the last sample, the floor a
// collection leaves (a leak raises it; a collection due or not does not), and the highest of
// them is shown beside it (what garbage waiting for a collection adds). After the warm-up, each figure's drift (bench/lib/soak-figures.ts: the
// least-squares line's rise over the window, in percent of its mean) must stay within 1 %, and
// every churned cgroup must be added and deleted exactly once in watch's NDJSON and in serve's
// event stream, and appear in stats' rows. Prints a summary table, writes the RSS and CPU plot
// (docs/soak.svg), exits 1 when a check fails. Needs root.
//
//   CADV_SOAK_MINUTES (30)  CADV_SOAK_WARMUP_MINUTES (5)  CADV_SOAK_SAMPLE_SECONDS (60)
//   CADV_SOAK_CONTAINERS (1000)  CADV_SOAK_RATE (10 a second)  CADV_SOAK_LIFETIME_SECONDS (5)
//   CADV_SOAK_PLOT (docs/soak.svg)  CADV_SOAK_EVENT_LIMIT (2000 per type)
//   CADV_SOAK_NODE=1: serve started as `node bin/run.js serve`, without what bin/run.js adds when
//   run as a program (node's flags, glibc's malloc settings: what `cadv serve` gets from a shell)
import type {ChildProcess} from 'node:child_process'
import {get, type ClientRequest} from 'node:http'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {cpus, tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {TestCgroups, realCgroupSkipReason} from '../test/helpers/cgroups.js'
import {CADV, cliEnv, startCli} from '../test/helpers/cli.js'
import {killGroup, spawnGroup} from '../test/helpers/processes.js'
import {until} from '../test/helpers/wait.js'
import {getText} from './lib/http-text.js'
import {cleanupOnInterrupt, once} from './lib/interrupt.js'
import {cpuNsOf, fdCountOf, inotifyWatchesOf, loadAverage, rssMiBOf} from './lib/proc.js'
import {scopedRoot} from './lib/scoped-root.js'
import {drift, plotSvg, verdict, type Point, type Verdict} from './lib/soak-figures.js'

const env = (name: string, fallback: number): number => {
  const v = process.env[name]
  if (v === undefined || v === '') return fallback
  const n = Number(v)
  if (!Number.isFinite(n) || n < 0) {
    console.error(`soak: ${name}=${v} is not a non-negative number`)
    process.exit(2)
  }
  return n
}
const MINUTES = env('CADV_SOAK_MINUTES', 30)
const WARMUP = Math.min(env('CADV_SOAK_WARMUP_MINUTES', 5), MINUTES / 2)
const SAMPLE_MS = env('CADV_SOAK_SAMPLE_SECONDS', 60) * 1000
const CONTAINERS = env('CADV_SOAK_CONTAINERS', 1000)
const RATE = env('CADV_SOAK_RATE', 10)
const LIFETIME_MS = env('CADV_SOAK_LIFETIME_SECONDS', 5) * 1000
/** The churn keeps about RATE × lifetime cgroups alive, so the total stays at CONTAINERS. */
const STABLE = Math.max(1, CONTAINERS - Math.round((RATE * LIFETIME_MS) / 1000))
const ROOT_DIR = fileURLToPath(new URL('..', import.meta.url))
const PLOT = process.env.CADV_SOAK_PLOT || join(ROOT_DIR, 'docs', 'soak.svg')
const LIMIT_PCT = 1
/**
 * serve's event store, per type. cAdvisor's default (100,000 per type, 24 h) is bounded, but at
 * 600 deletions a minute it would still be filling after 2.8 hours (about 340 bytes an event):
 * growth by design that the drift would report. 2,000 fills in 3.3 minutes, before the warm-up
 * ends, so what the drift sees after it is anything else.
 */
const EVENT_LIMIT = env('CADV_SOAK_EVENT_LIMIT', 2000)
/** serve started as `node bin/run.js serve` rather than as a program (bin/run.js's own start). */
const AS_NODE = process.env.CADV_SOAK_NODE === '1'
/** RSS is read this often between samples; a sample's RSS is the lowest reading since the last. */
const RSS_POLL_MS = 5000

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Calls `onLine` with each complete line of a stream. */
function eachLine(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let rest = ''
  stream.on('data', (d: Buffer) => {
    const text = rest + d.toString()
    const lines = text.split('\n')
    rest = lines.pop()!
    for (const l of lines) if (l !== '') onLine(l)
  })
}

/** How often each name was reported, per kind of report. */
class Tally {
  readonly counts = new Map<string, number>()
  add(name: string): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1)
  }
  of(name: string): number {
    return this.counts.get(name) ?? 0
  }
}

interface Sample {
  minute: number
  load: string
  series: number
  /** Containers in serve's exposition (its container_last_seen series). */
  containers: number
  procs: Record<ProcName, ProcSample>
}
interface ProcSample {
  rssMiB: number
  /** The highest RSS reading since the last sample: what a collection still to come leaves on top. */
  rssHighMiB: number
  cpuNs: number
  /** % of one core since the previous sample. */
  cpuPct: number
  fds: number
  watches: number
}
const PROCS = ['watch', 'stats', 'serve'] as const
type ProcName = (typeof PROCS)[number]

/**
 * `cadv serve` in a mount namespace of its own, with --cgroup-root a directory of bind mounts of
 * our parent, one per hierarchy (named as discovery expects: `memory`, `cpu,cpuacct`,
 * `unified`): it sees our tree as the whole host, names relative to our parent (`/s1`), so
 * other people's cgroups on this shared machine change none of its figures, while it reads and
 * watches the real cgroupfs. unshare execs sh, which execs bin/run.js (sh again, through its `#!`
 * line), which execs node: the pid is serve's own.
 */
function startServe(tc: TestCgroups, view: string): {child: ChildProcess; stderr: () => string} {
  const {cgroupRoot, launcher} = scopedRoot(tc, view)
  const [unshare, ...args] = launcher
  const serveArgs = [
    'serve',
    '--listen',
    '127.0.0.1:0',
    '--cgroup-root',
    cgroupRoot,
    '--event-storage-event-limit',
    `default=${EVENT_LIMIT}`,
  ]
  // As a user's shell runs `cadv serve` (bin/run.js through its `#!` line: node's flags and
  // glibc's malloc settings for a daemon) unless CADV_SOAK_NODE=1 (`node bin/run.js serve`, as
  // runs up to F were made).
  const program = AS_NODE ? [process.execPath, CADV] : [CADV]
  const child = spawnGroup(unshare!, [...args, ...program, ...serveArgs], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: cliEnv(undefined),
  })
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  return {child, stderr: () => stderr}
}

/** Sample lines of an exposition (everything but comments and blank lines). */
function seriesCount(text: string): number {
  let n = 0
  for (const line of text.split('\n')) if (line !== '' && !line.startsWith('#')) n++
  return n
}

async function main(): Promise<void> {
  const skip = realCgroupSkipReason()
  if (skip) {
    console.log(`soak: skipped: ${skip}`)
    return
  }
  const tc = new TestCgroups('cadvs-soak')
  const root = tc.root
  const children: ChildProcess[] = []
  let serve: {child: ChildProcess; stderr: () => string} | undefined
  const view = mkdtempSync(join(tmpdir(), 'cadvs-soak-view-'))
  let stream: ClientRequest | undefined
  let churnTimer: NodeJS.Timeout | undefined
  let rssTimer: NodeJS.Timeout | undefined
  const cleanup = once(async () => {
    if (churnTimer) clearInterval(churnTimer)
    if (rssTimer) clearInterval(rssTimer)
    stream?.destroy()
    await Promise.all([...children, ...(serve ? [serve.child] : [])].map((c) => killGroup(c, 'SIGTERM', 15_000)))
    // The bind mounts lived in serve's namespace only: here these are empty directories.
    rmSync(view, {recursive: true, force: true})
    await tc.cleanup()
  })
  cleanupOnInterrupt('soak', root, cleanup)

  let failed = false
  /** Drifts whose 95 % band reaches past the limit without lying beyond it: not shown either way. */
  let noisy = 0
  try {
    const t0 = performance.now()
    tc.mkdir()
    const stable = Array.from({length: STABLE}, (_, i) => `s${i}`)
    for (const rel of stable) tc.mkdir(rel)
    console.log(
      `${STABLE} cgroups under ${root} in ${tc.hierarchies.length} hierarchies: ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    )

    // watch: every line counted by type and name.
    const watchAdds = new Tally()
    const watchDeletes = new Tally()
    const watchInitial = new Tally()
    let watchStderr = ''
    const watch = startCli(['watch', '--prefix', root])
    children.push(watch)
    watch.stderr!.on('data', (d: Buffer) => (watchStderr += d.toString()))
    eachLine(watch.stdout!, (line) => {
      const e = JSON.parse(line) as {type: string; name: string; initial: boolean}
      if (e.type === 'ContainerAdd') (e.initial ? watchInitial : watchAdds).add(e.name)
      else if (e.type === 'ContainerDelete') watchDeletes.add(e.name)
    })

    // stats: the names in its rows (a million lines over 30 minutes: no JSON.parse per line).
    const statsSeen = new Set<string>()
    let statsRows = 0
    let statsStderr = ''
    const stats = startCli(['stats', '--format', 'ndjson', '--all', '--filter', `prefix=${root}`])
    children.push(stats)
    stats.stderr!.on('data', (d: Buffer) => (statsStderr += d.toString()))
    const NAME = '"name":"'
    eachLine(stats.stdout!, (line) => {
      statsRows++
      const at = line.indexOf(NAME)
      if (at < 0) return
      statsSeen.add(line.slice(at + NAME.length, line.indexOf('"', at + NAME.length)))
    })

    const served = startServe(tc, view)
    serve = served
    const listening = await until(
      'cadv serve to listen',
      () => {
        if (served.child.exitCode !== null) throw new Error(`cadv serve exited ${served.child.exitCode}: ${served.stderr().slice(-300)}`)
        return /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(served.stderr()) ?? undefined
      },
      {timeoutMs: 180_000, everyMs: 200},
    )
    const serveUrl = listening[1]!
    /** serve's names are relative to our parent. */
    const fromServe = (name: string): string => (name === '/' ? root : `${root}${name}`)
    const metricsUrl = `${serveUrl}/metrics`
    const procs: Record<ProcName, ChildProcess> = {watch, stats, serve: serve.child}
    const alive = (): void => {
      for (const name of PROCS) {
        const c = procs[name]
        if (c.exitCode !== null || c.signalCode !== null)
          throw new Error(
            `cadv ${name} exited ${c.exitCode ?? c.signalCode}: ${(name === 'watch' ? watchStderr : name === 'stats' ? statsStderr : served.stderr()).slice(-300)}`,
          )
      }
    }

    // serve's creation and deletion events, as they are added to its store.
    const serveCreated = new Tally()
    const serveDeleted = new Tally()
    await new Promise<void>((resolve, reject) => {
      stream = get(`${serveUrl}/api/v1.3/events?subcontainers=true&creation_events=true&deletion_events=true&stream=true`, (res) => {
        if (res.statusCode !== 200) reject(new Error(`events stream: HTTP ${res.statusCode}`))
        eachLine(res, (line) => {
          const e = JSON.parse(line) as {container_name: string; event_type: string}
          if (e.event_type === 'containerCreation') serveCreated.add(fromServe(e.container_name))
          else if (e.event_type === 'containerDeletion') serveDeleted.add(fromServe(e.container_name))
        })
        resolve()
      }).on('error', reject)
    })

    const stableNames = stable.map((rel) => tc.name(rel))
    await until(
      'every command to see the cgroups',
      async () => {
        alive()
        if (stableNames.some((n) => watchInitial.of(n) === 0)) return false
        if (stableNames.some((n) => !statsSeen.has(n))) return false
        const text = await getText(metricsUrl)
        const marker = 'container_last_seen{id="/s'
        let seen = 0
        for (let at = text.indexOf(marker); at >= 0; at = text.indexOf(marker, at + 1)) seen++
        return seen >= STABLE
      },
      {timeoutMs: 300_000, everyMs: 1000, detail: () => `watch ${watchInitial.counts.size}, stats ${statsSeen.size} names`},
    )
    console.log(
      `all three see them after ${((performance.now() - t0) / 1000).toFixed(0)} s; churn ${RATE}/s, each living ${LIFETIME_MS / 1000} s, ${MINUTES} min, warm-up ${WARMUP} min; serve started ${AS_NODE ? 'as node bin/run.js' : 'as a program'}`,
    )

    // The churn: k<n> made and removed under our parent, on the wall clock.
    const made: string[] = []
    /** When each was made, minutes after the churn started. */
    const madeAt: number[] = []
    const live: {rel: string; at: number}[] = []
    let owed = 0
    let last = performance.now()
    const churnErrors: string[] = []
    const churn = (): void => {
      const now = performance.now()
      owed += ((now - last) / 1000) * RATE
      last = now
      for (; owed >= 1; owed--) {
        const rel = `k${made.length}`
        made.push(rel)
        madeAt.push((now - start) / 60_000)
        tc.mkdir(rel)
        live.push({rel, at: now})
      }
      while (live.length > 0 && now - live[0]!.at >= LIFETIME_MS) {
        const {rel} = live.shift()!
        try {
          tc.rmdir(rel)
        } catch (err) {
          if (churnErrors.length < 5) churnErrors.push(`${rel}: ${(err as Error).message}`)
          live.push({rel, at: now})
        }
      }
    }
    const start = performance.now()
    churnTimer = setInterval(churn, 50)

    // Samples: at the churn's start, then every SAMPLE_MS.
    const samples: Sample[] = []
    const prevCpu = new Map<ProcName, number>()
    let prevAt = start
    const rssLow = new Map<ProcName, number>()
    const rssHigh = new Map<ProcName, number>()
    const readRss = (): void => {
      // A process that has died is the next sample's to report (alive()), not this timer's.
      for (const name of PROCS) {
        try {
          const mib = rssMiBOf(procs[name].pid!)
          if (mib < (rssLow.get(name) ?? Infinity)) rssLow.set(name, mib)
          if (mib > (rssHigh.get(name) ?? 0)) rssHigh.set(name, mib)
        } catch {
          continue
        }
      }
    }
    rssTimer = setInterval(readRss, RSS_POLL_MS)
    const sample = async (): Promise<void> => {
      alive()
      const at = performance.now()
      const text = await getText(metricsUrl)
      const row = {} as Record<ProcName, ProcSample>
      for (const name of PROCS) {
        const pid = procs[name].pid!
        const cpuNs = cpuNsOf(pid)
        const before = prevCpu.get(name)
        const cpuPct = before === undefined ? Number.NaN : ((cpuNs - before) / 1e6 / (at - prevAt)) * 100
        prevCpu.set(name, cpuNs)
        const rssNow = rssMiBOf(pid)
        const rssMiB = Math.min(rssLow.get(name) ?? Infinity, rssNow)
        const rssHighMiB = Math.max(rssHigh.get(name) ?? 0, rssNow)
        row[name] = {rssMiB, rssHighMiB, cpuNs, cpuPct, fds: fdCountOf(pid), watches: inotifyWatchesOf(pid)}
      }
      rssLow.clear()
      rssHigh.clear()
      prevAt = at
      const s: Sample = {
        minute: (at - start) / 60_000,
        load: loadAverage(),
        series: seriesCount(text),
        containers: text.split('container_last_seen{').length - 1,
        procs: row,
      }
      samples.push(s)
      const p = (n: ProcName): string =>
        `${n} ${row[n].rssMiB.toFixed(1)} MiB ${Number.isNaN(row[n].cpuPct) ? '-' : row[n].cpuPct.toFixed(1)}% ${row[n].fds}fd ${row[n].watches}w`
      console.log(
        `${s.minute.toFixed(1)} min: ${PROCS.map(p).join(' | ')} | series ${s.series} (${s.containers} containers) | churned ${made.length} | load ${s.load}`,
      )
    }
    await sample()
    while (performance.now() - start < MINUTES * 60_000) {
      const next = start + samples.length * SAMPLE_MS
      await sleep(Math.max(0, next - performance.now()))
      await sample()
    }

    // Stop the churn, remove what it left, and give every command time to report the deletes.
    clearInterval(churnTimer)
    churnTimer = undefined
    clearInterval(rssTimer)
    // The last ones live their whole lifetime too: one made at the last instant and removed at
    // once could fall between two of stats' rows (run D: 2 of 17,999, made at 30.00 min).
    await sleep(LIFETIME_MS)
    for (const {rel} of live.splice(0)) tc.rmdir(rel)
    const churned = made.map((rel) => tc.name(rel))
    try {
      await until(
        'the last deletes',
        () => {
          alive()
          return churned.every((n) => watchDeletes.of(n) > 0 && serveDeleted.of(n) > 0)
        },
        {timeoutMs: 120_000, everyMs: 500},
      )
    } catch (err) {
      console.log(`soak: ${(err as Error).message}`)
    }
    // Late duplicates would come now, if at all.
    await sleep(3000)

    // Exactly once, per stream.
    const once = (t: Tally, names: readonly string[]): {lost: number; dup: number} => ({
      lost: names.filter((n) => t.of(n) === 0).length,
      dup: names.filter((n) => t.of(n) > 1).length,
    })
    const stableAfter = stableNames.filter((n) => watchInitial.of(n) !== 1 || watchAdds.of(n) > 0 || watchDeletes.of(n) > 0).length
    const events = [
      {what: 'watch ContainerAdd', ...once(watchAdds, churned)},
      {what: 'watch ContainerDelete', ...once(watchDeletes, churned)},
      {what: 'serve containerCreation (events stream)', ...once(serveCreated, churned)},
      {what: 'serve containerDeletion (events stream)', ...once(serveDeleted, churned)},
    ]
    const statsMissed = made.map((rel, i) => ({rel, at: madeAt[i]!})).filter((m) => !statsSeen.has(tc.name(m.rel)))
    const statsMissing = statsMissed.length

    // Figures.
    // A timer may fire a millisecond early: the sample due at the warm-up's end counts as after it.
    const post = samples.filter((s) => s.minute >= WARMUP - SAMPLE_MS / 60_000 / 2)
    const first = samples[0]!
    const warm = post[0] ?? first
    const end = samples.at(-1)!
    type Figure = {proc: string; figure: string; unit: string; digits: number; of: (s: Sample) => number; checked: boolean}
    const figures: Figure[] = []
    for (const name of PROCS) {
      figures.push({
        proc: name,
        figure: 'RSS (lowest since the last sample)',
        unit: 'MiB',
        digits: 1,
        of: (s) => s.procs[name].rssMiB,
        checked: true,
      })
      figures.push({
        proc: name,
        figure: 'RSS (highest since the last sample)',
        unit: 'MiB',
        digits: 1,
        of: (s) => s.procs[name].rssHighMiB,
        checked: false,
      })
      figures.push({proc: name, figure: 'CPU', unit: '% of a core', digits: 1, of: (s) => s.procs[name].cpuPct, checked: false})
      figures.push({proc: name, figure: 'descriptors', unit: '', digits: 0, of: (s) => s.procs[name].fds, checked: true})
      figures.push({proc: name, figure: 'inotify watches', unit: '', digits: 0, of: (s) => s.procs[name].watches, checked: true})
    }
    figures.push({proc: 'serve', figure: 'series (sample lines in /metrics)', unit: '', digits: 0, of: (s) => s.series, checked: true})
    figures.push({proc: 'serve', figure: 'containers in /metrics', unit: '', digits: 0, of: (s) => s.containers, checked: false})

    const f = (n: number, d: number): string => (Number.isFinite(n) ? n.toFixed(d) : '-')
    console.log(
      `\n${CONTAINERS} containers (${STABLE} steady, ~${Math.round((RATE * LIFETIME_MS) / 1000)} churning: ${RATE} created and ${RATE} removed a second, each living ${LIFETIME_MS / 1000} s), ${MINUTES} min, sampled every ${SAMPLE_MS / 1000} s; drift = least-squares slope over the samples from minute ${WARMUP} on × that span, in % of their mean, ± its 95 % band; limit ±${LIMIT_PCT} % (a count may also move between two neighbouring values)\n`,
    )
    console.log(
      `| process | figure | at 0 min | at ${f(warm.minute, 0)} min (warm) | at ${f(end.minute, 0)} min | drift after warm-up | check |`,
    )
    console.log('|---|---|---|---|---|---|---|')
    for (const fig of figures) {
      const pts: Point[] = post.map((s) => ({t: s.minute, v: fig.of(s)})).filter((p) => Number.isFinite(p.v))
      const d = drift(pts)
      const v: Verdict | '(shown)' = fig.checked ? verdict(d, LIMIT_PCT, fig.digits === 0) : '(shown)'
      if (v === 'FAIL') failed = true
      if (v === 'noisy') noisy++
      const unit = fig.unit ? ` ${fig.unit}` : ''
      console.log(
        `| ${fig.proc} | ${fig.figure} | ${f(fig.of(first), fig.digits)}${unit} | ${f(fig.of(warm), fig.digits)}${unit} | ${f(fig.of(end), fig.digits)}${unit} | ${f(d.percent, 2)} ± ${f(d.band, 2)} % (${f(d.perMinute, 3)}/min) | ${v} |`,
      )
    }

    console.log(
      `\n${churned.length} cgroups churned (${made.length / Math.max(1e-9, end.minute * 60) < RATE * 0.95 ? 'BELOW' : 'at'} ${RATE}/s)`,
    )
    console.log('| stream | lost | reported twice or more | check |')
    console.log('|---|---|---|---|')
    for (const e of events) {
      const ok = e.lost === 0 && e.dup === 0
      if (!ok) failed = true
      console.log(`| ${e.what} | ${e.lost} | ${e.dup} | ${ok ? 'ok' : 'FAIL'} |`)
    }
    if (stableAfter > 0) failed = true
    if (statsMissing > 0) failed = true
    console.log(
      `| stats rows (${statsRows} lines): churned cgroups never in a row | ${statsMissing} | | ${statsMissing === 0 ? 'ok' : 'FAIL'} |`,
    )
    console.log(
      `| watch: steady cgroups not listed exactly once, or reported again | ${stableAfter} | | ${stableAfter === 0 ? 'ok' : 'FAIL'} |`,
    )
    if (statsMissing > 0)
      console.log(
        `never in a stats row: ${statsMissed
          .slice(0, 12)
          .map((m) => `${m.rel} (made at ${m.at.toFixed(2)} min)`)
          .join(', ')}`,
      )
    if (churnErrors.length > 0) console.log(`churn errors: ${churnErrors.join('; ')}`)
    for (const [name, text] of [
      ['watch', watchStderr],
      ['stats', statsStderr],
      ['serve', served.stderr().replace(/^.*listening on.*\n/m, '')],
    ] as const)
      if (text.trim() !== '') console.log(`${name} stderr: ${text.trim().slice(-400)}`)

    const loads = samples.map((s) => Number(s.load.split(' ')[0]))
    const loadText = `load average (1 min) ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} on ${cpus().length} cores`
    console.log(`\n${loadText}; at the end ${end.load}`)

    // Every sample, for the record.
    console.log(`\n| min | load | RSS MiB watch / stats / serve | CPU % watch / stats / serve | fds | watches | series |`)
    console.log('|---|---|---|---|---|---|---|')
    for (const s of samples) {
      const each = (g: (p: ProcSample) => number, d: number): string => PROCS.map((n) => f(g(s.procs[n]), d)).join(' / ')
      console.log(
        `| ${s.minute.toFixed(1)} | ${s.load.split(' ')[0]} | ${each((p) => p.rssMiB, 1)} | ${each((p) => p.cpuPct, 1)} | ${each((p) => p.fds, 0)} | ${each((p) => p.watches, 0)} | ${s.series} |`,
      )
    }

    const colors: Record<ProcName, string> = {watch: '#1f77b4', stats: '#2ca02c', serve: '#d62728'}
    const lines = (g: (p: ProcSample) => number) =>
      PROCS.map((n) => ({label: `cadv ${n}`, color: colors[n], points: samples.map((s) => ({t: s.minute, v: g(s.procs[n])}))}))
    writeFileSync(
      PLOT,
      plotSvg(
        [
          {title: 'RSS', unit: 'MiB', lines: lines((p) => p.rssMiB)},
          {title: 'CPU', unit: '% of one core, per sample interval', lines: lines((p) => p.cpuPct)},
        ],
        {
          warmupMinutes: WARMUP,
          caption: [`npm run soak: ${CONTAINERS} cgroups, ${RATE} a second created and removed, ${MINUTES} min (grey: warm-up)`, loadText],
        },
      ),
    )
    console.log(`plot: ${PLOT}`)
    console.log(
      failed ? 'soak: FAILED' : noisy > 0 ? `soak: no check failed; ${noisy} drift(s) too noisy to tell` : 'soak: every check met',
    )
  } finally {
    await cleanup()
  }
  if (failed) process.exitCode = 1
}

await main()
