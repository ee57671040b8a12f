// Every storage driver against its real server at once (redis-server, influxd 1.x, Etsy's
// statsd, Prometheus 2.42 with its remote-write receiver, and stdout), fed by one `cadv serve`
// watching a test cgroup with a busy process: each backend ends up with the cgroup's own CPU
// and memory figures in cAdvisor's shape. A frozen redis-server (accepting connections, never
// answering) holds up only its own driver, and says so in cadv_storage_* (which
// --disable-exporter-metrics keeps).
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {TestCgroups, realCgroupSkipReason} from '../helpers/cgroups.js'
import {prometheusSkipReason, TestPrometheus} from '../helpers/prometheus.js'
import {ServeProcess} from '../helpers/serve.js'
import {influxdSkipReason, redisSkipReason, statsdSkipReason, TestInfluxd, TestRedis, TestStatsd} from '../helpers/storage-servers.js'
import {until} from '../helpers/wait.js'

const skip = realCgroupSkipReason() ?? redisSkipReason() ?? influxdSkipReason() ?? statsdSkipReason() ?? prometheusSkipReason()
let tc: TestCgroups
let serve: ServeProcess
let redis: TestRedis
let influx: TestInfluxd
let statsd: TestStatsd
let prom: TestPrometheus
let busy: import('node:child_process').ChildProcess
let stdout = ''

/** The cgroup's own CPU (ns) and memory (bytes), from the files cadv reads on this host. */
export function cgroupTruth(t: TestCgroups, rel: string): {cpuNs: number; memBytes: number} {
  const h = (c: string) => t.layout.hierarchies.find((x) => x.controllers.includes(c))
  const cpuacct = h('cpuacct')
  const mem = h('memory')
  const v2 = t.layout.hierarchies.find((x) => x.version === 2)
  const cpuNs = cpuacct
    ? Number(readFileSync(join(t.dir(cpuacct, rel), 'cpuacct.usage'), 'utf8'))
    : Number(/usage_usec (\d+)/.exec(readFileSync(join(t.dir(v2!, rel), 'cpu.stat'), 'utf8'))![1]) * 1000
  const memBytes = mem
    ? Number(readFileSync(join(t.dir(mem, rel), 'memory.usage_in_bytes'), 'utf8'))
    : Number(readFileSync(join(t.dir(v2!, rel), 'memory.current'), 'utf8'))
  return {cpuNs, memBytes}
}

before(async () => {
  if (skip) return
  tc = new TestCgroups('cadvt-stor')
  tc.mkdir()
  tc.mkdir('busy')
  busy = tc.spawnIn('busy', 'sh', ['-c', 'while :; do :; done'])
  redis = await TestRedis.create()
  influx = await TestInfluxd.create()
  statsd = await TestStatsd.create()
  prom = new TestPrometheus()
  await Promise.all([redis.start(), influx.start(), statsd.start(), prom.start([], {extraArgs: ['--web.enable-remote-write-receiver']})])
  await influx.query('CREATE DATABASE cadvisor')
  serve = await new ServeProcess([
    '--housekeeping-interval',
    '500ms',
    '--no-allow-dynamic-housekeeping',
    '--docker-only',
    '--raw-cgroup-prefix-whitelist',
    tc.root,
    '--storage-driver',
    'stdout,redis,influxdb,statsd,remote-write',
    '--storage-driver-host',
    `redis=127.0.0.1:${redis.port}`,
    '--storage-driver-host',
    `influxdb=${influx.address}`,
    '--storage-driver-host',
    `statsd=127.0.0.1:${statsd.port}`,
    '--storage-driver-host',
    `remote-write=http://127.0.0.1:${prom.port}/api/v1/write`,
    '--storage-driver-buffer-duration',
    '500ms',
    // Drops cadv's process metrics, not the drivers' delivery metrics (read below).
    '--disable-exporter-metrics',
  ]).ready()
  serve.child.stdout!.on('data', (d: Buffer) => (stdout = (stdout + d.toString()).slice(-2_000_000)))
})

after(async () => {
  if (skip) return
  await serve?.stop()
  await Promise.all([redis?.remove(), influx?.remove(), statsd?.remove(), prom?.stop()])
  await tc?.cleanup()
})

const name = (): string => tc.name('busy')

/** The parts of cAdvisor's ContainerStats JSON this test reads. */
interface CadvisorStats {
  timestamp: string
  cpu?: {usage: {total: number; per_cpu_usage?: number[]}}
  memory?: {usage: number; working_set: number}
}

async function redisLatest(): Promise<
  {timestamp: number; machine_name: string; container_Name: string; container_stats: CadvisorStats} | undefined
> {
  const docs = (await redis.list('cadvisor')).map((s) => JSON.parse(s)).filter((d) => d.container_Name === name())
  return docs.at(-1)
}

async function influxLatest(measurement: string): Promise<number | undefined> {
  const s = await influx.query(`SELECT last(value) FROM ${measurement} WHERE container_name = '${name()}'`)
  return s[0]?.values[0]?.[1] as number | undefined
}

function stdoutLatest(): Record<string, string> | undefined {
  const line = stdout
    .split('\n')
    .filter((l) => l.startsWith(`cName=${name()} `))
    .at(-1)
  return line === undefined ? undefined : Object.fromEntries(line.split(' ').map((kv) => kv.split('=') as [string, string]))
}

function statsdKey(key: string): string {
  return `cadvisor.${name().replace(/\//g, '-')}.${key}`
}

async function promValue(series: string): Promise<number | undefined> {
  const r = await prom.query(series)
  return r[0] ? Number(r[0].value[1]) : undefined
}

test('a frozen backend holds up its own driver only: the others and /metrics go on', {skip}, async () => {
  await until(
    'the first samples in every backend',
    async () => (await redisLatest()) && (await influxLatest('cpu_usage_total')) !== undefined,
  )
  redis.signal('SIGSTOP')
  try {
    const frozenAt = Date.now()
    await until(
      'influxdb points taken while redis is frozen',
      async () => {
        const s = await influx.query(`SELECT last(value) FROM cpu_usage_total WHERE container_name = '${name()}'`)
        return Number(s[0]?.values[0]?.[0]) > frozenAt + 2000
      },
      30_000,
    )
    const res = await fetch(`${serve.url}/metrics`)
    const body = await res.text()
    assert.equal(res.status, 200)
    assert.match(body, new RegExp(`container_cpu_usage_seconds_total\\{[^}]*id="${name()}"`))
    const queued = Number(/cadv_storage_queue_samples\{driver="redis"\} (\d+)/.exec(body)?.[1])
    assert.ok(queued > 0, `redis queue ${queued}`)
    assert.doesNotMatch(body, /^(process_|nodejs_|cadv_metric_handler_)/m, 'exporter metrics under --disable-exporter-metrics')
  } finally {
    redis.signal('SIGCONT')
  }
  const thawed = Date.now()
  await until('redis to catch up', async () => ((await redisLatest())?.timestamp ?? 0) / 1000 > thawed, 60_000)
})

test('every backend holds the cgroup’s own CPU and memory, in cAdvisor’s shape', {skip}, async () => {
  busy.kill('SIGSTOP')
  // A stopped process: its cgroup's counters stop moving, so every backend must end up with
  // exactly the numbers in the cgroup's files. Stopping takes effect at the next schedule.
  await until('the busy process to stop', () => /^\S+ \(.*\) T /.test(readFileSync(`/proc/${busy.pid}/stat`, 'utf8')))
  let seen = ''
  const match = (backend: string, cpu: number | undefined, mem: number | undefined): boolean => {
    const truth = cgroupTruth(tc, 'busy')
    seen = `${backend}: cpu ${cpu} memory ${mem}, cgroup ${truth.cpuNs} ${truth.memBytes}`
    return cpu === truth.cpuNs && mem === truth.memBytes
  }
  const wait = (what: string, probe: () => Promise<boolean> | boolean) =>
    until(what, probe, 30_000).catch((err: Error) => assert.fail(`${err.message}; last ${seen}`))

  await wait('redis', async () => {
    const d = await redisLatest()
    return match('redis', d?.container_stats.cpu?.usage.total, d?.container_stats.memory?.usage)
  })
  const doc = (await redisLatest())!
  assert.deepEqual(Object.keys(doc), ['timestamp', 'machine_name', 'container_Name', 'container_stats'])
  assert.equal(Math.floor(doc.timestamp / 1000), Date.parse(doc.container_stats.timestamp), 'timestamp in µs')
  assert.ok(Array.isArray(doc.container_stats.cpu?.usage.per_cpu_usage))
  assert.equal(typeof doc.container_stats.memory?.working_set, 'number')

  await wait('influxdb', async () => match('influxdb', await influxLatest('cpu_usage_total'), await influxLatest('memory_usage')))
  const tags = (await influx.query('SHOW TAG KEYS FROM cpu_usage_per_cpu')).flatMap((s) => s.values.map((v) => v[0]))
  assert.deepEqual(tags.sort(), ['container_name', 'instance', 'machine'])
  const fields = await influx.query('SHOW FIELD KEYS FROM memory_working_set')
  assert.deepEqual(fields[0]?.values, [['value', 'integer']])

  await wait('statsd', async () => {
    const g = await statsd.gauges()
    return match('statsd', g.get(statsdKey('cpu_usage_total')), g.get(statsdKey('memory_usage')))
  })

  await wait('stdout', () => {
    const l = stdoutLatest()
    return match('stdout', l && Number(l.cpu_usage_total), l && Number(l.memory_usage))
  })
  assert.equal(stdoutLatest()!.cpu_cumulative_usage, stdoutLatest()!.cpu_usage_total)

  const id = `{id="${name()}"}`
  await wait('remote write', async () => {
    // Per-CPU series (percpu is on by default, as in cAdvisor) add up to the total.
    const cpu = await promValue(`sum(container_cpu_usage_seconds_total${id})`)
    return match(
      'remote-write',
      cpu === undefined ? undefined : Math.round(cpu * 1e9),
      await promValue(`container_memory_usage_bytes${id}`),
    )
  })
  // The same labels as the series of /metrics, plus job and instance.
  const [written] = await prom.query(`container_memory_usage_bytes${id}`)
  const scraped = (await (await fetch(`${serve.url}/metrics`)).text())
    .split('\n')
    .find((l) => l.startsWith(`container_memory_usage_bytes{id="${name()}"`))!
  const {job, instance, __name__, ...labels} = written!.metric
  assert.equal(__name__, 'container_memory_usage_bytes')
  assert.equal(job, 'cadvisor')
  assert.ok(instance)
  const scrapedLabels = Object.fromEntries([...scraped.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]).filter(([, v]) => v !== ''))
  assert.deepEqual(labels, scrapedLabels)
})
