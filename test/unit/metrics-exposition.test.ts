// The exposition model: cAdvisor names, values and labels for a container state, both formats,
// strict parsing, promtool lint, label escaping, and the per-container cache.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {selectKinds} from '../../src/lib/stats/index.js'
import {type ContainerState, type Sample} from '../../src/lib/model/index.js'
import {Exposition, readMachineInfo, SelfMetrics} from '../../src/lib/metrics/index.js'

import {parseExposition, samples} from '../helpers/exposition.js'
import {KNOWN_CADVISOR_LINT, promtoolProblems, promtoolSkipReason} from '../helpers/promtool.js'

const machine = readMachineInfo()
const ALL_COLLECTED = selectKinds(['cpu', 'percpu', 'memory', 'diskIO', 'network', 'process', 'pressure', 'oom_event'])

function sample(name: string, ts: number, cpuNs = 3e9): Sample {
  return {
    name,
    timestampMs: ts,
    cpu: {usageNs: cpuNs, userNs: 1e9, systemNs: 2e9, perCpuNs: [1e9, 0, 2e9], periods: 10, throttledPeriods: 2, throttledNs: 5e8},
    memory: {
      usageBytes: 1000,
      workingSetBytes: 600,
      rssBytes: 300,
      cacheBytes: 200,
      swapBytes: 0,
      mappedFileBytes: 10,
      maxUsageBytes: 2000,
      failcnt: 0,
      kernelBytes: 3,
      pgfault: 9,
      pgmajfault: 1,
      oomKills: 2,
    },
    diskio: [{major: 8, minor: 0, device: 'sda', readBytes: 4096, writeBytes: 8192, reads: 3, writes: 4}],
    network: [{name: 'eth0', rxBytes: 1, rxPackets: 2, rxErrors: 0, rxDropped: 0, txBytes: 3, txPackets: 4, txErrors: 0, txDropped: 0}],
    pressure: {cpu: {someUs: 1500, fullUs: 500}, io: {someUs: 3}},
    processes: {processes: 3, threads: 7},
    oom: {kills: 2},
  }
}

const NASTY = 'quote " backslash \\ newline \n tab \t ünïcødé 🐳 {a="b"}'

function docker(): ContainerState {
  return {
    name: '/docker/abc',
    firstSeenMs: 1_700_000_000_000,
    info: {
      name: '/docker/abc',
      factory: 'docker',
      aliases: ['web'],
      image: 'nginx:1',
      pid: 1,
      hasNetwork: true,
      restartCount: 2,
      labels: {'com.example/team': NASTY, 'a.b': 'first', a_b: 'second'},
      env: {},
      startedAt: new Date(1_700_000_100_000),
    },
    spec: {cpuQuotaUs: 50_000, cpuPeriodUs: 100_000, cpuWeight: 100, memoryLimitBytes: 1e9},
    samples: [{...sample('/docker/abc', 1_700_000_200_000), processes: {processes: 3, threads: 7, threadsLimit: 100}}],
  }
}

function raw(name: string): ContainerState {
  return {
    name,
    firstSeenMs: 1_700_000_000_000,
    cgroupCreatedMs: 1_690_000_000_500,
    samples: [sample(name, 1_700_000_200_000, 5e9)],
    spec: {cpuWeight: 100},
  }
}

test('cAdvisor names, types, values and units in Prometheus text', () => {
  const e = new Exposition({kinds: ALL_COLLECTED, machine, version: '9.9.9'})
  const fams = parseExposition(e.render([docker(), raw('/raw')], 'prometheus', 1_700_000_300_000), 'prometheus')
  const id = {id: '/docker/abc'}
  assert.equal(fams.get('container_cpu_usage_seconds_total')?.type, 'counter')
  assert.deepEqual(
    samples(fams, 'container_cpu_usage_seconds_total', id).map((s) => [s.labels.cpu, s.value]),
    [
      ['cpu00', 1],
      ['cpu02', 2],
    ],
  )
  assert.equal(samples(fams, 'container_cpu_user_seconds_total', id)[0]?.value, 1)
  assert.equal(samples(fams, 'container_cpu_cfs_throttled_seconds_total', id)[0]?.value, 0.5)
  // No quota on the raw cgroup: no CFS series, as in cAdvisor.
  assert.equal(samples(fams, 'container_cpu_cfs_periods_total', {id: '/raw'}).length, 0)
  assert.equal(samples(fams, 'container_memory_working_set_bytes', id)[0]?.value, 600)
  assert.equal(fams.get('container_memory_failcnt')?.type, 'counter')
  assert.equal(samples(fams, 'container_memory_failures_total', {...id, failure_type: 'pgmajfault', scope: 'hierarchy'})[0]?.value, 1)
  assert.equal(samples(fams, 'container_fs_reads_bytes_total', {...id, device: '/dev/sda'})[0]?.value, 4096)
  assert.equal(samples(fams, 'container_blkio_device_usage_total', {...id, operation: 'Write', major: '8', minor: '0'})[0]?.value, 8192)
  assert.equal(samples(fams, 'container_network_transmit_bytes_total', {...id, interface: 'eth0'})[0]?.value, 3)
  assert.equal(samples(fams, 'container_pressure_cpu_stalled_seconds_total', id)[0]?.value, 0.0005)
  assert.equal(samples(fams, 'container_pressure_cpu_waiting_seconds_total', id)[0]?.value, 0.0015)
  assert.equal(samples(fams, 'container_oom_events_total', id)[0]?.value, 2)
  assert.equal(samples(fams, 'container_processes', id)[0]?.value, 3)
  assert.equal(samples(fams, 'container_threads', id)[0]?.value, 7, 'pids.current counts tasks, not processes')
  assert.equal(samples(fams, 'container_threads_max', id)[0]?.value, 100)
  assert.equal(samples(fams, 'container_threads_max', {id: '/raw'})[0]?.value, 0, 'unlimited is 0, as in cAdvisor')
  for (const name of ['container_processes', 'container_threads', 'container_threads_max']) assert.equal(fams.get(name)?.type, 'gauge')
  assert.equal(samples(fams, 'container_spec_cpu_shares', id)[0]?.value, 2 + Math.floor((99 * 262142) / 9999))
  assert.equal(samples(fams, 'container_spec_cpu_quota', id)[0]?.value, 50_000)
  assert.equal(samples(fams, 'container_spec_memory_limit_bytes', id)[0]?.value, 1e9)
  assert.equal(samples(fams, 'container_spec_memory_swap_limit_bytes', id)[0]?.value, 0)
  assert.equal(samples(fams, 'container_start_time_seconds', id)[0]?.value, 1_700_000_100)
  assert.equal(samples(fams, 'container_last_seen', id)[0]?.value, 1_700_000_300)
  // A raw cgroup: created when its directory was (not when cadv first saw it), started then too.
  assert.equal(samples(fams, 'container_creation_time_seconds', {id: '/raw'})[0]?.value, 1_690_000_000)
  assert.equal(samples(fams, 'container_start_time_seconds', {id: '/raw'})[0]?.value, 1_690_000_000)
  assert.equal(samples(fams, 'machine_cpu_cores')[0]?.value, machine.cpuCores)
  assert.equal(samples(fams, 'cadv_version_info')[0]?.labels.version, '9.9.9')
  assert.equal(fams.get('container_cpu_usage_seconds_total')?.help, 'Cumulative cpu time consumed in seconds.')
})

test("labels: only the container's own, sanitized keys, escaped values that round-trip", () => {
  const e = new Exposition({kinds: ALL_COLLECTED, machine, version: '1'})
  const text = e.render([docker(), raw('/raw')], 'prometheus')
  const fams = parseExposition(text, 'prometheus')
  const d = samples(fams, 'container_memory_usage_bytes', {id: '/docker/abc'})[0]!
  assert.equal(d.labels.name, 'web')
  assert.equal(d.labels.image, 'nginx:1')
  assert.equal(d.labels.container_label_com_example_team, NASTY)
  assert.equal(d.labels.container_label_restartcount, '2')
  // `a.b` and `a_b` both sanitize to a_b: the first in sort order wins, deterministically.
  assert.equal(d.labels.container_label_a_b, 'first')
  // The raw cgroup carries no empty container_label_* keys from the docker container.
  const r = samples(fams, 'container_memory_usage_bytes', {id: '/raw'})[0]!
  assert.deepEqual(Object.keys(r.labels), ['id'])
  for (const f of ['openmetrics'] as const) {
    const om = parseExposition(`${e.render([docker()], f)}# EOF\n`, f)
    assert.equal(samples(om, 'container_memory_usage_bytes')[0]?.labels.container_label_com_example_team, NASTY)
  }
})

test('--store-container-labels=false keeps whitelisted runtime labels only; env labels only when given', () => {
  const state = docker()
  state.info!.env = {DEPLOY_ENV: 'prod'}
  const e = new Exposition({kinds: ALL_COLLECTED, machine, version: '1', labels: {storeContainerLabels: false, whitelistedLabels: ['a.b']}})
  const fams = parseExposition(e.render([state], 'prometheus'), 'prometheus')
  const labels = samples(fams, 'container_memory_usage_bytes')[0]!.labels
  // docker and podman env keys are lower-cased, as cAdvisor's handlers do; containerd's are not.
  assert.deepEqual(Object.keys(labels).sort(), ['container_env_deploy_env', 'container_label_a_b', 'id', 'image', 'name'])
  assert.equal(labels.container_label_a_b, 'first')
  state.info = {...state.info!, factory: 'containerd'}
  const ctrd = samples(parseExposition(e.render([state], 'prometheus'), 'prometheus'), 'container_memory_usage_bytes')[0]!.labels
  assert.equal(ctrd.container_env_DEPLOY_ENV, 'prod')
})

test('container_label_restartcount only once the container has restarted', () => {
  const state = docker()
  state.info!.restartCount = 0
  const e = new Exposition({kinds: ALL_COLLECTED, machine, version: '1'})
  const labels = samples(parseExposition(e.render([state], 'prometheus'), 'prometheus'), 'container_memory_usage_bytes')[0]!.labels
  assert.equal('container_label_restartcount' in labels, false)
})

test('kinds gate families; percpu off gives a single cpu="total" series', () => {
  const e = new Exposition({kinds: selectKinds(['cpu']), machine, version: '1'})
  const fams = parseExposition(e.render([docker()], 'prometheus'), 'prometheus')
  assert.deepEqual(
    samples(fams, 'container_cpu_usage_seconds_total').map((s) => [s.labels.cpu, s.value]),
    [['total', 3]],
  )
  assert.equal(fams.has('container_memory_usage_bytes'), false)
  assert.equal(fams.has('container_spec_memory_limit_bytes'), false)
  assert.equal(fams.has('container_network_receive_bytes_total'), false)
})

test('OpenMetrics: counter families without _total, failcnt as unknown, info type, seconds timestamps', () => {
  const e = new Exposition({kinds: ALL_COLLECTED, machine, version: '1', timestamps: true})
  const text = `${e.render([docker()], 'openmetrics')}# EOF\n`
  const fams = parseExposition(text, 'openmetrics')
  assert.equal(fams.get('container_cpu_usage_seconds')?.type, 'counter')
  assert.equal(fams.get('container_memory_failcnt')?.type, 'unknown')
  assert.equal(fams.get('cadv_version')?.type, 'info')
  const s = samples(fams, 'container_memory_usage_bytes')[0]!
  assert.equal(s.timestamp, 1_700_000_200)
  // Spec and start time carry no timestamp, as in cAdvisor.
  assert.equal(samples(fams, 'container_spec_cpu_quota')[0]?.timestamp, undefined)
  const prom = parseExposition(e.render([docker()], 'prometheus'), 'prometheus')
  assert.equal(samples(prom, 'container_memory_usage_bytes')[0]?.timestamp, 1_700_000_200_000)
})

test('a changed sample is rendered again; an unchanged one gives the same text', () => {
  const e = new Exposition({kinds: ALL_COLLECTED, machine, version: '1'})
  const state = docker()
  const first = e.render([state], 'prometheus', 0)
  assert.equal(e.render([state], 'prometheus', 0), first)
  state.samples = [...state.samples, sample(state.name, 1_700_000_201_000, 7e9)]
  const fams = parseExposition(e.render([state], 'prometheus', 0), 'prometheus')
  assert.deepEqual(
    samples(fams, 'container_cpu_usage_seconds_total').map((s) => s.value),
    [1, 2],
  )
  // percpu figures did not change; the total did (cpu="total" only without percpu).
  const totals = new Exposition({kinds: selectKinds(['cpu']), machine, version: '1'})
  assert.equal(
    samples(parseExposition(totals.render([state], 'prometheus'), 'prometheus'), 'container_cpu_usage_seconds_total')[0]?.value,
    7,
  )
})

test('promtool reports nothing but the cAdvisor names kept for compatibility', {skip: promtoolSkipReason()}, async () => {
  const e = new Exposition({kinds: ALL_COLLECTED, machine, version: '1'})
  const text = e.render([docker(), raw('/raw')], 'prometheus') + (await new SelfMetrics().text('prometheus'))
  const problems = promtoolProblems(text)
  assert.deepEqual(
    problems.filter((p) => !KNOWN_CADVISOR_LINT.has(p)),
    [],
  )
  assert.ok(problems.length > 0, 'container_memory_failcnt should be reported')
})

test('self-metrics in OpenMetrics do not rename the Prometheus-format counters (prom-client pitfall)', async () => {
  const self = new SelfMetrics()
  const before = await self.text('prometheus')
  const om = await self.text('openmetrics')
  assert.match(om, /^# TYPE process_cpu_seconds counter$/m)
  assert.match(om, /^process_cpu_seconds_total /m)
  parseExposition(`${om}# EOF\n`, 'openmetrics')
  const after = await self.text('prometheus')
  assert.match(before, /^# TYPE process_cpu_seconds_total counter$/m)
  assert.match(after, /^# TYPE process_cpu_seconds_total counter$/m)
})

test('a body is shared by concurrent scrapes and rebuilt after a new sample', async () => {
  const {EventEmitter} = await import('node:events')
  const {MetricsSource} = await import('../../src/lib/metrics/index.js')
  const state = docker()
  const view = Object.assign(new EventEmitter(), {
    containers: () => [state],
    get: () => state,
  }) as unknown as import('../../src/lib/model/index.js').ContainerView
  const source = new MetricsSource({view, exposition: new Exposition({kinds: ALL_COLLECTED, machine, version: '1'}), coalesceMs: 0})
  const [a, b] = await Promise.all([source.body('prometheus'), source.body('prometheus')])
  assert.equal(a, b, 'two scrapes at once share one body')
  assert.equal(await source.body('prometheus'), a, 'nothing changed: same body')
  const next = sample(state.name, 1_700_000_201_000, 9e9)
  next.memory!.usageBytes = 4242
  state.samples = [...state.samples, next]
  view.emit('sample', state, next)
  const c = await source.body('prometheus')
  assert.notEqual(c, a)
  assert.equal(samples(parseExposition(c.text.toString(), 'prometheus'), 'container_memory_usage_bytes')[0]?.value, 4242)
  assert.equal((await c.gzipped()).subarray(0, 2).toString('hex'), '1f8b')
  const om = await source.body('openmetrics')
  assert.match(om.text.toString(), /# EOF\n$/)
  assert.equal(om.contentType, 'application/openmetrics-text; version=1.0.0; charset=utf-8')
  source.close()
})
