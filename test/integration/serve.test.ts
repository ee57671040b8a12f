// `cadv serve` on real cgroups: a busy loop shows up with the right CPU figures in both formats,
// the output passes promtool, gzip and the JSON API work, --once prints the same families.
// Needs root and a writable cgroupfs (CI has both).
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {gunzipSync} from 'node:zlib'

import {TestCgroups, realCgroupSkipReason} from '../helpers/cgroups.js'
import {runCli} from '../helpers/cli.js'
import {parseExposition, samples} from '../helpers/exposition.js'
import {KNOWN_CADVISOR_LINT, promtoolProblems, promtoolSkipReason} from '../helpers/promtool.js'
import {ServeProcess} from '../helpers/serve.js'
import {until} from '../helpers/wait.js'

const skip = realCgroupSkipReason()
let tc: TestCgroups
let serve: ServeProcess
/** A cgroup name with a quote, a backslash, braces and non-ASCII (the kernel refuses newlines). */
const WEIRD = 'q"uo\\te {ünï} 🐳'

async function scrape(
  headers: Record<string, string> = {},
): Promise<{status: number; type: string; text: string; raw: Buffer; encoding: string | null}> {
  const res = await fetch(`${serve.url}/metrics`, {headers})
  const raw = Buffer.from(await res.arrayBuffer())
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    text: raw.toString('utf8'),
    raw,
    encoding: res.headers.get('content-encoding'),
  }
}

function cpuSeconds(text: string, id: string): number {
  const fams = parseExposition(text, 'prometheus')
  return samples(fams, 'container_cpu_usage_seconds_total', {id}).reduce((sum, s) => sum + s.value, 0)
}

before(async () => {
  if (skip) return
  tc = new TestCgroups('cadvt-serve')
  tc.mkdir()
  tc.mkdir('busy')
  tc.mkdir('idle')
  tc.mkdir(WEIRD)
  tc.spawnIn('busy', 'sh', ['-c', 'while :; do :; done'])
  // Only our cgroups (and /): other suites' cgroups on a shared machine must not slow this one.
  serve = await new ServeProcess([
    '--housekeeping-interval',
    '200ms',
    '--max-housekeeping-interval',
    '400ms',
    '--raw-cgroup-prefix-whitelist',
    tc.root,
  ]).ready()
})

after(async () => {
  if (skip) return
  await serve?.stop()
  await tc.cleanup()
})

test('a busy test cgroup appears with CPU time that grows about one core per second', {skip}, async () => {
  const id = tc.name('busy')
  const first = await until('the busy cgroup in /metrics', async () => {
    const {text} = await scrape()
    return cpuSeconds(text, id) > 0 ? text : undefined
  })
  const c0 = cpuSeconds(first, id)
  // The rate comes from the samples' own timestamps: a scraped sample can be up to two
  // housekeeping intervals old, so the wall-clock time between scrapes would skew it.
  type History = {samples: Array<{timestampMs: number; cpu?: {usageNs: number}}>}
  const withCpu = await until('a second of CPU samples', async () => {
    const h = (await (await fetch(`${serve.url}/api/v1/containers${id}?count=50`)).json()) as History
    const s = h.samples.filter((x) => x.cpu !== undefined)
    return s.length >= 2 && s.at(-1)!.timestampMs - s[0]!.timestampMs >= 1000 ? s : undefined
  })
  const [a, b] = [withCpu[0]!, withCpu.at(-1)!]
  const rate = (b.cpu!.usageNs - a.cpu!.usageNs) / 1e9 / ((b.timestampMs - a.timestampMs) / 1000)
  // One shell loop is one core at most. The machine is shared: at load 20 on two cores a loop
  // gets a tenth of a core, so the lower bound only catches a unit error (µs read as ns is 1000x).
  assert.ok(rate > 0.02 && rate < 1.3, `busy loop used ${rate.toFixed(2)} cores`)
  const second = await until('CPU time growing in /metrics', async () => {
    const s = await scrape()
    return cpuSeconds(s.text, id) > c0 ? s : undefined
  })
  const fams = parseExposition(second.text, 'prometheus')
  assert.equal(samples(fams, 'container_cpu_usage_seconds_total', {id: tc.name('idle')}).length, 0, 'an idle cgroup has no CPU time')
  assert.ok(samples(fams, 'container_memory_usage_bytes', {id}).length === 1)
  assert.ok(samples(fams, 'container_last_seen', {id: tc.name('idle')}).length === 1)
  assert.equal(second.type, 'text/plain; version=0.0.4; charset=utf-8')
})

test('an odd cgroup name survives as an id label in both formats', {skip}, async () => {
  const id = tc.name(WEIRD)
  const text = await until('the odd cgroup', async () => {
    const {text} = await scrape()
    return text.includes('container_memory_usage_bytes{id="') &&
      samples(parseExposition(text, 'prometheus'), 'container_memory_usage_bytes', {id}).length === 1
      ? text
      : undefined
  })
  assert.ok(text.includes(`id="${tc.root}/q\\"uo\\\\te {ünï} 🐳"`))
  const om = await scrape({Accept: 'application/openmetrics-text; version=1.0.0'})
  assert.equal(samples(parseExposition(om.text, 'openmetrics'), 'container_memory_usage_bytes', {id}).length, 1)
})

test('promtool finds nothing but the cAdvisor names kept for compatibility', {skip: skip ?? promtoolSkipReason()}, async () => {
  const {text} = await scrape()
  assert.ok(text.includes('{ünï} 🐳'), 'the odd cgroup is in what promtool reads')
  assert.deepEqual(
    promtoolProblems(text).filter((p) => !KNOWN_CADVISOR_LINT.has(p)),
    [],
  )
})

test('OpenMetrics by Accept header (as Prometheus asks), gzip when accepted', {skip}, async () => {
  const om = await scrape({
    Accept:
      'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
  })
  assert.equal(om.type, 'application/openmetrics-text; version=1.0.0; charset=utf-8')
  const fams = parseExposition(om.text, 'openmetrics')
  assert.equal(fams.get('container_cpu_usage_seconds')?.type, 'counter')
  assert.ok(samples(fams, 'container_cpu_usage_seconds_total', {id: tc.name('busy')}).length > 0)
  const gz = await fetch(`${serve.url}/metrics`, {headers: {'Accept-Encoding': 'gzip'}})
  // fetch decodes gzip itself; the header says it was sent compressed.
  assert.equal(gz.headers.get('content-encoding'), 'gzip')
  parseExposition(await gz.text(), 'prometheus')
  const res = await import('node:http').then(
    (http) =>
      new Promise<Buffer>((resolve, reject) => {
        http
          .get(`${serve.url}/metrics`, {headers: {'Accept-Encoding': 'gzip'}}, (r) => {
            const chunks: Buffer[] = []
            r.on('data', (c: Buffer) => chunks.push(c))
            r.on('end', () => resolve(Buffer.concat(chunks)))
          })
          .on('error', reject)
      }),
  )
  parseExposition(gunzipSync(res).toString('utf8'), 'prometheus')
})

test('landing page, /healthz, JSON API with recent samples, 404s', {skip}, async () => {
  const landing = await fetch(`${serve.url}/`)
  assert.match(await landing.text(), /href="\/metrics"/)
  assert.equal(await (await fetch(`${serve.url}/healthz`)).text(), 'ok\n')
  const list = (await (await fetch(`${serve.url}/api/v1/containers`)).json()) as Array<{name: string; samples: unknown[]}>
  const busy = list.find((c) => c.name === tc.name('busy'))
  assert.ok(busy, 'busy cgroup listed')
  assert.equal(busy.samples.length, 1)
  const one = (await (await fetch(`${serve.url}/api/v1/containers${tc.name('busy')}?count=3`)).json()) as {
    name: string
    samples: Array<{timestampMs: number; cpu?: {usageNs: number}}>
  }
  assert.equal(one.name, tc.name('busy'))
  assert.ok(one.samples.length >= 2 && one.samples.length <= 3, `got ${one.samples.length} samples`)
  assert.ok(one.samples[0]!.timestampMs < one.samples.at(-1)!.timestampMs)
  const root = (await (await fetch(`${serve.url}/api/v1/containers/`)).json()) as {name: string}
  assert.equal(root.name, '/')
  assert.equal((await fetch(`${serve.url}/api/v1/containers/no/such/thing`)).status, 404)
  assert.equal((await fetch(`${serve.url}/nope`)).status, 404)
  assert.equal((await fetch(`${serve.url}/metrics`, {method: 'POST'})).status, 405)
})

test('--once prints one exposition with the test cgroups after one housekeeping round', {skip}, async () => {
  const res = await runCli(['serve', '--once', '--disable-exporter-metrics', '--raw-cgroup-prefix-whitelist', tc.root])
  assert.equal(res.code, 0, res.stderr)
  const fams = parseExposition(res.stdout, 'prometheus')
  assert.ok(samples(fams, 'container_cpu_usage_seconds_total', {id: tc.name('busy')}).length > 0)
  assert.ok(samples(fams, 'container_last_seen', {id: tc.name('idle')}).length === 1)
  assert.equal(fams.has('process_cpu_seconds_total'), false)
})

test('cAdvisor-style --store-container-labels=false and --sample-timestamps are accepted', {skip}, async () => {
  const res = await runCli([
    'serve',
    '--once',
    '--store-container-labels=false',
    '--whitelisted-container-labels',
    'a.b,c',
    '--sample-timestamps',
    '--raw-cgroup-prefix-whitelist',
    tc.root,
  ])
  assert.equal(res.code, 0, res.stderr)
  const busy = samples(parseExposition(res.stdout, 'prometheus'), 'container_memory_usage_bytes', {id: tc.name('busy')})[0]
  assert.ok(busy?.timestamp !== undefined && Math.abs(busy.timestamp - Date.now()) < 60_000, 'sample timestamp in ms')
})

test('--enable-metrics and --disable-metrics choose the families (cAdvisor kind names)', {skip}, async () => {
  const only = await runCli([
    'serve',
    '--once',
    '--enable-metrics',
    'cpu',
    '--disable-exporter-metrics',
    '--raw-cgroup-prefix-whitelist',
    tc.root,
  ])
  assert.equal(only.code, 0, only.stderr)
  const a = parseExposition(only.stdout, 'prometheus')
  assert.ok(a.has('container_cpu_usage_seconds_total'))
  assert.equal(a.has('container_memory_usage_bytes'), false)
  assert.equal(a.has('container_processes'), false, 'process is off by default, as in cAdvisor')
  const less = await runCli([
    'serve',
    '--once',
    '--disable-metrics',
    'cpu,percpu',
    '--enable-metrics',
    '',
    '--raw-cgroup-prefix-whitelist',
    tc.root,
  ])
  assert.equal(less.code, 0, less.stderr)
  const b = parseExposition(less.stdout, 'prometheus')
  assert.equal(b.has('container_cpu_usage_seconds_total'), false)
  assert.ok(b.has('container_memory_usage_bytes'))
  assert.ok(b.has('process_cpu_seconds_total'), 'exporter metrics are on by default')
})

test('the watcher shows itself: directories watched by backend, none polled, rescans counted', {skip}, async () => {
  const fams = parseExposition((await scrape()).text, 'prometheus')
  const dirs = samples(fams, 'cadv_watch_directories', {backend: 'inotify'})
  assert.equal(dirs.length, 1)
  // At least our parent and its two children, in each watched hierarchy.
  assert.ok(dirs[0]!.value >= 3, `watching ${dirs[0]!.value} directories`)
  assert.equal(samples(fams, 'cadv_watch_polled_directories', {})[0]?.value, 0, 'nothing falls back to polling below the watch limit')
  assert.equal(fams.get('cadv_watch_rescans_total')?.type, 'counter')
})

test('bad flags: one line, exit 2', async () => {
  const bad = [
    ['--listen', 'nonsense'],
    ['--enable-metrics', 'cpu,bogus'],
    ['--web-config-file', '/nonexistent/web.yml'],
    ['--telemetry-path', 'metrics'],
  ]
  // --once must refuse the same input: a flag that is wrong is wrong in both modes.
  for (const args of [...bad, ...bad.map((a) => [...a, '--once'])]) {
    const res = await runCli(['serve', ...args])
    assert.equal(res.code, 2, `${args.join(' ')}: ${res.stderr}`)
    assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr)
    assert.doesNotMatch(res.stderr, /\n\s+at /)
  }
})
