// The exposition model: cAdvisor names, values and labels for a container state, both formats,
// strict parsing, promtool lint, label escaping, and the per-container cache. The whole output
// for each fixture tree is pinned by test/unit/golden.test.ts.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {selectKinds} from '../../../src/lib/stats/index.js'
import {Exposition, readMachineInfo, SelfMetrics} from '../../../src/lib/metrics/index.js'

import {parseExposition, samples} from '../../helpers/exposition.js'
import {ALL_COLLECTED, dockerState, NASTY, rawState, sample} from '../../helpers/states.js'
import {KNOWN_CADVISOR_LINT, promtoolProblems, promtoolSkipReason} from '../../helpers/promtool.js'

const machine = readMachineInfo()
test('cAdvisor names, types, values and units in Prometheus text', () => {
  const e = new Exposition({kinds: ALL_COLLECTED, machine, version: '9.9.9'})
  const fams = parseExposition(e.render([dockerState(), rawState('/raw')], 'prometheus', 1_700_000_300_000), 'prometheus')
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
  const text = e.render([dockerState(), rawState('/raw')], 'prometheus')
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
    const om = parseExposition(`${e.render([dockerState()], f)}# EOF\n`, f)
    assert.equal(samples(om, 'container_memory_usage_bytes')[0]?.labels.container_label_com_example_team, NASTY)
  }
})

test('--store-container-labels=false keeps whitelisted runtime labels only; env labels only when given', () => {
  const state = dockerState()
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
  const state = dockerState()
  state.info!.restartCount = 0
  const e = new Exposition({kinds: ALL_COLLECTED, machine, version: '1'})
  const labels = samples(parseExposition(e.render([state], 'prometheus'), 'prometheus'), 'container_memory_usage_bytes')[0]!.labels
  assert.equal('container_label_restartcount' in labels, false)
})

test('kinds gate families; percpu off gives a single cpu="total" series', () => {
  const e = new Exposition({kinds: selectKinds(['cpu']), machine, version: '1'})
  const fams = parseExposition(e.render([dockerState()], 'prometheus'), 'prometheus')
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
  const text = `${e.render([dockerState()], 'openmetrics')}# EOF\n`
  const fams = parseExposition(text, 'openmetrics')
  assert.equal(fams.get('container_cpu_usage_seconds')?.type, 'counter')
  assert.equal(fams.get('container_memory_failcnt')?.type, 'unknown')
  assert.equal(fams.get('cadv_version')?.type, 'info')
  const s = samples(fams, 'container_memory_usage_bytes')[0]!
  assert.equal(s.timestamp, 1_700_000_200)
  // Spec and start time carry no timestamp, as in cAdvisor.
  assert.equal(samples(fams, 'container_spec_cpu_quota')[0]?.timestamp, undefined)
  const prom = parseExposition(e.render([dockerState()], 'prometheus'), 'prometheus')
  assert.equal(samples(prom, 'container_memory_usage_bytes')[0]?.timestamp, 1_700_000_200_000)
})

test('a changed sample is rendered again; an unchanged one gives the same text', () => {
  const e = new Exposition({kinds: ALL_COLLECTED, machine, version: '1'})
  const state = dockerState()
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
  const text = e.render([dockerState(), rawState('/raw')], 'prometheus') + (await new SelfMetrics().text('prometheus'))
  const problems = promtoolProblems(text)
  assert.deepEqual(
    problems.filter((p) => !KNOWN_CADVISOR_LINT.has(p)),
    [],
  )
  assert.ok(problems.length > 0, 'container_memory_failcnt should be reported')
})
