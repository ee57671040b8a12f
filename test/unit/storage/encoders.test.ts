// What each driver writes for one sample: cAdvisor's stdout line, JSON document, influxdb
// points and statsd gauges, and remote write's protobuf, decoded here by protobufjs against the
// published remote.proto/types.proto schema.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {PassThrough} from 'node:stream'

import protobuf from 'protobufjs'

import {Exposition, podIndexOf} from '../../../src/lib/metrics/index.js'
import type {ContainerState, Sample} from '../../../src/lib/model/index.js'
import {selectKinds} from '../../../src/lib/stats/index.js'
import {
  DRIVERS,
  RemoteWriteEncoder,
  cadvisorDocument,
  datagrams,
  driverNames,
  goTime,
  hostsFor,
  parseLabelText,
  type EncodeContext,
  type StorageSettings,
} from '../../../src/lib/storage/index.js'
import {parseByteSize} from '../../../src/lib/util/index.js'

const sample: Sample = {
  name: '/docker/abc',
  timestampMs: 1_796_000_000_123,
  cpu: {usageNs: 5_000_000_123, userNs: 3_000_000_000, systemNs: 2_000_000_000, perCpuNs: [4_000_000_000, 1_000_000_123]},
  memory: {usageBytes: 1_048_576, workingSetBytes: 524_288, rssBytes: 400_000, cacheBytes: 600_000, failcnt: 0, pgfault: 77, pgmajfault: 1},
  network: [{name: 'eth0', rxBytes: 10, rxPackets: 1, rxErrors: 0, rxDropped: 0, txBytes: 20, txPackets: 2, txErrors: 0, txDropped: 0}],
}

const state: ContainerState = {
  name: '/docker/abc',
  samples: [sample],
  firstSeenMs: 1_796_000_000_000,
  info: {
    name: '/docker/abc',
    factory: 'docker',
    id: 'abc',
    aliases: ['web', 'abc'],
    image: 'nginx:1',
    labels: {'com.example.team': 'a b,c=d', empty: ''},
    env: {},
    pid: 0,
    hasNetwork: true,
  },
}

const context: EncodeContext = {pods: () => podIndexOf([state])}

function settings(over: Partial<StorageSettings> = {}): StorageSettings {
  return {
    db: 'cadvisor',
    table: 'stats',
    secure: false,
    retentionPolicy: '',
    tls: {insecureSkipVerify: false},
    externalLabels: [
      ['job', 'cadvisor'],
      ['instance', 'node1'],
    ],
    machineName: 'node1',
    version: '0.0.0',
    kinds: selectKinds(undefined, undefined),
    labels: {storeContainerLabels: true, whitelistedLabels: []},
    sendTimeoutMs: 1000,
    stdout: new PassThrough(),
    ...over,
  }
}

test('stdout: cAdvisor line with the alias as cName', () => {
  const line = DRIVERS.stdout!(settings({host: 'h1'})).encode(state, sample, context) as string
  assert.match(line, /^cName=web host=h1 timestamp=1796000000123000000 cpu_usage_total=5000000123 cpu_cumulative_usage=5000000123 /)
  assert.match(line, / cpu_usage_per_cpu\.1=1000000123 /)
  assert.match(line, / rx_bytes=10 rx_errors=0 tx_bytes=20 tx_errors=0 /)
  assert.match(line, / memory_usage=1048576 .* memory_working_set=524288 /)
  assert.match(line, / memory_failure\.container\.pgmajfault=1\n$/)
  assert.doesNotMatch(line, /memory_swap/, 'a value cadv did not read is left out, not 0')
})

test('redis document: cAdvisor field names and units', () => {
  const doc = cadvisorDocument(sample, 'node1', 'web') as {
    timestamp: number
    container_stats: {
      timestamp: string
      cpu: {usage: {total: number; per_cpu_usage: number[]}}
      memory: Record<string, unknown>
      network: Record<string, unknown>
    }
  }
  assert.equal(doc.timestamp, 1_796_000_000_123_000)
  assert.deepEqual(Object.keys(doc), ['timestamp', 'machine_name', 'container_Name', 'container_stats'])
  assert.equal(doc.container_stats.timestamp, '2026-11-30T00:53:20.123Z')
  assert.equal(doc.container_stats.cpu.usage.total, 5_000_000_123)
  assert.deepEqual(doc.container_stats.cpu.usage.per_cpu_usage, [4_000_000_000, 1_000_000_123])
  assert.equal(doc.container_stats.memory.working_set, 524_288)
  assert.deepEqual(doc.container_stats.memory.container_data, {pgfault: 77, pgmajfault: 1})
  assert.equal('swap' in doc.container_stats.memory, false)
  assert.equal(doc.container_stats.network.rx_bytes, 10)
  assert.equal((doc.container_stats.network.interfaces as unknown[]).length, 1)
  assert.equal(goTime(1000.5), '1970-01-01T00:00:01.0005Z')
})

test('influxdb: one point per value, integer field, escaped tags, ms time', () => {
  const lines = (DRIVERS.influxdb!(settings()).encode(state, sample, context) as string).split('\n').filter(Boolean)
  const tags = ',container_name=web,machine=node1,com.example.team=a\\ b\\,c\\=d'
  assert.ok(lines.includes(`cpu_usage_total${tags} value=5000000123i 1796000000123`), lines[0])
  assert.ok(lines.includes(`cpu_usage_per_cpu${tags},instance=1 value=1000000123i 1796000000123`))
  assert.ok(lines.includes(`memory_failure${tags},failure_type=pgfault,scope=container value=77i 1796000000123`))
  assert.ok(lines.includes(`rx_bytes${tags} value=10i 1796000000123`))
  assert.equal(
    lines.some((l) => l.includes('empty=')),
    false,
    'an empty tag value cannot be written',
  )
})

test('statsd: gauges prefixed with the db and the container, packed under the datagram size', () => {
  const text = DRIVERS.statsd!(settings()).encode(state, sample, context) as string
  assert.match(text, /^cadvisor\.web\.cpu_usage_total:5000000123\|g\ncadvisor\.web\.cpu_cumulative_usage:5000000123\|g\n/)
  assert.match(text, /\ncadvisor\.web\.memory_usage:1048576\|g\n/)
  const lines = Array.from({length: 100}, (_, i) => `cadvisor.web.k${i}:${i}|g`)
  const packed = datagrams(lines, 200)
  assert.ok(packed.every((d) => d.length <= 200))
  assert.deepEqual(packed.join('\n').split('\n'), lines)
})

type Series = Array<{labels: Array<{name: string; value: string}>; samples: Array<{value: number; timestamp: number}>}>

function decode(bytes: Buffer): Series {
  const WriteRequest = protobuf.parse(SCHEMA).root.lookupType('prometheus.WriteRequest')
  return (WriteRequest.toObject(WriteRequest.decode(bytes), {longs: Number}) as {timeseries: Series}).timeseries
}

const SCHEMA = `
syntax = "proto3";
package prometheus;
message WriteRequest { repeated TimeSeries timeseries = 1; reserved 2; repeated MetricMetadata metadata = 3; }
message MetricMetadata { int32 type = 1; string metric_family_name = 2; string help = 4; string unit = 5; }
message Sample { double value = 1; int64 timestamp = 2; }
message TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; }
message Label { string name = 1; string value = 2; }
`

test('remote write: the series and labels of /metrics, sorted, at the sample time', () => {
  const kinds = selectKinds(undefined, undefined)
  const labels = {storeContainerLabels: true, whitelistedLabels: []}
  const enc = new RemoteWriteEncoder(kinds, labels, [
    ['job', 'cadvisor'],
    ['instance', 'node1'],
  ])
  const bytes = Buffer.concat([enc.encode(state, sample), enc.encode(state, sample)])
  const WriteRequest = protobuf.parse(SCHEMA).root.lookupType('prometheus.WriteRequest')
  const req = WriteRequest.toObject(WriteRequest.decode(bytes), {longs: Number}) as {
    timeseries: Array<{labels: Array<{name: string; value: string}>; samples: Array<{value: number; timestamp: number}>}>
  }
  const series = req.timeseries.slice(0, req.timeseries.length / 2)
  for (const s of series) {
    const names = s.labels.map((l) => l.name)
    assert.deepEqual(names, [...names].sort(), 'labels sorted by name')
    assert.equal(s.samples.length, 1)
    assert.equal(s.samples[0]!.timestamp, 1_796_000_000_123)
  }
  const text = (s: (typeof series)[number]): string => {
    const m = Object.fromEntries(s.labels.map((l) => [l.name, l.value]))
    const name = m.__name__
    delete m.__name__
    delete m.job
    delete m.instance
    const pairs = Object.entries(m)
      .sort()
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    return `${name}{${pairs.join(',')}} ${s.samples[0]!.value}`
  }
  // The exposition of the same state, each line with its labels sorted the same way.
  const body = new Exposition({kinds, labels, machine: {} as never, version: '0'}).render([state], 'prometheus')
  const expected = body
    .split('\n')
    .filter((l) => l.startsWith('container_') && l.includes('id="/docker/abc"'))
    .map((l) => {
      const m = /^(\w+)\{(.*)\} (\S+)$/.exec(l)!
      const pairs = parseLabelText(m[2]!)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      const value = m[1] === 'container_last_seen' ? '1796000000' : String(Number(m[3]))
      return `${m[1]}{${pairs.join(',')}} ${value}`
    })
    .sort()
  assert.ok(expected.length > 20, `only ${expected.length} series`)
  assert.deepEqual(series.map(text).sort(), expected)
  assert.ok(series.every((s) => s.labels.some((l) => l.name === 'instance' && l.value === 'node1')))
  assert.deepEqual(parseLabelText('a="x\\"y",b="\\\\n"'), [
    ['a', 'x"y'],
    ['b', '\\n'],
  ])
})

test('flag rules: drivers, hosts, sizes', () => {
  assert.deepEqual(driverNames(['redis', 'stdout', 'redis']), ['redis', 'stdout'])
  assert.throws(() => driverNames(['mongo']), /unknown storage driver "mongo" \(known: stdout, redis, influxdb, statsd, remote-write\)/)
  assert.throws(() => driverNames(['kafka']), /storage driver kafka is not built into cadv/)
  assert.deepEqual(
    [...hostsFor(['redis', 'influxdb'], ['h:1', 'redis=r:2'])],
    [
      ['redis', 'r:2'],
      ['influxdb', 'h:1'],
    ],
  )
  assert.throws(() => hostsFor(['redis'], ['statsd=x:1']), /not one of the drivers in use/)
  assert.equal(parseByteSize('64MiB'), 64 * 1024 * 1024)
  assert.equal(parseByteSize('2kB'), 2000)
  assert.throws(() => parseByteSize('lots'), /invalid size/)
  assert.throws(() => DRIVERS['remote-write']!(settings({host: 'ftp://x'})), /not an http\(s\) URL/)
  assert.throws(() => DRIVERS['remote-write']!(settings()), /needs --storage-driver-host/)
  assert.throws(() => DRIVERS.redis!(settings({host: 'http://x:1/path'})), /not an address/)
})

// A burstable pod as the kubelet lays it out (cgroupfs driver): QoS cgroup, pod cgroup (no
// runtime knows it), the sandbox and one container, both with the kubelet's runtime labels.
const UID = '00000000-0000-4000-8000-0000000000aa'
const POD_CG = `/kubepods/burstable/pod${UID}`
const KUBE = {'io.kubernetes.pod.namespace': 'ns1', 'io.kubernetes.pod.name': 'web-0', 'io.kubernetes.pod.uid': UID}

function kubeState(name: string, labels?: Record<string, string>): ContainerState {
  return {
    name,
    samples: [{...sample, name}],
    firstSeenMs: 1_796_000_000_000,
    info: labels && {
      name,
      factory: 'containerd',
      id: name.split('/').at(-1)!,
      aliases: [name.split('/').at(-1)!],
      image: 'busybox:1',
      labels: {...labels, 'com.example.team': 'a'},
      env: {},
      pid: 0,
      hasNetwork: true,
    },
  }
}

test('remote write under --kubelet-labels: the label sets of /metrics, pod cgroups named after their pod', () => {
  const kinds = selectKinds(undefined, undefined)
  const labels = {storeContainerLabels: true, whitelistedLabels: [], kubelet: true}
  const states = [
    kubeState('/kubepods/burstable'),
    kubeState(POD_CG),
    kubeState(`${POD_CG}/sandbox1`, KUBE),
    kubeState(`${POD_CG}/app1`, {...KUBE, 'io.kubernetes.container.name': 'app'}),
  ]
  const enc = new RemoteWriteEncoder(kinds, labels, [
    ['job', 'cadvisor'],
    ['instance', 'node1'],
    // An external label of a kubelet label's name: an empty kubelet label holds its place.
    ['namespace', 'from-outside'],
  ])
  const labelSets = (series: Series): Map<string, Record<string, string>> =>
    new Map(
      series
        .filter((s) => s.labels.some((l) => l.name === '__name__' && l.value === 'container_memory_usage_bytes'))
        .map((s) => {
          const m = Object.fromEntries(s.labels.map((l) => [l.name, l.value]))
          return [m.id!, m]
        }),
    )
  // The pod cgroup before its pod is known (nothing else seen yet), then after.
  const alone = labelSets(decode(enc.encode(states[1]!, states[1]!.samples.at(0)!, () => podIndexOf([states[1]!]))))
  assert.equal(alone.get(POD_CG)!.pod, undefined)
  const pods = (): ReturnType<typeof podIndexOf> => podIndexOf(states)
  const written = labelSets(decode(Buffer.concat(states.map((s) => enc.encode(s, s.samples.at(0)!, pods)))))
  const body = new Exposition({kinds, labels, machine: {} as never, version: '0'}).render(states, 'prometheus')
  const scraped = new Map(
    body
      .split('\n')
      .filter((l) => l.startsWith('container_memory_usage_bytes{'))
      .map((l) => {
        const pairs = parseLabelText(/\{(.*)\}/.exec(l)![1]!)
        // The six kubelet labels are written even when empty.
        assert.deepEqual(
          pairs.slice(0, 6).map(([k]) => k),
          ['id', 'name', 'image', 'namespace', 'pod', 'container'],
        )
        return [pairs[0]![1], Object.fromEntries(pairs.filter(([, v]) => v !== ''))] as const
      }),
  )
  assert.equal(written.size, 4)
  for (const [id, w] of written) {
    const {job, instance, __name__, ...rest} = w
    assert.deepEqual([job, instance, __name__], ['cadvisor', 'node1', 'container_memory_usage_bytes'], id)
    assert.deepEqual(rest, scraped.get(id), id)
    assert.ok(
      Object.values(w).every((v) => v !== ''),
      `${id}: no empty label value on the wire`,
    )
  }
  assert.deepEqual([written.get(POD_CG)!.namespace, written.get(POD_CG)!.pod], ['ns1', 'web-0'])
  assert.equal(written.get(`${POD_CG}/app1`)!.container, 'app')
  assert.equal(written.get('/kubepods/burstable')!.namespace, undefined, 'an empty namespace keeps the external one out')
  assert.ok(![...written.values()].some((w) => Object.keys(w).some((k) => k.startsWith('container_label_'))))
})

test("cAdvisor's shapes (stdout, redis, influxdb, statsd) are the same under --kubelet-labels", () => {
  const s = kubeState(`${POD_CG}/app1`, {...KUBE, 'io.kubernetes.container.name': 'app'})
  const ctx: EncodeContext = {pods: () => podIndexOf([s])}
  for (const name of ['stdout', 'redis', 'influxdb', 'statsd']) {
    const plain = DRIVERS[name]!(settings()).encode(s, s.samples.at(0)!, ctx)
    const kubelet = DRIVERS[name]!(settings({labels: {storeContainerLabels: true, whitelistedLabels: [], kubelet: true}})).encode(
      s,
      s.samples.at(0)!,
      ctx,
    )
    assert.deepEqual(kubelet, plain, name)
  }
  // influxdb keeps the runtime labels as tags, the kubelet's among them.
  const line = (DRIVERS.influxdb!(settings()).encode(s, s.samples.at(0)!, ctx) as string).split('\n')[0]!
  assert.match(line, /,io\.kubernetes\.container\.name=app,io\.kubernetes\.pod\.name=web-0,io\.kubernetes\.pod\.namespace=ns1,/)
})
