// What each storage driver costs: `cadv serve` over 1,000 real test cgroups, housekeeping every
// second for every container (dynamic back-off off), pushing to a real backend on 127.0.0.1
// (redis-server, influxd 1.x, Etsy's statsd, Prometheus' remote-write receiver; stdout into a
// pipe the bench drains), against the same run without drivers. The figure is the whole
// process's CPU (utime + stime from /proc) over a window, minus the baseline's, per sample the
// container tick in that window (counted in cadv's own store). Runs alternate, several
// rounds; medians. --storage-driver-buffer-duration is 1 s, so sending is inside every window.
import {readFileSync} from 'node:fs'
import {cpus} from 'node:os'

import {TestCgroups, realCgroupSkipReason} from '../test/helpers/cgroups.js'
import {prometheusSkipReason, TestPrometheus} from '../test/helpers/prometheus.js'
import {ServeProcess} from '../test/helpers/serve.js'
import {influxdSkipReason, redisSkipReason, statsdSkipReason, TestInfluxd, TestRedis, TestStatsd} from '../test/helpers/storage-servers.js'
import {cleanupOnInterrupt, once} from './lib/interrupt.js'
import {cpuTicks, median, rssMiB} from './lib/proc.js'

const CONTAINERS = Number(process.env.CADV_BENCH_CONTAINERS ?? 1000)
const SECONDS = Number(process.env.CADV_BENCH_SECONDS ?? 15)
const ROUNDS = Number(process.env.CADV_BENCH_ROUNDS ?? 2)
const HZ = 100

async function metrics(serve: ServeProcess): Promise<string> {
  return (await fetch(`${serve.url}/metrics`)).text()
}

/** Ticks in [fromMs, toMs] of 50 of the containers, from cadv's store, scaled to all of them. */
async function ticks(serve: ServeProcess, tc: TestCgroups, fromMs: number, toMs: number): Promise<number> {
  let n = 0
  const probe = 50
  for (let i = 0; i < probe; i++) {
    const res = await fetch(`${serve.url}/api/v1/containers${tc.root}/c${String(i).padStart(4, '0')}?count=-1`)
    const body = (await res.json()) as {samples: Array<{timestampMs: number}>}
    n += body.samples.filter((s) => s.timestampMs >= fromMs && s.timestampMs < toMs).length
  }
  return (n / probe) * CONTAINERS
}

interface Run {
  cpuSeconds: number
  /** Container ticks in the window. */
  samples: number
  dropped: number
  rssMiB: number
}

const running = new Set<ServeProcess>()

async function measure(tc: TestCgroups, driverArgs: string[]): Promise<Run> {
  const serve = new ServeProcess([
    '--housekeeping-interval',
    '1s',
    '--no-allow-dynamic-housekeeping',
    '--docker-only',
    '--raw-cgroup-prefix-whitelist',
    tc.root,
    '--storage-driver-buffer-duration',
    '1s',
    ...driverArgs,
  ])
  running.add(serve)
  serve.child.stdout!.resume()
  try {
    await serve.ready(60_000)
    const pid = serve.child.pid!
    for (let tries = 0; ; tries++) {
      const text = await metrics(serve)
      const n = text.split('\n').filter((l) => l.startsWith(`container_memory_usage_bytes{id="${tc.root}/`)).length
      if (n >= CONTAINERS) break
      if (tries > 600) throw new Error(`only ${n} containers sampled after 60 s`)
      await new Promise((r) => setTimeout(r, 100))
    }
    await new Promise((r) => setTimeout(r, 3000))
    const t0 = cpuTicks(pid)
    const fromMs = Date.now()
    await new Promise((r) => setTimeout(r, SECONDS * 1000))
    const t1 = cpuTicks(pid)
    const toMs = Date.now()
    const after = await metrics(serve)
    const dropped = Number(/cadv_storage_dropped_samples_total\{driver="[^"]+"\} (\d+)/.exec(after)?.[1] ?? 0)
    return {cpuSeconds: (t1 - t0) / HZ, samples: await ticks(serve, tc, fromMs, toMs), dropped, rssMiB: rssMiB(pid)}
  } finally {
    await serve.stop()
    running.delete(serve)
  }
}

async function main(): Promise<void> {
  const skip = realCgroupSkipReason() ?? redisSkipReason() ?? influxdSkipReason() ?? statsdSkipReason() ?? prometheusSkipReason()
  if (skip) {
    console.log(`storage.bench: skipped: ${skip}`)
    return
  }
  const tc = new TestCgroups('cadvb-stor')
  const redis = await TestRedis.create()
  const influx = await TestInfluxd.create()
  const statsd = await TestStatsd.create()
  const prom = new TestPrometheus()
  const cleanup = once(async () => {
    for (const s of running) if (s.child.exitCode === null) s.child.kill('SIGKILL')
    await Promise.all([redis.remove(), influx.remove(), statsd.remove(), prom.stop()])
    await tc.cleanup()
  })
  cleanupOnInterrupt('storage bench', tc.root, cleanup)
  try {
    tc.mkdir()
    for (let i = 0; i < CONTAINERS; i++) tc.mkdir(`c${String(i).padStart(4, '0')}`)
    await Promise.all([redis.start(), influx.start(), statsd.start(), prom.start([], {extraArgs: ['--web.enable-remote-write-receiver']})])
    await influx.query('CREATE DATABASE cadvisor')
    const configs: Array<[string, string[]]> = [
      ['none (baseline)', []],
      ['stdout', ['--storage-driver', 'stdout']],
      ['redis', ['--storage-driver', 'redis', '--storage-driver-host', `127.0.0.1:${redis.port}`]],
      ['influxdb', ['--storage-driver', 'influxdb', '--storage-driver-host', influx.address]],
      ['statsd', ['--storage-driver', 'statsd', '--storage-driver-host', `127.0.0.1:${statsd.port}`]],
      ['remote-write', ['--storage-driver', 'remote-write', '--storage-driver-host', `http://127.0.0.1:${prom.port}/api/v1/write`]],
    ]
    const results = new Map<string, Run[]>(configs.map(([n]) => [n, []]))
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, args] of configs) {
        const r = await measure(tc, args)
        results.get(name)!.push(r)
        console.log(
          `round ${round + 1} ${name}: ${r.cpuSeconds.toFixed(2)} CPU s in ${SECONDS} s, ${Math.round(r.samples)} samples, ${r.dropped} dropped, RSS ${r.rssMiB.toFixed(0)} MiB`,
        )
      }
    }
    const base = results.get('none (baseline)')!
    const baseUsPerSample = median(base.map((r) => (r.cpuSeconds / r.samples) * 1e6))
    console.log(
      `\n${CONTAINERS} containers, housekeeping 1 s (no back-off), buffer duration 1 s, ${SECONDS} s windows, ${ROUNDS} rounds (medians)\n`,
    )
    console.log('| driver | process CPU per container per tick | added by the driver | vs baseline | RSS |')
    console.log('|---|---|---|---|---|')
    for (const [name] of configs) {
      const runs = results.get(name)!
      const us = median(runs.map((r) => (r.cpuSeconds / r.samples) * 1e6))
      const added = name === 'none (baseline)' ? '' : `${(us - baseUsPerSample).toFixed(1)} µs`
      console.log(
        `| ${name} | ${us.toFixed(1)} µs | ${added} | ${(us / baseUsPerSample).toFixed(2)}× | ${median(runs.map((r) => r.rssMiB)).toFixed(0)} MiB |`,
      )
    }
    console.log(`\nload average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} on ${cpus().length} cores`)
  } finally {
    await cleanup()
  }
}

await main()
