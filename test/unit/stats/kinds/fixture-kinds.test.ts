// The kinds this host cannot show for real (hugetlb, v2 memory events and NUMA, the v1 files
// of a cgroup whose tasks live elsewhere), and every parser edge the real tests cannot reach,
// on fixture trees read through --cgroup-root: cgroup_v1/kinds, cgroup_v2/kinds, host/kinds.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {discoverCgroups} from '../../../../src/lib/cgroups/index.js'
import {ContainerCollector, OpenFiles, selectKinds} from '../../../../src/lib/stats/index.js'
import {FIXTURES} from '../../../helpers/collect.js'

import {exposeSample, fixtureSample} from '../../../helpers/kinds.js'
import type {BlkioDeviceSample, Sample} from '../../../../src/lib/model/index.js'
import {samples} from '../../../helpers/exposition.js'
import {parsePidList} from '../../../../src/lib/stats/tasks.js'
import {taskState} from '../../../../src/lib/stats/kinds/cpuload/reader.js'
import {pageSizeName} from '../../../../src/lib/stats/kinds/hugetlb/reader.js'
import {parseLimits} from '../../../../src/lib/stats/kinds/process/reader.js'
import {parseSchedstat} from '../../../../src/lib/stats/kinds/sched/reader.js'
import {pageSize} from '../../../../src/lib/util/index.js'

const V1 = 'cgroup_v1/kinds'
const V2 = 'cgroup_v2/kinds'

test('hugetlb v1: usage, max usage and failcnt per page size, named as the cgroup files name them', () => {
  const s = fixtureSample(V1, 'kinds', ['hugetlb'])
  assert.deepEqual(s.hugetlb, [
    {pageSize: '2MB', usageBytes: 4194304, maxUsageBytes: 8388608, failcnt: 2},
    {pageSize: '1GB', usageBytes: 0, maxUsageBytes: 0, failcnt: 0},
  ])
  const fams = exposeSample(s, ['hugetlb'])
  assert.deepEqual(
    samples(fams, 'container_hugetlb_failcnt').map((x) => [x.labels.pagesize, x.value]),
    [
      ['2MB', 2],
      ['1GB', 0],
    ],
  )
  assert.equal(fams.get('container_hugetlb_failcnt')?.type, 'counter')
})

test('hugetlb v2: current and the max count of events; no maximum usage series (v2 keeps none)', () => {
  const s = fixtureSample(V2, 'kinds', ['hugetlb'])
  assert.deepEqual(s.hugetlb, [
    {pageSize: '2MB', usageBytes: 2097152, failcnt: 7},
    {pageSize: '1GB', usageBytes: 0, failcnt: 0},
  ])
  const fams = exposeSample(s, ['hugetlb'])
  assert.equal(samples(fams, 'container_hugetlb_max_usage_bytes').length, 0)
  assert.equal(samples(fams, 'container_hugetlb_usage_bytes', {pagesize: '2MB'})[0]?.value, 2097152)
})

test('page size names follow the kernel: 2048 kB is 2MB, 1048576 kB is 1GB, 64 kB is 64KB', () => {
  assert.equal(pageSizeName(2048), '2MB')
  assert.equal(pageSizeName(1048576), '1GB')
  assert.equal(pageSizeName(64), '64KB')
})

test('memory_numa v1: container and hierarchy scopes per node, in pages', () => {
  const s = fixtureSample(V1, 'kinds', ['memory_numa'])
  assert.deepEqual(s.numa, {
    container: {file: [5100, 20], anon: [43400, 120], unevictable: [0, 0]},
    hierarchy: {file: [10200, 40], anon: [86800, 240], unevictable: [8, 0]},
  })
  const fams = exposeSample(s, ['memory_numa'])
  assert.equal(samples(fams, 'container_memory_numa_pages').length, 12)
  assert.equal(samples(fams, 'container_memory_numa_pages', {type: 'anon', scope: 'hierarchy', node: '1'})[0]?.value, 240)
})

test('memory_numa v2: bytes per node divided by the page size, hierarchy scope only', () => {
  const s = fixtureSample(V2, 'kinds', ['memory_numa'])
  const p = pageSize()
  assert.deepEqual(s.numa, {
    hierarchy: {
      file: [Math.floor(409600 / p), 0],
      anon: [Math.floor(8192000 / p), Math.floor(4096 / p)],
      unevictable: [Math.floor(4096 / p), 0],
    },
  })
})

test('cpuset: memory_migrate on v1, no series on v2', () => {
  assert.equal(fixtureSample(V1, 'kinds', ['cpuset']).memoryMigrate, 1)
  assert.equal(fixtureSample(V2, 'kinds', ['cpuset']).memoryMigrate, undefined)
})

test("oom_event: v1 memory.oom_control; v2 the cgroup's own memory.events.local, not the subtree's memory.events", () => {
  assert.deepEqual(fixtureSample(V1, 'kinds', ['oom_event']).oom, {kills: 3})
  assert.deepEqual(fixtureSample(V2, 'kinds', ['oom_event']).oom, {kills: 1})
  assert.deepEqual(fixtureSample(V2, 'kinds', ['memory', 'oom_event']).oom, {kills: 1})
  // Without memory.events.local (kernels before 5.2): memory.events, with or without the memory kind.
  assert.deepEqual(fixtureSample('cgroup_v2/basic', 'kinds', ['oom_event']).oom, {kills: 1})
  assert.deepEqual(fixtureSample('cgroup_v2/basic', 'kinds', ['memory', 'oom_event']).oom, {kills: 1})
})

test('memory v1: the newer families from the total_* keys (hierarchical), none for v2-only counters', () => {
  const m = fixtureSample(V1, 'kinds', ['memory']).memory!
  assert.equal(m.activeFileBytes, 5242880)
  assert.equal(m.inactiveFileBytes, 10485760)
  assert.equal(m.fileDirtyBytes, 81920)
  assert.equal(m.fileWritebackBytes, 4096)
  assert.equal(m.workingsetRefaultFile, 60)
  assert.equal(m.workingsetRefaultAnon, 50)
  assert.equal(m.pgscan, undefined)
  assert.equal(m.eventsHigh, undefined)
})

test('memory v2: events high/max, pgscan/pgsteal, dirty, writeback and refaults', () => {
  const s = fixtureSample(V2, 'kinds', ['memory'])
  const fams = exposeSample(s, ['memory'])
  const v = (name: string): number | undefined => samples(fams, name)[0]?.value
  assert.equal(v('container_memory_events_high_total'), 4)
  assert.equal(v('container_memory_events_max_total'), 5)
  assert.equal(v('container_memory_pgscan_total'), 300)
  assert.equal(v('container_memory_pgsteal_total'), 200)
  assert.equal(v('container_memory_file_dirty_bytes'), 8192)
  assert.equal(v('container_memory_file_writeback_bytes'), 4096)
  assert.equal(v('container_memory_workingset_refault_file_total'), 8)
  assert.equal(v('container_memory_workingset_refault_anon_total'), 7)
  assert.equal(v('container_memory_total_active_file_bytes'), 5242880)
  assert.equal(v('container_memory_total_inactive_file_bytes'), 10485760)
})

for (const tree of [V1, V2]) {
  test(`sched and cpuLoad read every thread of the cgroup (${tree})`, () => {
    const s = fixtureSample(tree, 'kinds', ['sched', 'cpuLoad'])
    assert.deepEqual(s.sched, {runNs: 1.5e9, runqueueNs: 3e6, runPeriods: 50})
    assert.deepEqual(s.load, {running: 1, sleeping: 1, stopped: 0, uninterruptible: 0, ioWaiting: 0, loadAverage: 1000, loadDAverage: 0})
  })

  test(`process: descriptors, sockets and the root process's open-files limit (${tree})`, () => {
    const s = fixtureSample(tree, 'kinds', ['process'])
    assert.deepEqual(s.processes, {
      processes: 1,
      threads: 2,
      fds: 6,
      sockets: 2,
      ulimits: [{name: 'max_open_files', soft: 1048576, hard: 1048576}],
    })
  })

  test(`referenced_memory: Referenced of smaps_rollup in bytes (${tree})`, () => {
    assert.equal(fixtureSample(tree, 'kinds', ['referenced_memory']).referencedBytes, 8192 * 1024)
  })
}

test('parsers: pid lists, state letters after odd command names, schedstat, limits', () => {
  assert.deepEqual(parsePidList('1\n22\n\n333'), [1, 22, 333])
  assert.deepEqual(parsePidList(''), [])
  assert.equal(taskState('42 (a) b) c) D 1 2'), 'D')
  assert.equal(taskState('garbage'), undefined)
  assert.deepEqual(parseSchedstat('1 2 3\n', 'x'), [1, 2, 3])
  assert.throws(() => parseSchedstat('1 2\n', '/proc/1/schedstat'), /\/proc\/1\/schedstat: expected three integers/)
  assert.deepEqual(parseLimits('Max open files            unlimited            unlimited            files\n'), [
    {name: 'max_open_files', soft: -1, hard: -1},
  ])
})

test('diskIO v1: every operation of io_service_bytes, and bfq debug statistics where the kernel has them', () => {
  const s = fixtureSample(V1, 'kinds', ['diskIO'])
  const fams = exposeSample(s, ['diskIO'])
  const v = (name: string, labels: Record<string, string> = {device: '/dev/sda'}): number | undefined =>
    samples(fams, name, labels)[0]?.value
  assert.equal(v('container_fs_reads_bytes_total'), 1048576)
  assert.equal(v('container_fs_writes_total'), 20)
  assert.equal(v('container_fs_reads_merged_total'), 3)
  assert.equal(v('container_fs_writes_merged_total'), 4)
  assert.equal(v('container_fs_read_seconds_total'), 1.5)
  assert.equal(v('container_fs_write_seconds_total'), 2.5)
  assert.equal(v('container_fs_io_time_seconds_total'), 4)
  assert.equal(v('container_fs_io_current'), 2)
  assert.deepEqual(
    samples(fams, 'container_blkio_device_usage_total').map((x) => [x.labels.operation, x.value]),
    [
      ['Read', 1048576],
      ['Write', 2097152],
      ['Sync', 3145728],
      ['Async', 0],
      ['Discard', 512],
      ['Total', 3146240],
    ],
  )
  // Sectors exist per device only from /proc/diskstats (the root's filesystems).
  assert.equal(samples(fams, 'container_fs_sector_reads_total').length, 0)
})

test('diskIO v1 without the scheduler statistics (cadv stats): the same bytes and counts, no merges, times or queue', () => {
  const layout = discoverCgroups({cgroupRoot: `${FIXTURES}${V1}`, procRoot: `${FIXTURES}host/kinds/proc`})
  const read = (blkioSchedulerStats: boolean): BlkioDeviceSample[] => {
    const c = new ContainerCollector('/docker/c1', {
      layout,
      kinds: selectKinds(['diskIO']),
      files: new OpenFiles(64),
      kindOptions: {blkioSchedulerStats},
    })
    const s = c.collect(1_000_000)
    c.close()
    return s!.diskio!
  }
  const all = read(true)
  assert.ok(
    all.some((d) => d.readMerged !== undefined && d.queued !== undefined),
    'the fixture has bfq statistics',
  )
  const scheduler = ['readMerged', 'writeMerged', 'readServiceNs', 'writeServiceNs', 'totalServiceNs', 'queued']
  const without = all.map((d) => Object.fromEntries(Object.entries(d).filter(([k]) => !scheduler.includes(k))))
  assert.deepEqual(read(false), without)
})

test('cpu and memory v1 without their detail (cadv stats): the same usage and working set, no user/system split, maximum, failcnt or kernel memory', () => {
  const layout = discoverCgroups({cgroupRoot: `${FIXTURES}cgroup_v1/separate`, procRoot: `${FIXTURES}host/kinds/proc`})
  const read = (cpuMemoryDetail: boolean): Sample => {
    const c = new ContainerCollector('/docker/c1', {
      layout,
      kinds: selectKinds(['cpu', 'memory']),
      files: new OpenFiles(64),
      kindOptions: {cpuMemoryDetail},
    })
    const s = c.collect(1_000_000)
    c.close()
    return s!
  }
  const all = read(true)
  const detail = ['userNs', 'systemNs', 'maxUsageBytes', 'failcnt', 'kernelBytes']
  assert.ok(all.cpu && all.memory && detail.every((k) => k in all.cpu! || k in all.memory!), 'the fixture has every detail file')
  const without = (o: object): object => Object.fromEntries(Object.entries(o).filter(([k]) => !detail.includes(k)))
  const lean = read(false)
  assert.deepEqual(lean.cpu, without(all.cpu!))
  assert.deepEqual(lean.memory, without(all.memory!))
})

test('diskIO v1 without the I/O counts (cadv stats): the same bytes, no io_serviced', () => {
  const layout = discoverCgroups({cgroupRoot: `${FIXTURES}cgroup_v1/separate`, procRoot: `${FIXTURES}host/kinds/proc`})
  const read = (blkioServiced: boolean): BlkioDeviceSample[] => {
    const c = new ContainerCollector('/docker/c1', {
      layout,
      kinds: selectKinds(['diskIO']),
      files: new OpenFiles(64),
      kindOptions: {blkioServiced},
    })
    const s = c.collect(1_000_000)
    c.close()
    return s!.diskio!
  }
  const all = read(true)
  assert.ok(
    all.some((d) => d.reads > 0 && d.readBytes > 0),
    'the fixture has counts and bytes',
  )
  assert.deepEqual(
    read(false),
    all.map((d) => ({...d, reads: 0, writes: 0})),
  )
})

for (const [tree, cpuFiles] of [
  ['cgroup_v1/separate', 'cpu.stat under the quota'],
  ['cgroup_v2/basic', 'cpu.weight, cpu.max'],
] as const) {
  test(`spec without its detail (cadv stats), ${tree}: the memory limit alone, no ${cpuFiles}, cpuset, reservation, swap or pids limit`, () => {
    const layout = discoverCgroups({cgroupRoot: `${FIXTURES}${tree}`, procRoot: `${FIXTURES}host/kinds/proc`})
    const read = (specDetail: boolean): Sample & {spec: unknown} => {
      const c = new ContainerCollector('/docker/c1', {
        layout,
        kinds: selectKinds(['cpu', 'memory', 'process']),
        files: new OpenFiles(64),
        kindOptions: {specDetail},
      })
      const s = c.collect(1_000_000)!
      c.close()
      return {...s, spec: c.spec}
    }
    const all = read(true)
    const spec = all.spec as Record<string, unknown>
    assert.ok(
      ['cpuQuotaUs', 'cpuPeriodUs', 'cpuShares'].every((k) => spec[k] !== undefined),
      `the fixture has the limits: ${JSON.stringify(spec)}`,
    )
    const lean = read(false)
    assert.deepEqual(lean.spec, spec.memoryLimitBytes === undefined ? {} : {memoryLimitBytes: spec.memoryLimitBytes})
    assert.equal(lean.processes?.threadsLimit, undefined)
    assert.equal(lean.memory?.workingSetBytes, all.memory?.workingSetBytes)
    assert.equal(lean.cpu?.usageNs, all.cpu?.usageNs)
    if (tree === 'cgroup_v1/separate') {
      assert.ok(all.cpu?.throttledPeriods !== undefined, 'the fixture has cpu.stat under a quota')
      assert.equal(lean.cpu?.throttledPeriods, undefined)
    }
  })
}

test('diskIO v2: io.cost usage, wait, debt and delay in seconds', () => {
  const fams = exposeSample(fixtureSample(V2, 'kinds', ['diskIO']), ['diskIO'])
  const v = (name: string): number | undefined => samples(fams, name, {device: '/dev/sda'})[0]?.value
  assert.equal(v('container_fs_io_cost_usage_seconds_total'), 1.5)
  assert.equal(v('container_fs_io_cost_wait_seconds_total'), 0.25)
  assert.equal(v('container_fs_io_cost_indebt_seconds_total'), 0)
  assert.equal(v('container_fs_io_cost_indelay_seconds_total'), 0.125)
  assert.deepEqual(
    samples(fams, 'container_blkio_device_usage_total').map((x) => x.labels.operation),
    ['Read', 'Write'],
  )
})

test('oom_event is reused unparsed while its file is unchanged, and follows a new kill count', () => {
  const root = mkdtempSync(join(tmpdir(), 'cadv-oom-'))
  try {
    cpSync(join(FIXTURES, 'cgroup_v2/basic'), root, {recursive: true})
    const events = join(root, 'docker/c1/memory.events')
    const layout = discoverCgroups({cgroupRoot: root, procRoot: join(FIXTURES, 'proc/basic')})
    const c = new ContainerCollector('/docker/c1', {layout, kinds: selectKinds(['memory', 'oom_event']), files: new OpenFiles(64)})
    c.collect(1000)
    const a = c.collect(2000)!
    const b = c.collect(3000)!
    assert.equal(b.oom, a.oom, 'the same part while memory.events is unchanged')
    writeFileSync(events, readFileSync(events, 'latin1').replace(/^oom_kill \d+/m, 'oom_kill 7'))
    const d = c.collect(4000)!
    assert.deepEqual(d.oom, {kills: 7})
    assert.equal(d.memory?.oomKills, 7)
  } finally {
    rmSync(root, {recursive: true, force: true})
  }
})
