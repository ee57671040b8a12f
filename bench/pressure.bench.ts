// `cadv serve` on a starved machine: 1,000 containers read every second (no back-off) while two
// CPU hogs (stress-ng) keep both cores busy, and short-lived cgroups (1–2 s) come and go under
// the watched tree, each removed one hierarchy at a time as runc does. Figures: /healthz latency
// (a probe every 50 ms), whether `cadv serve` had each short-lived cgroup while it lived, and
// whether a `cadv watch` beside it reported each one with exactly one add and one delete.
// Baseline in the same run: the same server reading each container as its timer fires
// (--no-housekeeping-yield), which is how housekeeping ran before it yielded to requests.
// Targets: /healthz p99 < 100 ms; no cgroup that lived 1 s or more unreported.
import {spawnSync, type ChildProcess} from 'node:child_process'
import {get} from 'node:http'
import {mkdirSync, readFileSync, rmdirSync} from 'node:fs'
import {cpus} from 'node:os'
import {setTimeout as sleep} from 'node:timers/promises'

import {TestCgroups, realCgroupSkipReason} from '../test/helpers/cgroups.js'
import {CADV} from '../test/helpers/cli.js'
import {killGroup, spawnGroup} from '../test/helpers/processes.js'
import {ServeProcess} from '../test/helpers/serve.js'
import {cleanupOnInterrupt, once} from './lib/interrupt.js'
import {percentile} from './lib/rounds.js'

const CONTAINERS = Number(process.env.CADV_BENCH_CONTAINERS ?? 1000)
const SECONDS = Number(process.env.CADV_BENCH_SECONDS ?? 30)
/** Short-lived cgroups started per second, each living 1–2 s. */
const CHURN_PER_S = 10
const HOGS = 2

interface Figures {
  healthz: {n: number; p50: number; p99: number; max: number; failed: number}
  churn: {made: number; seenByServe: number; missedByServe: string[]; watchInexact: string[]}
  selfMetrics: Record<string, number>
  load: string
}

function httpGet(url: string, timeoutMs = 10_000): Promise<{status: number; body: string}> {
  return new Promise((resolve) => {
    const req = get(url, (res) => {
      let body = ''
      res.on('data', (d: Buffer) => (body += d.toString()))
      res.on('end', () => resolve({status: res.statusCode ?? 0, body}))
    })
    req.setTimeout(timeoutMs, () => req.destroy())
    req.on('error', () => resolve({status: 0, body: ''}))
  })
}

/** Two processes that keep a core busy each: stress-ng when installed, else Node busy loops. */
function startHogs(): ChildProcess[] {
  const hasStress = spawnSync('stress-ng', ['--version'], {stdio: 'ignore'}).status === 0
  return Array.from({length: HOGS}, () =>
    hasStress
      ? spawnGroup('stress-ng', ['--cpu', '1', '--quiet'], {stdio: 'ignore'})
      : spawnGroup(process.execPath, ['-e', 'for(;;){}'], {stdio: 'ignore'}),
  )
}

/** `cadv watch` on the churn parent; its events by name. */
function startWatch(prefix: string): {child: ChildProcess; tally: Map<string, {adds: number; deletes: number}>} {
  const child = spawnGroup(process.execPath, [CADV, 'watch', '--prefix', prefix, '--watch-only'], {stdio: ['ignore', 'pipe', 'inherit']})
  const tally = new Map<string, {adds: number; deletes: number}>()
  let buf = ''
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString()
    let i
    while ((i = buf.indexOf('\n')) >= 0) {
      const e = JSON.parse(buf.slice(0, i)) as {type: string; name: string}
      buf = buf.slice(i + 1)
      const t = tally.get(e.name) ?? {adds: 0, deletes: 0}
      if (e.type === 'ContainerAdd') t.adds++
      else if (e.type === 'ContainerDelete') t.deletes++
      tally.set(e.name, t)
    }
  })
  return {child, tally}
}

const running = new Set<ServeProcess>()

async function measure(tc: TestCgroups, yieldToRequests: boolean, round: number): Promise<Figures> {
  const serve = new ServeProcess([
    '--housekeeping-interval',
    '1s',
    '--no-allow-dynamic-housekeeping',
    // Only this benchmark's cgroups (and /), whatever else runs on the machine.
    '--raw-cgroup-prefix-whitelist',
    tc.root,
    ...(yieldToRequests ? [] : ['--no-housekeeping-yield']),
  ])
  running.add(serve)
  await serve.ready(120_000)
  const churnParent = `churn${round}`
  tc.mkdir(churnParent)
  const watch = startWatch(tc.name(churnParent))
  try {
    // Every container sampled before the clock starts.
    for (let tries = 0; ; tries++) {
      const text = (await httpGet(`${serve.url}/metrics`, 60_000)).body
      const n = text.split('\n').filter((l) => l.startsWith(`container_memory_usage_bytes{id="${tc.root}/c`)).length
      if (n >= CONTAINERS) break
      if (tries > 600) throw new Error(`only ${n} of ${CONTAINERS} containers sampled after 60 s`)
      await sleep(100)
    }
    const hogs = startHogs()
    const loads: string[] = []
    try {
      await sleep(2000)
      const end = performance.now() + SECONDS * 1000
      // /healthz every 50 ms, each answered or failed (10 s timeout).
      const latencies: number[] = []
      let failed = 0
      const probe = (async () => {
        while (performance.now() < end) {
          const t = performance.now()
          const r = await httpGet(`${serve.url}/healthz`)
          if (r.status === 200) latencies.push(performance.now() - t)
          else failed++
          await sleep(50)
        }
      })()
      // Short-lived cgroups: made in every hierarchy in turn, asked about while they live,
      // removed from the hierarchies one at a time.
      const made: string[] = []
      const missedByServe: string[] = []
      let seenByServe = 0
      const lives: Promise<void>[] = []
      let i = 0
      while (performance.now() < end - 2000) {
        const rel = `${churnParent}/s${i++}`
        const name = tc.name(rel)
        made.push(name)
        lives.push(
          (async () => {
            for (const h of tc.hierarchies) mkdirSync(tc.dir(h, rel))
            const born = performance.now()
            const lifeMs = 1000 + Math.random() * 1000
            // Seen by serve at some point in its first second?
            let seen = false
            for (const at of [500, 900]) {
              await sleep(Math.max(0, born + at - performance.now()))
              const r = await httpGet(`${serve.url}/api/v1/containers${name}?count=0`)
              if (r.status === 200) {
                seen = true
                break
              }
            }
            if (seen) seenByServe++
            else missedByServe.push(name)
            await sleep(Math.max(0, born + lifeMs - performance.now()))
            for (const h of [...tc.hierarchies].sort(() => Math.random() - 0.5)) {
              rmdirSync(tc.dir(h, rel))
              await sleep(Math.random() * 20)
            }
          })(),
        )
        if (i % 5 === 0) loads.push(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]!)
        await sleep(1000 / CHURN_PER_S)
      }
      await Promise.all(lives)
      await probe
      // The watcher has had time to report every delete.
      await sleep(3000)
      const watchInexact = made
        .filter((n) => {
          const t = watch.tally.get(n)
          return t?.adds !== 1 || t.deletes !== 1
        })
        .map((n) => `${n.slice(tc.root.length)}: ${JSON.stringify(watch.tally.get(n) ?? {adds: 0, deletes: 0})}`)
      const sorted = latencies.sort((a, b) => a - b)
      const self: Record<string, number> = {}
      for (const line of (await httpGet(`${serve.url}/metrics`, 60_000)).body.split('\n')) {
        const m = /^(cadv_housekeeping_\w+) (\S+)$/.exec(line)
        if (m) self[m[1]!] = Number(m[2])
      }
      return {
        healthz: {n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN, failed},
        churn: {made: made.length, seenByServe, missedByServe, watchInexact},
        selfMetrics: self,
        load: `${Math.min(...loads.map(Number))}–${Math.max(...loads.map(Number))}`,
      }
    } finally {
      for (const h of hogs) await killGroup(h)
    }
  } finally {
    await killGroup(watch.child)
    await serve.stop()
    running.delete(serve)
    tc.rmtree(churnParent)
  }
}

async function main(): Promise<void> {
  const skip = realCgroupSkipReason()
  if (skip) {
    console.log(`pressure.bench: skipped: ${skip}`)
    return
  }
  const tc = new TestCgroups('cadvb-press')
  const cleanup = once(async () => {
    for (const s of running) if (s.child.exitCode === null) s.child.kill('SIGKILL')
    await tc.cleanup()
  })
  cleanupOnInterrupt('pressure bench', tc.root, cleanup)
  try {
    tc.mkdir()
    for (let i = 0; i < CONTAINERS; i++) tc.mkdir(`c${String(i).padStart(4, '0')}`)
    const ours = await measure(tc, true, 1)
    const base = await measure(tc, false, 2)
    console.log(
      `\n${CONTAINERS} containers read every second, ${HOGS} CPU hogs on ${cpus().length} cores, ${SECONDS} s, ${CHURN_PER_S} cgroups/s living 1–2 s\n`,
    )
    console.log('| figure | cadv serve | baseline: reads run as timers fire |')
    console.log('|---|---|---|')
    const row = (name: string, f: (x: Figures) => string) => console.log(`| ${name} | ${f(ours)} | ${f(base)} |`)
    row(
      '/healthz latency p50 / p99 / max',
      (x) => `${x.healthz.p50.toFixed(1)} / ${x.healthz.p99.toFixed(1)} / ${x.healthz.max.toFixed(0)} ms`,
    )
    row('/healthz probes answered (failed)', (x) => `${x.healthz.n} (${x.healthz.failed})`)
    row('short-lived cgroups made', (x) => String(x.churn.made))
    row('… held by serve within their first second', (x) => `${x.churn.seenByServe} (missed ${x.churn.missedByServe.length})`)
    row('… not exactly one add and one delete in cadv watch', (x) => String(x.churn.watchInexact.length))
    row('housekeeping reads / shed / yields', (x) =>
      ['reads', 'shed', 'yields'].map((k) => x.selfMetrics[`cadv_housekeeping_${k}_total`] ?? '–').join(' / '),
    )
    row('load average (1 min) during the run', (x) => x.load)
    for (const [label, x] of [
      ['cadv', ours],
      ['baseline', base],
    ] as const) {
      if (x.churn.missedByServe.length > 0) console.log(`${label}: serve missed ${x.churn.missedByServe.slice(0, 5).join(', ')}`)
      if (x.churn.watchInexact.length > 0) console.log(`${label}: watch inexact ${x.churn.watchInexact.slice(0, 5).join(', ')}`)
    }
    const met = ours.healthz.p99 < 100 && ours.churn.missedByServe.length === 0 && ours.churn.watchInexact.length === 0
    console.log(`\ntargets (/healthz p99 < 100 ms, no cgroup living ≥ 1 s unreported): ${met ? 'met' : 'MISSED'}`)
  } finally {
    await cleanup()
  }
}

await main()
