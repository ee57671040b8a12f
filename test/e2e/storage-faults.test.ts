// Storage backends going away during a run. redis-server and influxd stopped for 10 s and
// started again: every sample cadv took meanwhile arrives, redis's in the order taken. A small
// buffer bound: the oldest go, the drop counter and one warning say so, serving goes on.
// SIGTERM: what waits for the next batch is sent before exit. Bad configuration: one line, exit 2.
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'

import {TestCgroups, realCgroupSkipReason} from '../helpers/cgroups.js'
import {runCli} from '../helpers/cli.js'
import {freePort} from '../helpers/prometheus.js'
import {ServeProcess} from '../helpers/serve.js'
import {influxdSkipReason, redisSkipReason, TestInfluxd, TestRedis} from '../helpers/storage-servers.js'
import {until} from '../helpers/wait.js'

const skip = realCgroupSkipReason() ?? redisSkipReason() ?? influxdSkipReason()
let tc: TestCgroups
let redis: TestRedis
let influx: TestInfluxd

before(async () => {
  if (skip) return
  tc = new TestCgroups('cadvt-storf')
  tc.mkdir()
  tc.mkdir('busy')
  tc.spawnIn('busy', 'sh', ['-c', 'while :; do :; done'])
  redis = await TestRedis.create()
  influx = await TestInfluxd.create()
  await Promise.all([redis.start(), influx.start()])
  await influx.query('CREATE DATABASE cadvisor')
})

after(async () => {
  if (skip) return
  // The cgroups go even when a server's removal fails (a leaked tree was found after one did).
  try {
    await Promise.all([redis?.remove(), influx?.remove()])
  } finally {
    await tc?.cleanup()
  }
})

const name = (): string => tc.name('busy')

function serveArgs(extra: string[]): string[] {
  return [
    '--housekeeping-interval',
    '1s',
    '--no-allow-dynamic-housekeeping',
    '--docker-only',
    '--raw-cgroup-prefix-whitelist',
    tc.root,
    ...extra,
  ]
}

/** Sample times of the test cgroup in a redis list, in list order (oldest pushed first). */
async function redisTimes(key: string): Promise<number[]> {
  return (await redis.list(key))
    .map((s) => JSON.parse(s) as {timestamp: number; container_Name: string})
    .filter((d) => d.container_Name === name())
    .map((d) => d.timestamp / 1000)
}

/** What cadv itself stored for the test cgroup (its in-memory store, through the JSON API). */
async function storedTimes(serve: ServeProcess): Promise<number[]> {
  const res = await fetch(`${serve.url}/api/v1/containers${encodeURIComponent(name()).replace(/%2F/g, '/')}?count=-1`)
  const body = (await res.json()) as {samples: Array<{timestampMs: number}>}
  return body.samples.map((s) => s.timestampMs)
}

const metric = async (serve: ServeProcess, re: RegExp): Promise<number> =>
  Number(re.exec(await (await fetch(`${serve.url}/metrics`)).text())?.[1] ?? NaN)

test('redis and influxdb down for 10 s: every sample taken meanwhile arrives, in order', {skip}, async () => {
  await influx.query('CREATE DATABASE outage')
  const serve = await new ServeProcess(
    serveArgs([
      '--storage-driver',
      'redis,influxdb',
      '--storage-driver-host',
      `redis=127.0.0.1:${redis.port}`,
      '--storage-driver-host',
      `influxdb=${influx.address}`,
      '--storage-driver-db',
      'outage',
      '--storage-driver-buffer-duration',
      '1s',
    ]),
  ).ready()
  try {
    const influxOutage = async () => {
      const s = await influx.query(`SELECT value FROM cpu_usage_total WHERE container_name = '${name()}'`, 'outage')
      return (s[0]?.values ?? []).map((v) => Number(v[0]))
    }
    await until(
      'samples before the outage',
      async () => (await redisTimes('outage')).length >= 2 && (await influxOutage()).length >= 2,
      30_000,
    )
    await Promise.all([redis.stop(), influx.stop()])
    const down = Date.now()
    await new Promise((r) => setTimeout(r, 10_000))
    await Promise.all([redis.start(), influx.start()])
    const up = Date.now()
    await until(
      'samples after the outage',
      async () => (await redisTimes('outage')).some((t) => t > up + 1000) && (await influxOutage()).some((t) => t > up + 1000),
      60_000,
    )
    const stored = await storedTimes(serve)
    const viaRedis = await redisTimes('outage')
    const viaInflux = await influxOutage()
    // redis keeps push order: strictly increasing means in the order taken.
    for (let i = 1; i < viaRedis.length; i++) assert.ok(viaRedis[i]! > viaRedis[i - 1]!, `redis out of order at ${i}`)
    const window = (ts: number[], from: number, to: number) => ts.filter((t) => t >= from && t <= to)
    const first = Math.max(viaRedis[0]!, stored[0]!)
    const last = Math.min(viaRedis.at(-1)!, viaInflux.at(-1)!, stored.at(-1)!)
    const taken = window(stored, first, last)
    assert.ok(window(taken, down, up).length >= 4, `only ${window(taken, down, up).length} samples taken during the outage`)
    assert.deepEqual(window(viaRedis, first, last), taken, 'redis has every sample cadv took, in order')
    assert.deepEqual(
      window(
        [...viaInflux].sort((a, b) => a - b),
        first,
        last,
      ),
      taken,
      'influxdb has every sample cadv took',
    )
    assert.match(serve.stderr, /storage driver redis: cannot send to redis:\/\/127\.0\.0\.1:\d+: .*retrying/)
    // Said once the first batch after the outage is through; stderr arrives through a pipe.
    await until('influxdb to say it delivers again', () => /storage driver influxdb: delivering again after/.test(serve.stderr), {
      detail: () => serve.stderr,
    })
    assert.equal(await metric(serve, /cadv_storage_dropped_samples_total\{driver="redis"\} (\d+)/), 0)
  } finally {
    await serve.stop()
  }
})

test('a small buffer bound: the oldest go, counted and said once, and serving goes on', {skip}, async () => {
  const serve = await new ServeProcess(
    serveArgs([
      '--storage-driver',
      'redis',
      '--storage-driver-host',
      `127.0.0.1:${redis.port}`,
      '--storage-driver-db',
      'bounded',
      '--storage-driver-buffer-duration',
      '1s',
      '--storage-driver-buffer-limit',
      '4KiB',
    ]),
  ).ready()
  try {
    await until('a first sample', async () => (await redisTimes('bounded')).length > 0, 30_000)
    await redis.stop()
    const dropped = /cadv_storage_dropped_samples_total\{driver="redis"\} (\d+)/
    await until('drops', async () => (await metric(serve, dropped)) > 0, 30_000)
    const first = await metric(serve, dropped)
    await until('more drops', async () => (await metric(serve, dropped)) > first + 2, 30_000)
    assert.equal(serve.stderr.match(/buffer full/g)?.length, 1, serve.stderr)
    assert.ok((await metric(serve, /cadv_storage_queue_bytes\{driver="redis"\} (\d+)/)) <= 4096)
    const body = await (await fetch(`${serve.url}/metrics`)).text()
    assert.match(body, new RegExp(`container_memory_usage_bytes\\{[^}]*id="${name()}"`))
    await redis.start()
    const up = Date.now()
    await until('delivery again', async () => (await redisTimes('bounded')).some((t) => t > up), 60_000)
    assert.equal(serve.child.exitCode, null)
  } finally {
    await serve.stop()
  }
})

test('SIGTERM sends what waits for the next batch before exiting', {skip}, async () => {
  const serve = await new ServeProcess(
    serveArgs(['--storage-driver', 'redis', '--storage-driver-host', `127.0.0.1:${redis.port}`, '--storage-driver-db', 'flush']),
  ).ready()
  await until('three samples stored', async () => (await storedTimes(serve)).length >= 3, 30_000)
  const stored = await storedTimes(serve)
  assert.deepEqual(await redisTimes('flush'), [], 'the 60 s buffer duration has not passed')
  assert.equal(await serve.stop(), 0)
  const sent = await redisTimes('flush')
  assert.deepEqual(sent.slice(0, stored.length), stored)
})

test('bad configuration is one line and exit 2, before anything is served', {skip}, async () => {
  const secured = await TestInfluxd.create({auth: true})
  await secured.start()
  try {
    await secured.query("CREATE USER admin WITH PASSWORD 'secret' WITH ALL PRIVILEGES", '')
    await secured.query('CREATE DATABASE cadvisor', '', '&u=admin&p=secret')
    const closed = await freePort()
    const asAdmin = (password: string): string[] => [
      '--storage-driver',
      'influxdb',
      '--storage-driver-host',
      secured.address,
      '--storage-driver-user',
      'admin',
      '--storage-driver-password',
      password,
    ]
    const cases: Array<[string[], RegExp]> = [
      [['--storage-driver', 'mongo'], /unknown storage driver "mongo"/],
      [['--storage-driver', 'kafka'], /storage driver kafka is not built into cadv/],
      [
        ['--storage-driver', 'redis', '--storage-driver-host', `127.0.0.1:${closed}`],
        /storage driver redis: cannot use redis:\/\/127\.0\.0\.1:\d+: connection refused \(127\.0\.0\.1:\d+\)$/m,
      ],
      [['--storage-driver', 'remote-write', '--storage-driver-host', 'not a url'], /is not an http\(s\) URL/],
      [asAdmin('wrong'), /refused the credentials/],
      [[...asAdmin('secret'), '--storage-driver-db', 'nope'], /database "nope" does not exist/],
      [['--storage-driver', 'stdout', '--once'], /stdout storage driver cannot share it/],
      [['--storage-driver', 'redis', '--storage-driver-buffer-limit', 'lots'], /invalid size "lots"/],
    ]
    for (const [args, re] of cases) {
      const r = await runCli(['serve', '--listen', '127.0.0.1:0', ...args])
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
      assert.match(r.stderr, re)
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr)
    }
    // The right credentials pass the check (only the test's own cgroups: a whole busy host
    // takes long to scan and is not what this checks).
    const ok = await new ServeProcess([...serveArgs([]), ...asAdmin('secret')]).ready()
    assert.equal(await ok.stop(), 0)
  } finally {
    await secured.remove()
  }
})
