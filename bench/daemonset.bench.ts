// What `cadv serve` costs on a busy Kubernetes node, to size the DaemonSet's requests
// (deploy/kubernetes/base/daemonset.yaml): real test cgroups laid out as the kubelet lays out
// 110 pods (the kubelet's default pod limit) with a sandbox and two containers each (440
// cgroups under kubepods, one container in ten running a process), served with the DaemonSet's
// own arguments and scraped as Prometheus scrapes the kubelet's cAdvisor endpoint (every
// 15 s here, twice kube-prometheus' rate; gzip, OpenMetrics). Whole-process CPU from /proc and
// RSS (peak and at the end). Baseline in the same run: the same server at cadv's default
// housekeeping (1 s, the DaemonSet uses 10 s), the rate cAdvisor's own default would read at.
import {readFileSync} from 'node:fs'
import {get} from 'node:http'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {parse} from 'yaml'

import {TestCgroups, realCgroupSkipReason} from '../test/helpers/cgroups.js'
import {ServeProcess} from '../test/helpers/serve.js'
import {cleanupOnInterrupt, once} from './lib/interrupt.js'

const PODS = Number(process.env.CADV_BENCH_PODS ?? 110)
const SECONDS = Number(process.env.CADV_BENCH_SECONDS ?? 90)
const SCRAPE_MS = 15_000
const ROOT = fileURLToPath(new URL('../', import.meta.url))
const ACCEPT = 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5'

interface Figures {
  cpuMillicores: number
  peakRssMiB: number
  endRssMiB: number
  scrapeMs: number
  series: number
}

/** The DaemonSet's arguments that make sense outside its container (not the listen address or mount roots). */
function daemonSetArgs(): string[] {
  const ds = parse(readFileSync(join(ROOT, 'deploy/kubernetes/base/daemonset.yaml'), 'utf8')) as {
    spec: {template: {spec: {containers: Array<{args: string[]}>}}}
  }
  const [, ...args] = ds.spec.template.spec.containers[0]!.args
  return args.filter((a) => !/^--(listen|proc-root|cgroup-root)=/.test(a))
}

function procStatus(pid: number, key: string): number {
  const m = new RegExp(`${key}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) / 1024 : NaN
}

function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(f[11]) + Number(f[12])) / 100
}

function scrape(url: string): Promise<{ms: number; body: string}> {
  const start = performance.now()
  return new Promise((resolve, reject) => {
    get(url, {headers: {Accept: ACCEPT}}, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ms: performance.now() - start, body: Buffer.concat(chunks).toString()}))
    }).on('error', reject)
  })
}

const running = new Set<ServeProcess>()

async function measure(tc: TestCgroups, args: string[]): Promise<Figures> {
  const serve = new ServeProcess([...args, '--raw-cgroup-prefix-whitelist', tc.root])
  running.add(serve)
  await serve.ready(60_000)
  const pid = serve.child.pid!
  const url = `${serve.url}/metrics/cadvisor`
  try {
    const want = PODS * 4
    for (let tries = 0; ; tries++) {
      const {body} = await scrape(url)
      const n = body.split('\n').filter((l) => l.startsWith(`container_memory_usage_bytes{id="${tc.root}/kubepods/`)).length
      if (n >= want) break
      if (tries > 600) throw new Error(`only ${n} of ${want} cgroups after 60 s`)
      await new Promise((r) => setTimeout(r, 100))
    }
    const t0 = cpuSeconds(pid)
    const start = Date.now()
    const times: number[] = []
    let series = 0
    while (Date.now() - start < SECONDS * 1000) {
      const {ms, body} = await scrape(url)
      times.push(ms)
      series = body.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length
      await new Promise((r) => setTimeout(r, Math.min(SCRAPE_MS, SECONDS * 1000 - (Date.now() - start))))
    }
    const cpu = (cpuSeconds(pid) - t0) / ((Date.now() - start) / 1000)
    times.sort((a, b) => a - b)
    return {
      cpuMillicores: cpu * 1000,
      peakRssMiB: procStatus(pid, 'VmHWM'),
      endRssMiB: procStatus(pid, 'VmRSS'),
      scrapeMs: times[Math.floor(times.length / 2)]!,
      series,
    }
  } finally {
    await serve.stop()
    running.delete(serve)
  }
}

async function main(): Promise<void> {
  const skip = realCgroupSkipReason()
  if (skip) {
    console.log(`daemonset bench skipped: ${skip}`)
    return
  }
  const tc = new TestCgroups('cadvb-ds')
  const cleanup = once(async () => {
    for (const s of running) await s.stop()
    await tc.cleanup()
  })
  cleanupOnInterrupt('daemonset bench', 'its cgroups', cleanup)
  try {
    for (let p = 0; p < PODS; p++) {
      const qos = p % 3 === 0 ? 'kubepods' : p % 3 === 1 ? 'kubepods/burstable' : 'kubepods/besteffort'
      const pod = `${qos}/pod${p.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`
      for (const c of ['sandbox', 'app', 'sidecar']) tc.mkdir(`${pod}/${c}`)
      if (p % 5 === 0) tc.spawnIn(`${pod}/app`, 'sh', ['-c', 'while :; do sleep 1; done'])
    }
    const ds = daemonSetArgs()
    const baseline = await measure(tc, ['--kubelet-labels'])
    const daemonSet = await measure(tc, ds)
    const row = (name: string, f: Figures, ref: Figures): string =>
      `| ${name} | ${f.cpuMillicores.toFixed(1)}m (${(f.cpuMillicores / ref.cpuMillicores).toFixed(2)}×) | ${f.peakRssMiB.toFixed(0)} MiB | ${f.endRssMiB.toFixed(0)} MiB | ${f.scrapeMs.toFixed(1)} ms | ${f.series} |`
    console.log(`${PODS} pods (${PODS * 4} cgroups under kubepods), ${SECONDS} s, scraped every ${SCRAPE_MS / 1000} s`)
    console.log('| configuration | CPU | peak RSS | RSS at end | scrape median | series |')
    console.log('|---|---|---|---|---|---|')
    console.log(row('baseline: housekeeping 1s (cadv default)', baseline, baseline))
    console.log(row(`DaemonSet args (${ds.join(' ')})`, daemonSet, baseline))
    console.log("cAdvisor's DaemonSet requests 400m CPU and 400Mi.")
  } finally {
    await cleanup()
  }
}

await main()
