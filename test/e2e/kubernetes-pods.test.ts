// Kubernetes without a kubelet: real pods made through containerd's CRI service (RunPodSandbox
// with a cgroup parent under kubepods and the host network, CreateContainer, StartContainer),
// watched by `cadv serve --kubelet-labels` and scraped by a real Prometheus as the kubelet's
// cAdvisor endpoint (job kubelet, /metrics/cadvisor) beside a static kube_pod_info, with
// kubernetes-mixin's container rules and CPUThrottlingHigh loaded. The same serve remote-writes
// its samples to a second Prometheus (its receiver on), which must get the label sets scraped.
//
// Cgroup layouts: the CRI gives real cgroupfs-driver paths. The systemd driver needs systemd as
// PID 1, which this machine lacks, so its names (…/kubepods-burstable-pod<uid>.slice/
// cri-containerd-<id>.scope) come from ctr with literal cgroup paths and the labels the CRI
// would set, in the same containerd and namespace.
import {after, before, describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {isDeepStrictEqual} from 'node:util'

import {discoverCgroups, hierarchyForController} from '../../src/lib/cgroups/index.js'
import {runCli} from '../helpers/cli.js'
import {CriClient, type Pod} from '../helpers/cri.js'
import {parseExposition, samples, type ParsedSample} from '../helpers/exposition.js'
import {prometheusSkipReason, TestPrometheus} from '../helpers/prometheus.js'
import {Runtimes, runtimeSkipReason} from '../helpers/runtimes.js'
import {ServeProcess} from '../helpers/serve.js'
import {until} from '../helpers/wait.js'

const MIXIN = fileURLToPath(new URL('../fixtures/kubernetes-mixin/', import.meta.url))
const NS = 'cadv-e2e'
// The pods kube-state-metrics.prom describes (its uids too).
const POD_A = {name: 'cadv-e2e-a', uid: '00000000-0000-4000-8000-00000000000a'}
const POD_B = {name: 'cadv-e2e-b', uid: '00000000-0000-4000-8000-00000000000b'}
const SYSTEMD_UID = '00000000-0000-4000-8000-00000000000c'
const DOCKER_UID = '00000000-0000-4000-8000-00000000000d'
const BUSY_CPUS = 0.2

const skip = runtimeSkipReason(['cri', 'docker']) ?? prometheusSkipReason()

let rt: Runtimes
let cri: CriClient
let serve: ServeProcess
let prom: TestPrometheus
/** The remote-write receiver: a Prometheus that scrapes nothing. */
let recv: TestPrometheus
let ksm: Server
let podA: Pod
let podB: Pod
let busy: string
let idle: string
let busyStartedMs: number
/** The systemd-style pod: its slice, its sandbox and container ids. */
let slice: string
let sdSandbox: string
let sdContainer: string
/** A pod's container run by docker, as cri-dockerd runs them: its id and name. */
let dockerId: string
const DOCKER_NAME = `k8s_web_cadv-e2e-d_${NS}_${DOCKER_UID}_0`
/** Ground truth: the busy container's CPU time (ns) read from its cgroup, with the time read. */
const cpuTruth: Array<{ms: number; ns: number}> = []
let truthTimer: NodeJS.Timeout | undefined

function readCpuNs(name: string): number | undefined {
  const layout = discoverCgroups()
  const h = hierarchyForController(layout, 'cpuacct') ?? hierarchyForController(layout, 'cpu')!
  try {
    if (h.version === 1) return Number(readFileSync(join(h.mountPoint, name, 'cpuacct.usage'), 'utf8'))
    const m = /usage_usec (\d+)/.exec(readFileSync(join(h.mountPoint, name, 'cpu.stat'), 'utf8'))
    return m ? Number(m[1]) * 1000 : undefined
  } catch {
    return undefined
  }
}

async function scrapeCadv(): Promise<Map<string, ParsedSample>> {
  const res = await fetch(`${serve.url}/metrics/cadvisor`)
  const fams = parseExposition(await res.text(), 'prometheus')
  return new Map(samples(fams, 'container_memory_usage_bytes').map((s) => [s.labels.id!, s]))
}

/** /metrics/cadvisor by id, once every id of `want` ([namespace, pod, …] each) has its pod label. */
function labelled(what: string, want: Map<string, string[]>): Promise<Map<string, ParsedSample>> {
  let missing: string[] = []
  return until(
    what,
    async () => {
      const byId = await scrapeCadv()
      missing = [...want].filter(([id, w]) => byId.get(id)?.labels.pod !== w[1]).map(([id]) => id)
      return missing.length === 0 ? byId : undefined
    },
    // containerd answers slowly on a busy host, and each answer names its pod's cgroup too.
    {timeoutMs: 90_000, detail: () => `not yet: ${missing.join(' ')}`},
  )
}

before(async () => {
  if (skip) return
  rt = new Runtimes()
  await rt.start(['cri', 'docker'])
  cri = new CriClient(rt)
  // containerd loads its CRI plugin after its socket is up: slow on a busy host.
  await until(
    'the CRI plugin',
    () =>
      cri.version().then(
        (v) => v.runtime_api_version === 'v1',
        () => false,
      ),
    90_000,
  )
  recv = new TestPrometheus()
  await recv.start([], {extraArgs: ['--web.enable-remote-write-receiver']})
  serve = await new ServeProcess([
    '--kubelet-labels',
    '--storage-driver',
    'remote-write',
    '--storage-driver-host',
    `http://127.0.0.1:${recv.port}/api/v1/write`,
    '--storage-driver-buffer-duration',
    '1s',
    '--housekeeping-interval',
    '500ms',
    '--raw-cgroup-prefix-whitelist',
    rt.cgroupParent,
    ...rt.cadvFlags(),
  ]).ready()
  const ksmText = readFileSync(join(MIXIN, 'kube-state-metrics.prom'))
  ksm = createServer((_req, res) => res.writeHead(200, {'Content-Type': 'text/plain; version=0.0.4'}).end(ksmText))
  await new Promise<void>((r) => ksm.listen(0, '127.0.0.1', r))
  prom = new TestPrometheus()
  await prom.start(
    [
      // kube-prometheus's kubelet ServiceMonitor sets metrics_path from __metrics_path__.
      {job: 'kubelet', address: `127.0.0.1:${serve.port}`, metricsPath: '/metrics/cadvisor', labels: {metrics_path: '/metrics/cadvisor'}},
      {job: 'kube-state-metrics', address: `127.0.0.1:${(ksm.address() as AddressInfo).port}`, honorLabels: true},
    ],
    {ruleFiles: [join(MIXIN, 'rules.yaml')]},
  )
  podA = await cri.runPod({...POD_A, namespace: NS, qos: 'burstable'})
  busy = await cri.runContainer(podA, {name: 'busy', script: 'while :; do :; done', cpus: BUSY_CPUS})
  busyStartedMs = Date.now()
  truthTimer = setInterval(() => {
    const ns = readCpuNs(`${podA.cgroup}/${busy}`)
    if (ns !== undefined) cpuTruth.push({ms: Date.now(), ns})
  }, 250)
  podB = await cri.runPod({...POD_B, namespace: NS, qos: 'guaranteed'})
  idle = await cri.runContainer(podB, {name: 'idle', script: 'while :; do sleep 1; done', cpus: 1, memoryBytes: 64 << 20})

  slice = `kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${SYSTEMD_UID.replaceAll('-', '_')}.slice`
  const podLabels = {'io.kubernetes.pod.name': 'cadv-e2e-c', 'io.kubernetes.pod.namespace': NS, 'io.kubernetes.pod.uid': SYSTEMD_UID}
  sdSandbox = await rt.runCtr({
    cgroup: (id) => `${slice}/cri-containerd-${id}.scope`,
    labels: {...podLabels, 'io.cri-containerd.kind': 'sandbox'},
  })
  sdContainer = await rt.runCtr({
    cgroup: (id) => `${slice}/cri-containerd-${id}.scope`,
    labels: {...podLabels, 'io.kubernetes.container.name': 'app', 'io.cri-containerd.kind': 'container'},
  })
  dockerId = await rt.runDocker({
    name: DOCKER_NAME,
    cgroupParent: `kubepods/besteffort/pod${DOCKER_UID}`,
    labels: {
      'io.kubernetes.pod.name': 'cadv-e2e-d',
      'io.kubernetes.pod.namespace': NS,
      'io.kubernetes.pod.uid': DOCKER_UID,
      'io.kubernetes.container.name': 'web',
    },
  })
})

after(async () => {
  if (skip) return
  clearInterval(truthTimer)
  await prom?.stop()
  await serve?.stop()
  await recv?.stop()
  ksm?.close()
  await rt?.teardown()
})

describe('kubelet labels on real pods', {skip}, () => {
  test('CRI pods (cgroupfs driver): containers, sandboxes, pod and QoS cgroups labelled as the kubelet labels them', async () => {
    const P = rt.cgroupParent
    const want = new Map<string, string[]>([
      // [namespace, pod, container, name]
      [`${podA.cgroup}/${busy}`, [NS, POD_A.name, 'busy', busy]],
      [`${podB.cgroup}/${idle}`, [NS, POD_B.name, 'idle', idle]],
      [`${podA.cgroup}/${podA.id}`, [NS, POD_A.name, '', podA.id]],
      [`${podB.cgroup}/${podB.id}`, [NS, POD_B.name, '', podB.id]],
      [podA.cgroup, [NS, POD_A.name, '', '']],
      [podB.cgroup, [NS, POD_B.name, '', '']],
      [`${P}/kubepods/burstable`, ['', '', '', '']],
      [`${P}/kubepods`, ['', '', '', '']],
    ])
    const got = await labelled('every pod cgroup labelled in /metrics/cadvisor', want)
    for (const [id, w] of want) {
      const l = got.get(id)!.labels
      assert.deepEqual([l.namespace, l.pod, l.container, l.name], w, id)
      assert.equal(Object.keys(l).filter((k) => k.startsWith('container_label_')).length, 0, `${id}: no container_label_*`)
      assert.equal(l.image, w[3] ? 'localhost/cadv-busybox:latest' : '', id)
    }
  })

  test('systemd-driver names (literal paths): cri-containerd-<id>.scope under a pod slice', async () => {
    const P = rt.cgroupParent
    const podSlice = `${P}/${slice}`
    const want = new Map<string, string[]>([
      [`${podSlice}/cri-containerd-${sdContainer}.scope`, [NS, 'cadv-e2e-c', 'app']],
      [`${podSlice}/cri-containerd-${sdSandbox}.scope`, [NS, 'cadv-e2e-c', '']],
      [podSlice, [NS, 'cadv-e2e-c', '']],
      [`${P}/kubepods.slice/kubepods-burstable.slice`, ['', '', '']],
    ])
    const got = await labelled('the systemd-style pod in /metrics/cadvisor', want)
    for (const [id, w] of want) {
      const l = got.get(id)!.labels
      assert.deepEqual([l.namespace, l.pod, l.container], w, id)
    }
  })

  test("docker's containers (as cri-dockerd runs them): the docker name, the pod's labels", async () => {
    const id = `${rt.cgroupParent}/kubepods/besteffort/pod${DOCKER_UID}/${dockerId}`
    const got = await labelled('the docker-run pod container in /metrics/cadvisor', new Map([[id, [NS, 'cadv-e2e-d']]]))
    const l = got.get(id)!.labels
    assert.deepEqual(
      [l.namespace, l.pod, l.container, l.name, l.image],
      [NS, 'cadv-e2e-d', 'web', DOCKER_NAME, 'localhost/cadv-busybox:latest'],
    )
    const r = await runCli(['resolve', '--json', ...rt.cadvFlags(), id])
    const d = JSON.parse(r.stdout) as {factory: string; id: string; kubernetes: Record<string, string>}
    assert.deepEqual([d.factory, d.id, d.kubernetes.podUid, d.kubernetes.container], ['docker', dockerId, DOCKER_UID, 'web'])
  })

  test('remote write sends the label sets of /metrics/cadvisor, pod cgroups named after their pod', async () => {
    const P = rt.cgroupParent
    const pods = new Map<string, string>([
      [`${podA.cgroup}/${busy}`, POD_A.name],
      [`${podA.cgroup}/${podA.id}`, POD_A.name],
      [podA.cgroup, POD_A.name],
      [`${podB.cgroup}/${idle}`, POD_B.name],
      [podB.cgroup, POD_B.name],
      [`${P}/${slice}/cri-containerd-${sdContainer}.scope`, 'cadv-e2e-c'],
      [`${P}/${slice}`, 'cadv-e2e-c'],
      [`${P}/kubepods/besteffort/pod${DOCKER_UID}/${dockerId}`, 'cadv-e2e-d'],
      [`${P}/kubepods/burstable`, ''],
      [`${P}/kubepods`, ''],
    ])
    const scraped = await labelled(
      'every pod labelled in /metrics/cadvisor',
      new Map([...pods].filter(([, pod]) => pod !== '').map(([id, pod]) => [id, [NS, pod]])),
    )
    for (const [id, pod] of pods) {
      // What a scrape stores: the empty labels are no labels.
      const want = Object.fromEntries(Object.entries(scraped.get(id)!.labels).filter(([, v]) => v !== ''))
      assert.equal(want.pod, pod || undefined, id)
      let seen: unknown
      // A series written before the pod was known (a pod cgroup seen before its sandbox) may sit
      // beside it: the one with the scraped labels must be there.
      await until(
        `${id} remote-written with the scraped labels`,
        async () => {
          const series = await recv.query(`container_memory_usage_bytes{id="${id}"}`)
          seen = series.map((s) => s.metric)
          return series.some(({metric: {__name__, job, instance, ...labels}}) => {
            return job === 'cadvisor' && instance !== undefined && isDeepStrictEqual(labels, want)
          })
        },
        30_000,
      ).catch((err: Error) => assert.fail(`${err.message}: want ${JSON.stringify(want)}, written ${JSON.stringify(seen)}`))
    }
  })

  test('cadv resolve explains each: containerd (namespace k8s.io), the id, the pod uid and QoS, the names', async () => {
    const names = [
      `${podA.cgroup}/${busy}`,
      `${podB.cgroup}/${podB.id}`,
      podA.cgroup,
      `${rt.cgroupParent}/${slice}/cri-containerd-${sdContainer}.scope`,
    ]
    const r = await runCli(['resolve', '--json', ...rt.cadvFlags(), ...names])
    assert.equal(r.code, 0, r.stderr)
    const d = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as {factory: string; id: string | null; kubernetes?: Record<string, string>})
    assert.deepEqual(
      d.map((x) => [x.factory, x.id]),
      [
        ['containerd', busy],
        ['containerd', podB.id],
        ['raw', null],
        ['containerd', sdContainer],
      ],
    )
    assert.deepEqual(d[0]!.kubernetes, {
      driver: 'cgroupfs',
      level: 'container',
      qos: 'burstable',
      podUid: POD_A.uid,
      namespace: NS,
      pod: POD_A.name,
      container: 'busy',
    })
    assert.deepEqual(d[1]!.kubernetes, {
      driver: 'cgroupfs',
      level: 'container',
      qos: 'guaranteed',
      podUid: POD_B.uid,
      namespace: NS,
      pod: POD_B.name,
    })
    assert.deepEqual(d[2]!.kubernetes, {driver: 'cgroupfs', level: 'pod', qos: 'burstable', podUid: POD_A.uid})
    assert.deepEqual(d[3]!.kubernetes, {
      driver: 'systemd',
      level: 'container',
      qos: 'burstable',
      podUid: SYSTEMD_UID,
      namespace: NS,
      pod: 'cadv-e2e-c',
      container: 'app',
    })
    const text = await runCli(['resolve', ...rt.cadvFlags(), names[0]!])
    assert.match(
      text.stdout,
      new RegExp(
        `kubernetes  container of pod ${POD_A.uid}, QoS burstable, cgroupfs cgroup driver; pod ${NS}/${POD_A.name}, container busy`,
      ),
    )
  })

  test('cadv watch --resolve --kubelet-labels adds namespace, pod and container to each line', async () => {
    const r = await runCli([
      'watch',
      '--once',
      '--resolve',
      '--kubelet-labels',
      '--prefix',
      `${rt.cgroupParent}/kubepods`,
      ...rt.cadvFlags(),
    ])
    assert.equal(r.code, 0, r.stderr)
    const byName = new Map(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .map((e) => [e.name as string, e]),
    )
    const b = byName.get(`${podA.cgroup}/${busy}`)!
    assert.deepEqual([b.factory, b.namespace, b.pod, b.container], ['containerd', NS, POD_A.name, 'busy'])
    const sandbox = byName.get(`${podB.cgroup}/${podB.id}`)!
    assert.deepEqual([sandbox.namespace, sandbox.pod, 'container' in sandbox], [NS, POD_B.name, false])
    assert.equal('pod' in byName.get(`${rt.cgroupParent}/kubepods/burstable`)!, false)
  })
})

describe('kubernetes-mixin on cadv', {skip}, () => {
  const RULES = [
    'node_namespace_pod_container:container_cpu_usage_seconds_total:sum_rate5m',
    'node_namespace_pod_container:container_cpu_usage_seconds_total:sum_irate',
    'node_namespace_pod_container:container_memory_working_set_bytes',
    'node_namespace_pod_container:container_memory_rss',
    'node_namespace_pod_container:container_memory_cache',
    'node_namespace_pod_container:container_memory_swap',
  ]

  test('every container rule gives one series per container, joined with its node', async () => {
    const expected = [`${POD_A.name}/`, `${POD_A.name}/busy`, `${POD_B.name}/`, `${POD_B.name}/idle`].sort()
    for (const rule of RULES) {
      const result = await until(
        `${rule} for every container`,
        async () => {
          const r = await prom.query(rule)
          return r.length >= expected.length ? r : undefined
        },
        60_000,
      )
      // The pod sandboxes are containers too (image set, no container name), as under a kubelet.
      assert.deepEqual(result.map((s) => `${s.metric.pod}/${s.metric.container ?? ''}`).sort(), expected, rule)
      for (const s of result) {
        assert.equal(s.metric.namespace, NS, rule)
        assert.equal(s.metric.node, 'cadv-e2e-node', rule)
      }
    }
  })

  test("the CPU rule matches the busy container's quota-bound usage within 10 %", async () => {
    const rule = RULES[0]!
    // rate(…[5m]) is the increase over the window divided by 300 s, however young the container:
    // the truth to compare is the same increase, read from the container's cgroup. Prometheus
    // extrapolates a young series back only half a scrape interval, so the CPU time used before
    // the first scrape is missing from the rule (about 4 s of it at load 10 here): two minutes
    // of data keep that under 5 %.
    await until('two minutes of the busy container', () => Date.now() - busyStartedMs > 120_000, 180_000)
    const now = Date.now() / 1000
    const series = await prom.queryRange(`${rule}{container="busy"}`, now - 20, now, 1)
    assert.equal(series.length, 1)
    const [at, value] = series[0]!.values.at(-1)!
    const atMs = at * 1000
    await until('a cgroup reading after the evaluation', () => cpuTruth.at(-1)!.ms >= atMs)
    const before = cpuTruth.filter((p) => p.ms <= atMs).at(-1)
    const after = cpuTruth.find((p) => p.ms >= atMs)
    assert.ok(before && after, 'cgroup readings around the rule evaluation')
    const f = after.ms === before.ms ? 0 : (atMs - before.ms) / (after.ms - before.ms)
    const ns = before.ns + f * (after.ns - before.ns)
    const windowStart = cpuTruth.filter((p) => p.ms <= atMs - 300_000).at(-1)?.ns ?? 0
    const truth = (ns - windowStart) / 1e9 / 300
    const got = Number(value)
    if (Math.abs(got - truth) > 0.1 * truth) {
      const raw = (await prom.query(`container_cpu_usage_seconds_total{container="busy"}[10m]`)) as unknown as Array<{
        values: Array<[number, string]>
      }>
      const [t0, v0] = raw[0]!.values[0]!
      assert.fail(
        `rule ${got.toFixed(4)} vs cgroup ${truth.toFixed(4)} CPUs over 5m; first scraped ${(t0 - busyStartedMs / 1000).toFixed(1)} s after start, at ${v0} s`,
      )
    }
    // And the container is held to its quota (the machine may give it less, never more).
    const recent = cpuTruth.filter((p) => p.ms >= Date.now() - 20_000)
    const used = (recent.at(-1)!.ns - recent[0]!.ns) / 1e6 / (recent.at(-1)!.ms - recent[0]!.ms)
    assert.ok(used <= BUSY_CPUS * 1.1, `busy container used ${used.toFixed(3)} CPUs under a ${BUSY_CPUS} quota`)
  })

  test("CPUThrottlingHigh's expression returns the throttled container, and only it", async () => {
    const rules = readFileSync(join(MIXIN, 'rules.yaml'), 'utf8')
    const m = /- alert: CPUThrottlingHigh\n\s+expr: \|\n([\s\S]*?)\n\s+for:/.exec(rules)
    assert.ok(m, 'CPUThrottlingHigh in rules.yaml')
    const expr = m[1]!
    const result = await until(
      'the throttling expression',
      async () => {
        const r = await prom.query(expr)
        return r.length > 0 ? r : undefined
      },
      60_000,
    )
    assert.deepEqual(
      result.map((s) => [s.metric.namespace, s.metric.pod, s.metric.container]),
      [[NS, POD_A.name, 'busy']],
    )
    assert.ok(Number(result[0]!.value[1]) > 0.25)
  })
})
