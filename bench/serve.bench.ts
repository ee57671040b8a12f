// `cadv serve` at 1,000 containers: real test cgroups under a unique parent, housekeeping every
// second for every container (dynamic back-off off, so every container's sample changes every
// second: the worst case for the per-container cache), 50 concurrent scrapers (autocannon).
// Baseline in the same run: the same server with the exposition cache off (every scrape renders
// every container). Figures: scrape latency median / p99, sequential scrape time, response
// size, RSS and the server's CPU while idle (housekeeping alone).
import {spawn} from 'node:child_process'
import {get} from 'node:http'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import autocannon from 'autocannon'

import {TestCgroups, realCgroupSkipReason} from '../test/helpers/cgroups.js'
import {ServeProcess} from '../test/helpers/serve.js'
import {cleanupOnInterrupt, once} from './lib/interrupt.js'
import {cpuTicks, median, rssMiB} from './lib/proc.js'

const CONTAINERS = Number(process.env.CADV_BENCH_CONTAINERS ?? 1000)
const SCRAPERS = 50
const SECONDS = Number(process.env.CADV_BENCH_SECONDS ?? 10)
const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'

interface Load {
  p50: number
  p99: number
  rps: number
  failed: number
}

interface Figures {
  sequentialMs: number
  bytes: number
  gzipBytes: number
  prom: Load
  plain: Load
  cannon: Load
  rssMiB: number
  idleCpuPct: number
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

/**
 * `total` GETs, `SCRAPERS` at a time, with curl's parallel mode (a C client: autocannon, in JS,
 * tops out at about 60 MB/s of response bodies on this machine and would measure itself).
 * Latency per transfer from curl's own time_total.
 */
async function curlLoad(url: string, headers: Record<string, string>, total: number): Promise<Load> {
  const dir = mkdtempSync(join(tmpdir(), 'cadv-bench-'))
  try {
    const cfg = join(dir, 'urls')
    writeFileSync(cfg, Array.from({length: total}, () => `url = "${url}"\noutput = "/dev/null"\n`).join(''))
    const args = [
      '-s',
      '--no-progress-meter',
      '--parallel',
      '--parallel-max',
      String(SCRAPERS),
      '-K',
      cfg,
      '-w',
      '%{time_total} %{http_code}\n',
    ]
    for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}: ${v}`)
    const start = performance.now()
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn('curl', args, {stdio: ['ignore', 'pipe', 'ignore']})
      let text = ''
      child.stdout.on('data', (d: Buffer) => (text += d.toString()))
      child.on('error', reject)
      child.on('close', () => resolve(text))
    })
    const seconds = (performance.now() - start) / 1000
    const rows = out
      .trim()
      .split('\n')
      .map((l) => l.split(' '))
    const ok = rows
      .filter((r) => r[1] === '200')
      .map((r) => Number(r[0]) * 1000)
      .sort((a, b) => a - b)
    return {p50: percentile(ok, 50), p99: percentile(ok, 99), rps: ok.length / seconds, failed: rows.length - ok.length}
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

function rawGet(url: string, headers: Record<string, string>): Promise<{status: number; body: Buffer}> {
  return new Promise((resolve, reject) => {
    get(url, {headers}, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({status: res.statusCode ?? 0, body: Buffer.concat(chunks)}))
    }).on('error', reject)
  })
}

/** The cadv serve processes started, for an interrupted run to stop. */
const running = new Set<ServeProcess>()

async function measure(tc: TestCgroups, cache: boolean): Promise<Figures> {
  const serve = new ServeProcess([
    '--housekeeping-interval',
    '1s',
    '--no-allow-dynamic-housekeeping',
    '--max-requests',
    '0',
    // Only this benchmark's cgroups (and /), whatever else runs on the machine.
    '--raw-cgroup-prefix-whitelist',
    tc.root,
    ...(cache ? [] : ['--no-exposition-cache']),
  ])
  running.add(serve)
  await serve.ready(60_000)
  const url = `${serve.url}/metrics`
  const pid = serve.child.pid!
  try {
    // Wait until every test cgroup has been sampled.
    const marker = `container_last_seen{id="${tc.root}/`
    for (let tries = 0; ; tries++) {
      const text = (await rawGet(url, {})).body.toString()
      const seen = text.split('\n').filter((l) => l.startsWith(marker)).length
      const cpu = text.split('\n').filter((l) => l.startsWith(`container_memory_usage_bytes{id="${tc.root}/`)).length
      if (seen >= CONTAINERS && cpu >= CONTAINERS) break
      if (tries > 600) throw new Error(`only ${seen} containers (${cpu} sampled) after 60 s`)
      await new Promise((r) => setTimeout(r, 100))
    }
    // Housekeeping alone: the server's CPU over 5 s with nobody scraping.
    const hz = 100
    const t0 = cpuTicks(pid)
    await new Promise((r) => setTimeout(r, 5000))
    const idleCpuPct = ((cpuTicks(pid) - t0) / hz / 5) * 100

    const times: number[] = []
    let bytes = 0
    for (let i = 0; i < 20; i++) {
      const start = performance.now()
      bytes = (await rawGet(url, {})).body.length
      times.push(performance.now() - start)
      await new Promise((r) => setTimeout(r, 50))
    }
    const gzipBytes = (await rawGet(url, {'Accept-Encoding': 'gzip', Accept: PROMETHEUS_ACCEPT})).body.length
    const total = cache ? 50 * 60 : 50 * 3
    const prom = await curlLoad(url, {Accept: PROMETHEUS_ACCEPT, 'Accept-Encoding': 'gzip'}, total)
    const plain = await curlLoad(url, {}, total)
    const c = await autocannon({
      url,
      connections: SCRAPERS,
      duration: SECONDS,
      timeout: 30,
      headers: {Accept: PROMETHEUS_ACCEPT, 'Accept-Encoding': 'gzip'},
    })
    const cannon = {p50: c.latency.p50, p99: c.latency.p99, rps: c.requests.average, failed: c.non2xx + c.errors}
    return {sequentialMs: median(times), bytes, gzipBytes, prom, plain, cannon, rssMiB: rssMiB(pid), idleCpuPct}
  } finally {
    await serve.stop()
  }
}

async function main(): Promise<void> {
  const skip = realCgroupSkipReason()
  if (skip) {
    console.log(`serve.bench: skipped: ${skip}`)
    return
  }
  const tc = new TestCgroups('cadvb-serve')
  const cleanup = once(async () => {
    for (const s of running) if (s.child.exitCode === null) s.child.kill('SIGKILL')
    await tc.cleanup()
  })
  cleanupOnInterrupt('serve bench', tc.root, cleanup)
  try {
    const t0 = performance.now()
    tc.mkdir()
    for (let i = 0; i < CONTAINERS; i++) tc.mkdir(`c${String(i).padStart(4, '0')}`)
    console.log(
      `${CONTAINERS} test cgroups under ${tc.root} in ${tc.hierarchies.length} hierarchies: ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    )
    const cached = await measure(tc, true)
    const baseline = await measure(tc, false)
    // The last column says how many times better cadv does (lower is better except rates).
    const row = (name: string, f: (x: Figures) => number, unit: string, digits = 1, higherIsBetter = false) => {
      const a = f(cached)
      const b = f(baseline)
      const gain = higherIsBetter ? a / b : b / a
      console.log(`| ${name} | ${a.toFixed(digits)} ${unit} | ${b.toFixed(digits)} ${unit} | ${gain.toFixed(gain >= 10 ? 0 : 2)}× |`)
    }
    console.log(`\n${CONTAINERS} containers, housekeeping 1 s (no back-off), ${SCRAPERS} concurrent scrapers, ${SECONDS} s per run\n`)
    console.log('| figure | cadv serve | baseline: no exposition cache | cadv better by |')
    console.log('|---|---|---|---|')
    row('scrape latency, median (curl; Prometheus Accept, gzip)', (x) => x.prom.p50, 'ms')
    row('scrape latency, p99 (curl; Prometheus Accept, gzip)', (x) => x.prom.p99, 'ms')
    row('scrapes per second (curl; Prometheus Accept, gzip)', (x) => x.prom.rps, '/s', 0, true)
    row('scrape latency, median (curl; text 0.0.4, identity)', (x) => x.plain.p50, 'ms')
    row('scrape latency, p99 (curl; text 0.0.4, identity)', (x) => x.plain.p99, 'ms')
    row('scrapes per second (curl; text 0.0.4, identity)', (x) => x.plain.rps, '/s', 0, true)
    row('scrape latency, median (autocannon; Prometheus Accept, gzip)', (x) => x.cannon.p50, 'ms')
    row('scrape latency, p99 (autocannon; Prometheus Accept, gzip)', (x) => x.cannon.p99, 'ms')
    row('one scrape alone, median of 20 (text 0.0.4)', (x) => x.sequentialMs, 'ms')
    row('response size, text 0.0.4', (x) => x.bytes / 1024 / 1024, 'MiB', 2)
    row('response size, OpenMetrics gzip', (x) => x.gzipBytes / 1024, 'KiB')
    row('RSS after the runs', (x) => x.rssMiB, 'MiB')
    row('CPU with nobody scraping (housekeeping)', (x) => x.idleCpuPct, '% of a core')
    const failed = (f: Figures) => f.prom.failed + f.plain.failed + f.cannon.failed
    console.log(
      `\nfailed requests: cadv ${failed(cached)}, baseline ${failed(baseline)}; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} on ${(await import('node:os')).cpus().length} cores`,
    )
    console.log('targets: median < 50 ms, p99 < 150 ms; cAdvisor (#1644): about 5 s per scrape past 150 containers')
  } finally {
    await cleanup()
  }
}

await main()
