// Every reader on v1 (separate and co-mounted cpu/cpuacct), hybrid and v2 fixture trees, read
// through the real path: discoverCgroups({cgroupRoot}) → ContainerCollector → OpenFiles (one test
// per tree: each reads every kind's files).
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {cpSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {discoverCgroups} from '../../../../src/lib/cgroups/index.js'
import {ContainerCollector, OpenFiles, selectKinds} from '../../../../src/lib/stats/index.js'
import {collectFixture, FIXTURES} from '../../../helpers/collect.js'

const v1Cpu = {
  usageNs: 3e9,
  perCpuNs: [1e9, 2e9],
  userNs: 1.5e9,
  systemNs: 0.5e9,
  periods: 100,
  throttledPeriods: 7,
  throttledNs: 123456789,
  bursts: 0,
  burstNs: 0,
}
const v1Memory = {
  usageBytes: 209715200,
  workingSetBytes: 209715200 - 10485760,
  rssBytes: 178257920,
  cacheBytes: 20971520,
  mappedFileBytes: 4194304,
  swapBytes: 4096,
  // cAdvisor takes the faults from the local keys, never total_pgfault/total_pgmajfault.
  pgfault: 10,
  pgmajfault: 1,
  maxUsageBytes: 262144000,
  failcnt: 3,
  kernelBytes: 1048576,
  activeFileBytes: 10485760,
  inactiveFileBytes: 10485760,
}
const disks = [
  {major: 8, minor: 0, device: 'sda', readBytes: 1048576, writeBytes: 2097152, reads: 10, writes: 20},
  {major: 253, minor: 0, device: 'dm-0', readBytes: 4096, writeBytes: 0, reads: 1, writes: 0},
]
/** v1 io_service_bytes also gives the Sync, Async, Discard and Total cuts. */
const v1Disks = [
  {...disks[0]!, syncBytes: 3145728, asyncBytes: 0, discardBytes: 0, totalBytes: 3145728},
  {...disks[1]!, syncBytes: 4096, asyncBytes: 0, discardBytes: 0, totalBytes: 4096},
]
/** v2 io.stat: the io.cost controller's cost.usage on dm-0. */
const v2Disks = [disks[0]!, {...disks[1]!, costUsageUs: 5}]
const network = [
  {name: 'eth0', rxBytes: 1500000, rxPackets: 1000, rxErrors: 1, rxDropped: 2, txBytes: 500000, txPackets: 800, txErrors: 3, txDropped: 4},
  {name: 'eth1', rxBytes: 250000, rxPackets: 100, rxErrors: 0, rxDropped: 0, txBytes: 125000, txPackets: 50, txErrors: 0, txDropped: 0},
]

for (const tree of ['cgroup_v1/separate', 'cgroup_v1/comounted', 'cgroup_v1/hybrid']) {
  test(`v1 readers: ${tree}`, () => {
    const {sample, c} = collectFixture(tree)
    assert.equal(sample.errors, undefined)
    assert.deepEqual(sample.cpu, v1Cpu)
    assert.deepEqual(sample.memory, v1Memory)
    assert.deepEqual(sample.diskio, v1Disks)
    assert.deepEqual(sample.network, network, 'lo and veth* are skipped')
    assert.deepEqual(sample.processes, {processes: 2, threads: 5}, 'cgroup.procs lines, pids.current tasks')
    assert.deepEqual(c.spec, {cpuShares: 512, cpuQuotaUs: 50000, cpuPeriodUs: 100000, memoryLimitBytes: 536870912})
    if (tree.endsWith('hybrid')) {
      assert.deepEqual(sample.pressure, {
        cpu: {someUs: 111, fullUs: 0},
        memory: {someUs: 2222, fullUs: 1111},
        io: {someUs: 33333, fullUs: 22222},
      })
    } else {
      assert.equal(sample.pressure, undefined)
    }
  })
}

test('v1 without percpu reads cpuacct.usage, and no quota means no cpu.stat', () => {
  const kinds = selectKinds(['cpu'])
  const {sample} = collectFixture('cgroup_v1/separate', {kinds})
  assert.deepEqual(sample.cpu, {
    usageNs: 3e9,
    userNs: 1.5e9,
    systemNs: 0.5e9,
    periods: 100,
    throttledPeriods: 7,
    throttledNs: 123456789,
    bursts: 0,
    burstNs: 0,
  })
  assert.deepEqual(Object.keys(sample).sort(), ['cpu', 'name', 'timestampMs'])
})

test('v2 readers: cgroup_v2/basic', () => {
  const {sample, c} = collectFixture('cgroup_v2/basic')
  assert.equal(sample.errors, undefined)
  assert.deepEqual(sample.cpu, {
    usageNs: 3e9,
    userNs: 2e9,
    systemNs: 1e9,
    periods: 100,
    throttledPeriods: 7,
    throttledNs: 123456000,
    bursts: 2,
    burstNs: 5000000,
  })
  assert.deepEqual(sample.memory, {
    usageBytes: 209715200,
    workingSetBytes: 209715200 - 10485760,
    rssBytes: 178257920,
    cacheBytes: 20971520,
    mappedFileBytes: 4194304,
    kernelBytes: 1048576,
    pgfault: 5000,
    pgmajfault: 12,
    swapBytes: 4096,
    maxUsageBytes: 262144000,
    oomEvents: 2,
    oomKills: 1,
    activeFileBytes: 10485760,
    inactiveFileBytes: 10485760,
    eventsHigh: 0,
    eventsMax: 5,
  })
  assert.deepEqual(sample.oom, {kills: 1}, 'memory.events oom_kill')
  assert.deepEqual(sample.diskio, v2Disks)
  assert.deepEqual(sample.network, network)
  assert.deepEqual(sample.pressure, {
    cpu: {someUs: 111, fullUs: 0},
    memory: {someUs: 2222, fullUs: 1111},
    io: {someUs: 33333, fullUs: 22222},
  })
  assert.deepEqual(sample.processes, {processes: 1, threads: 3, threadsLimit: 100})
  // memory.max "max" and memory.swap.max "max" are unlimited: absent, never 2^63.
  assert.deepEqual(c.spec, {
    cpuWeight: 50,
    cpuShares: 1286,
    cpuPeriodUs: 100000,
    cpuQuotaUs: 50000,
    cpusetCpus: '0-1',
    memoryReservationBytes: 0,
    pidsLimit: 100,
  })
})

test('v1 malformed files: one error per file, the rest of the sample kept', () => {
  const {sample} = collectFixture('cgroup_v1/malformed')
  const errors = sample.errors ?? []
  assert.equal(errors.length, 3, errors.join('\n'))
  assert.match(
    errors.find((e) => e.includes('cpuacct.usage_percpu'))!,
    /field 2: "two" is not an integer/,
  )
  assert.match(
    errors.find((e) => e.includes('cpuacct.stat'))!,
    /line 2: "fifty" is not an integer/,
  )
  assert.match(
    errors.find((e) => e.includes('io_service_bytes_recursive'))!,
    /line 1: expected "major:minor op value"/,
  )
  assert.deepEqual(
    sample.cpu,
    {usageNs: 3e9, periods: 100, throttledPeriods: 7, throttledNs: 123456789, bursts: 0, burstNs: 0},
    'cpuacct.usage stands in for usage_percpu',
  )
  assert.deepEqual(sample.memory, v1Memory)
  assert.deepEqual(sample.diskio, [
    {major: 8, minor: 0, device: 'sda', readBytes: 0, writeBytes: 0, reads: 10, writes: 20},
    {major: 253, minor: 0, device: 'dm-0', readBytes: 0, writeBytes: 0, reads: 1, writes: 0},
  ])
  assert.deepEqual(sample.processes, {processes: 2, threads: 5})
})

test('v1 truncated files: a clear error, usage still reported', () => {
  const {sample} = collectFixture('cgroup_v1/truncated')
  const errors = sample.errors ?? []
  assert.equal(errors.length, 2, errors.join('\n'))
  assert.match(
    errors.find((e) => e.includes('memory.stat'))!,
    /line 5: expected "key value", got "total_inac"/,
  )
  assert.match(
    errors.find((e) => e.includes('cpuacct.stat'))!,
    /no "system" line/,
  )
  assert.equal(sample.memory?.usageBytes, 209715200)
  assert.equal(sample.memory?.workingSetBytes, 209715200, 'without memory.stat the working set is the usage')
  assert.equal(sample.memory?.failcnt, 3)
  assert.equal(sample.cpu?.usageNs, 3e9)
  assert.equal(sample.cpu?.userNs, undefined)
})

test('v2 malformed files: errors name the file and the fault', () => {
  const {sample, c} = collectFixture('cgroup_v2/malformed')
  const errors = sample.errors ?? []
  assert.match(
    errors.find((e) => e.includes('memory.stat'))!,
    /line 2: "line is wrong" is not an integer/,
  )
  assert.match(
    errors.find((e) => e.includes('io.stat'))!,
    /rbytes="lots" is not an integer/,
  )
  assert.match(
    errors.find((e) => e.includes('memory.max'))!,
    /expected an integer, got "a lot"/,
  )
  assert.match(
    errors.find((e) => e.includes('memory.pressure'))!,
    /expected "some" or "full"/,
  )
  assert.equal(errors.length, 4, errors.join('\n'))
  assert.equal(sample.memory?.usageBytes, 209715200)
  assert.equal(sample.memory?.oomEvents, 2)
  assert.equal(sample.diskio, undefined)
  assert.deepEqual(sample.pressure, {cpu: {someUs: 111, fullUs: 0}, io: {someUs: 33333, fullUs: 22222}})
  assert.equal(sample.cpu?.usageNs, 3e9)
  assert.equal(c.spec?.memoryLimitBytes, undefined)
  assert.equal(c.spec?.cpuQuotaUs, 50000)
})

test('v2 truncated files', () => {
  const {sample} = collectFixture('cgroup_v2/truncated')
  const errors = sample.errors ?? []
  assert.match(
    errors.find((e) => e.includes('cpu.stat'))!,
    /no "system_usec" line/,
  )
  assert.match(
    errors.find((e) => e.includes('memory.events'))!,
    /line 3: expected "key value", got "ma"/,
  )
  assert.equal(errors.length, 2, errors.join('\n'))
  assert.equal(sample.cpu, undefined)
  assert.equal(sample.memory?.oomEvents, undefined)
  assert.equal(sample.memory?.workingSetBytes, 209715200 - 10485760)
})

test('a malformed net/dev is an error for network only', () => {
  const {sample} = collectFixture('cgroup_v2/basic', {proc: 'badnet'})
  assert.equal(sample.network, undefined)
  assert.deepEqual(sample.errors, [`${FIXTURES}proc/badnet/4242/net/dev: line 3 (eth0): expected 16 counters, got 3`])
  assert.deepEqual(
    sample.diskio?.map((d) => d.device),
    ['8:0', '253:0'],
    'unknown devices keep major:minor',
  )
})

test('without the pids controller: processes from cgroup.procs, no threads and no limit', () => {
  const {sample} = collectFixture('cgroup_v1/nopids', {kinds: selectKinds(['process'])})
  assert.equal(sample.errors, undefined)
  assert.deepEqual(sample.processes, {processes: 3})
})

test('the root has no process part: its cgroup.procs holds only the processes directly in it', () => {
  const {sample} = collectFixture('cgroup_v1/separate', {name: '/', kinds: selectKinds(['process'])})
  assert.equal(sample.processes, undefined)
})

test('v2 root without memory.current: usage is anon + file of memory.stat, swap from /proc/meminfo', () => {
  const {sample} = collectFixture('cgroup_v2/root', {name: '/', kinds: selectKinds(['memory'])})
  assert.equal(sample.errors, undefined)
  assert.deepEqual(sample.memory, {
    usageBytes: 104857600 + 52428800,
    workingSetBytes: 104857600 + 52428800 - 31457280,
    rssBytes: 104857600,
    cacheBytes: 52428800,
    mappedFileBytes: 4194304,
    kernelBytes: 8388608,
    pgfault: 90000,
    pgmajfault: 70,
    swapBytes: (2097152 - 2096128) * 1024,
    activeFileBytes: 20971520,
    inactiveFileBytes: 31457280,
  })
})

test('v1 with memory.use_hierarchy 0: rss, cache, mapped_file and swap from the local keys', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'cadv-fixture-'))
  try {
    cpSync(FIXTURES + 'cgroup_v1/separate', join(tmp, 'tree'), {recursive: true})
    writeFileSync(join(tmp, 'tree/memory/docker/c1/memory.use_hierarchy'), '0\n')
    const layout = discoverCgroups({cgroupRoot: join(tmp, 'tree'), procRoot: FIXTURES + 'proc/basic'})
    const c = new ContainerCollector('/docker/c1', {layout, kinds: selectKinds(['memory']), files: new OpenFiles(64)})
    const sample = c.collect(1_000_000)
    assert.deepEqual(sample?.memory, {
      ...v1Memory,
      rssBytes: 2000,
      cacheBytes: 1000,
      mappedFileBytes: 300,
      swapBytes: 0,
      // inactive_file is total_inactive_file either way, as in cAdvisor.
      workingSetBytes: 209715200 - 10485760,
    })
  } finally {
    rmSync(tmp, {recursive: true, force: true})
  }
})
