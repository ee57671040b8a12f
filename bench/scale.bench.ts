// `cadv serve` at 10,000 containers with its default flags (dynamic housekeeping: an idle
// container's interval doubles up to 60 s), as a user pays for it: process CPU from /proc over two
// minutes scraped every 15 s as Prometheus would, RSS, scrape latency, and the time from start to
// the first exposition that holds every container. Baseline in the same run: the same command
// before the cgroups exist (what the process costs with nothing to watch or read). Needs root.
//
//   npm run bench -- scale        (CADV_BENCH_CONTAINERS=10000)
import {get} from 'node:http'
import {gunzipSync} from 'node:zlib'

import {selectHierarchies, unifiedHierarchy} from '../src/lib/cgroups/index.js'
import {controllersForKinds, selectKinds} from '../src/lib/stats/index.js'
import {TestCgroups, realCgroupSkipReason} from '../test/helpers/cgroups.js'
import {ServeProcess} from '../test/helpers/serve.js'
import {cleanupOnInterrupt, once} from './lib/interrupt.js'
import {cpuNsOf, fdCountOf, inotifyWatchesOf, loadAverage, rssMiBOf} from './lib/proc.js'

const N = Number(process.env.CADV_BENCH_CONTAINERS ?? 10_000)
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
    get(url, {headers: {Accept: PROMETHEUS_ACCEPT, 'Accept-Encoding': 'gzip'}}, (res) => {
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
  }
}

const running = new Set<ServeProcess>()

async function main(): Promise<void> {
  const skip = realCgroupSkipReason()
  if (skip) {
    console.log(`scale.bench: skipped: ${skip}`)
    return
  }
  const tc = new TestCgroups('cadvb-scale')
  const cleanup = once(async () => {
    for (const s of running) if (s.child.exitCode === null) s.child.kill('SIGKILL')
    await tc.cleanup()
  })
  cleanupOnInterrupt('scale bench', tc.root, cleanup)
  // Only where the default kinds read (and the unified tree for pressure): fewer directories to make.
  const layout = tc.layout
  const hierarchies = [
    ...new Set([
      ...selectHierarchies(layout, controllersForKinds(selectKinds())),
      ...[unifiedHierarchy(layout)].filter((h) => h !== undefined),
    ]),
  ]
  const args = ['--raw-cgroup-prefix-whitelist', tc.root]
  try {
    tc.mkdir('', hierarchies)
    // Baseline: the same command while its prefix holds nothing yet.
    const idle = new ServeProcess(args)
    running.add(idle)
    await idle.ready(60_000)
    await sleep(10_000)
    const base = await window(idle, 60_000)
    await idle.stop()
    running.delete(idle)

    const t0 = performance.now()
    for (let i = 0; i < N; i++) tc.mkdir(`c${i}`, hierarchies)
    console.log(`${N} cgroups in ${hierarchies.map((h) => h.id).join(' ')}: ${fmt((performance.now() - t0) / 1000)} s`)

    const started = performance.now()
    const serve = new ServeProcess(args)
    running.add(serve)
    await serve.ready(120_000)
    const marker = `container_memory_usage_bytes{id="${tc.root}/`
    let startupMs = Number.NaN
    for (;;) {
      const s = await scrape(`${serve.url}/metrics`)
      if (count(s.text, marker) >= N) {
        startupMs = performance.now() - started
        break
      }
      if (performance.now() - started > 300_000) throw new Error(`only ${count(s.text, marker)} of ${N} containers after 5 minutes`)
      await sleep(1000)
    }
    await sleep(WARM_MS)
    const busy = await window(serve, WINDOW_MS)
    const times: number[] = []
    let bytes = 0
    for (let i = 0; i < 30; i++) {
      const s = await scrape(`${serve.url}/metrics`)
      times.push(s.ms)
      bytes = s.bytes
      await sleep(2000)
    }
    times.sort((a, b) => a - b)
    await serve.stop()
    running.delete(serve)

    console.log(`\n${N} containers, cadv serve with default flags (dynamic housekeeping, 1 s to 60 s), scraped every 15 s`)
    console.log('| figure | cadv serve, 10,000 containers | baseline: the same, no containers | goal |')
    console.log('|---|---|---|---|')
    console.log(
      `| CPU, % of one core (2 minutes, 4 minutes after the first complete exposition) | ${fmt(busy.cpuPct)} % | ${fmt(base.cpuPct)} % | < 10 % |`,
    )
    console.log(`| RSS | ${fmt(busy.rssMiB)} MiB | ${fmt(base.rssMiB)} MiB | < 300 MiB |`)
    console.log(
      `| scrape p50 / slowest of 30 (Prometheus Accept, gzip, 2 s apart) | ${fmt(times[15]!)} / ${fmt(times[29]!)} ms | | < 100 / < 500 ms |`,
    )
    console.log(`| start to the first exposition with every container | ${fmt(startupMs / 1000)} s | | < 60 s |`)
    console.log(`| body (OpenMetrics, uncompressed) | ${fmt(bytes / 1024 / 1024)} MiB | | |`)
    console.log(`| descriptors / inotify watches | ${busy.fds} / ${busy.watches} | ${base.fds} / ${base.watches} | |`)
    console.log(
      `| housekeeping reads / shed per second; directories polled for want of an inotify watch | ${fmt(busy.readsPerS)} / ${fmt(busy.shedPerS)}; ${busy.polled} | ${fmt(base.readsPerS)} / ${fmt(base.shedPerS)}; ${base.polled} | |`,
    )
    console.log(`load average ${loadAverage()}`)
  } finally {
    await cleanup()
  }
}

await main()
