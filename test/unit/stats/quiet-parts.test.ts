// A cgroup whose subtree holds no task (pids.current 0): the parts only tasks move (CPU time,
// disk I/O) are kept without reading their files; anything else moving, a task, or the spec
// refresh reads them again, and a change no task explains turns the shortcut off.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {discoverCgroups} from '../../../src/lib/cgroups/index.js'
import {ContainerCollector, OpenFiles, QUIET_CHECK_READINGS, selectKinds} from '../../../src/lib/stats/index.js'
import {PRESUMED_EMPTY_MS} from '../../../src/lib/stats/collector.js'
import {FIXTURES} from '../../helpers/collect.js'

class CountingFiles extends OpenFiles {
  readonly reads: string[] = []
  protected override noteRead(path: string): void {
    this.reads.push(path)
  }
}

function setup(
  pids: string,
  kinds = selectKinds(['cpu', 'percpu', 'memory', 'diskIO', 'process']),
): {root: string; c: ContainerCollector; files: CountingFiles; dir: (h: string) => string} {
  const root = mkdtempSync(join(tmpdir(), 'cadv-quiet-'))
  cpSync(join(FIXTURES, 'cgroup_v1/separate'), join(root, 'cgroup'), {recursive: true})
  const dir = (h: string): string => join(root, 'cgroup', h, 'docker/c1')
  writeFileSync(join(dir('pids'), 'pids.current'), pids)
  const layout = discoverCgroups({cgroupRoot: join(root, 'cgroup'), procRoot: join(FIXTURES, 'proc/basic')})
  const files = new CountingFiles(64)
  const c = new ContainerCollector('/docker/c1', {layout, kinds, files, specRefreshMs: 30_000})
  return {root, c, files, dir}
}

const read = (files: CountingFiles, name: string): boolean => files.reads.some((p) => p.endsWith(`/${name}`))

test('no task in the subtree: CPU and disk files are not read while nothing else moves', () => {
  const {root, c, files, dir} = setup('0\n')
  try {
    assert.ok(c.collect(1_000_000)?.cpu, 'a first whole reading')
    // (The second sets up what a first run's once-only reads leave out of the log.)
    const second = c.collect(1_001_000)!
    files.reads.length = 0
    const kept = c.collect(1_002_000)!
    assert.ok(!read(files, 'cpuacct.usage_percpu') && !read(files, 'blkio.throttle.io_service_bytes_recursive'), 'not read')
    assert.ok(read(files, 'memory.stat') && read(files, 'pids.current'), 'the rest is read')
    assert.equal(kept.cpu, second.cpu, 'the same part')
    assert.equal(kept.diskio, second.diskio)

    // Something ran between two readings (memory.stat moved): CPU is read after all, in its place.
    writeFileSync(join(dir('cpuacct'), 'cpuacct.usage_percpu'), '7000000000 8000000000\n')
    const stat = join(dir('memory'), 'memory.stat')
    writeFileSync(stat, readFileSync(stat, 'latin1').replace(/^cache \d+$/m, 'cache 4096'))
    const moved = c.collect(1_003_000)!
    assert.equal(moved.cpu?.usageNs, 15e9)
    assert.deepEqual(Object.keys(moved), Object.keys(kept), 'parts in the same order')
  } finally {
    rmSync(root, {recursive: true, force: true})
  }
})

test('with a task in the subtree every reading reads them', () => {
  const {root, c, files, dir} = setup('3\n')
  try {
    c.collect(1_000_000)
    c.collect(1_001_000)
    writeFileSync(join(dir('cpuacct'), 'cpuacct.usage_percpu'), '7000000000 8000000000\n')
    files.reads.length = 0
    assert.equal(c.collect(1_002_000)?.cpu?.usageNs, 15e9)
    assert.ok(read(files, 'blkio.throttle.io_service_bytes_recursive'))
  } finally {
    rmSync(root, {recursive: true, force: true})
  }
})

test('the spec refresh reads them; a change there while still empty turns the shortcut off for the container', () => {
  const {root, c, files, dir} = setup('0\n')
  try {
    c.collect(1_000_000)
    c.collect(1_001_000)
    // A task the pids hierarchy does not see (v1 allows it): CPU moves with pids.current at 0.
    writeFileSync(join(dir('cpuacct'), 'cpuacct.usage_percpu'), '7000000000 8000000000\n')
    assert.notEqual(c.collect(1_002_000)?.cpu?.usageNs, 15e9, 'kept until the refresh')
    assert.equal(c.collect(1_031_000)?.cpu?.usageNs, 15e9, 'read at the refresh')
    writeFileSync(join(dir('cpuacct'), 'cpuacct.usage_percpu'), '9000000000 8000000000\n')
    files.reads.length = 0
    assert.equal(c.collect(1_032_000)?.cpu?.usageNs, 17e9, 'read at every tick since')
    c.collect(1_033_000)
    assert.ok(read(files, 'cpuacct.usage_percpu'))
  } finally {
    rmSync(root, {recursive: true, force: true})
  }
})

test('read less often than the spec refresh (backed off): the files are read at every few readings, not at each; a change no task explains is still seen', () => {
  const {root, c, files, dir} = setup('0\n')
  try {
    // A minute apart: every reading is a spec refresh.
    let t = 1_000_000
    for (let k = 0; k < QUIET_CHECK_READINGS; k++) c.collect((t += 60_000))
    const readings = 3 * QUIET_CHECK_READINGS
    let cpuRead = 0
    let specRead = 0
    for (let k = 0; k < readings; k++) {
      files.reads.length = 0
      c.collect((t += 60_000))
      if (read(files, 'cpuacct.usage_percpu')) cpuRead++
      if (read(files, 'cpu.shares')) specRead++
      assert.ok(read(files, 'memory.stat'), 'memory.stat at every reading')
    }
    assert.equal(cpuRead, readings / QUIET_CHECK_READINGS, `CPU files at one reading in ${QUIET_CHECK_READINGS}`)
    assert.equal(specRead, readings / QUIET_CHECK_READINGS, `the spec with them`)

    // A task the pids hierarchy does not see: CPU moves with pids.current at 0.
    writeFileSync(join(dir('cpuacct'), 'cpuacct.usage_percpu'), '7000000000 8000000000\n')
    let seenAt = 0
    for (let k = 1; k <= QUIET_CHECK_READINGS && seenAt === 0; k++) if (c.collect((t += 60_000))?.cpu?.usageNs === 15e9) seenAt = k
    assert.ok(seenAt > 0, `seen within ${QUIET_CHECK_READINGS} readings`)
    files.reads.length = 0
    c.collect((t += 60_000))
    assert.ok(read(files, 'cpuacct.usage_percpu'), 'and read at every reading since')
  } finally {
    rmSync(root, {recursive: true, force: true})
  }
})

test('without a reader whose files tell that something ran (memory off), every reading reads them', () => {
  const {root, c, files} = setup('0\n', selectKinds(['cpu', 'diskIO']))
  try {
    for (let t = 0; t < 3; t++) c.collect(1_000_000 + t * 1000)
    files.reads.length = 0
    c.collect(1_003_000)
    assert.ok(read(files, 'cpuacct.stat') && read(files, 'blkio.throttle.io_service_bytes_recursive'))
  } finally {
    rmSync(root, {recursive: true, force: true})
  }
})

test('v2: pressure files are kept unread too; averages decaying with no task do not turn the shortcut off', () => {
  const root = mkdtempSync(join(tmpdir(), 'cadv-quiet-'))
  try {
    cpSync(join(FIXTURES, 'cgroup_v2/basic'), join(root, 'cgroup'), {recursive: true})
    const dir = join(root, 'cgroup/docker/c1')
    writeFileSync(join(dir, 'pids.current'), '0\n')
    const layout = discoverCgroups({cgroupRoot: join(root, 'cgroup'), procRoot: join(FIXTURES, 'proc/basic')})
    const files = new CountingFiles(64)
    const kinds = selectKinds(['cpu', 'memory', 'diskIO', 'pressure', 'process'])
    const c = new ContainerCollector('/docker/c1', {layout, kinds, files, specRefreshMs: 30_000})
    for (let t = 0; t < 3; t++) c.collect(1_000_000 + t * 1000)
    files.reads.length = 0
    c.collect(1_003_000)
    assert.ok(!read(files, 'cpu.pressure') && !read(files, 'cpu.stat') && !read(files, 'io.stat'), 'not read')
    assert.ok(read(files, 'memory.stat'))
    const cpu = join(dir, 'cpu.pressure')
    writeFileSync(cpu, readFileSync(cpu, 'latin1').replace('some avg10=0.00', 'some avg10=0.03'))
    const refreshed = c.collect(1_031_000)!
    assert.equal(refreshed.pressure?.cpu?.someUs, 111, 'read at the refresh, the same total')
    files.reads.length = 0
    c.collect(1_032_000)
    assert.ok(!read(files, 'cpu.pressure'), 'still kept unread after it')
  } finally {
    rmSync(root, {recursive: true, force: true})
  }
})

test('an empty subtree is presumed still empty for PRESUMED_EMPTY_MS: pids.current is read again then, or as soon as memory moves', () => {
  // The default kinds' readers of these files (process is off by default: it reads pids.current itself).
  const {root, c, files, dir} = setup('0\n', selectKinds(['cpu', 'percpu', 'memory', 'diskIO', 'network']))
  try {
    const t0 = 1_000_000
    c.collect(t0)
    c.collect(t0 + 1000)
    const readsOf = (t: number): string[] => {
      files.reads.length = 0
      c.collect(t)
      return [...files.reads]
    }
    // Found empty at t0 + 1000: presumed so (nothing else moves) until PRESUMED_EMPTY_MS after it.
    for (let t = t0 + 2000; t < t0 + 1000 + PRESUMED_EMPTY_MS; t += 1000)
      assert.ok(!readsOf(t).some((p) => p.endsWith('/pids.current')), `pids.current not read at +${t - t0} ms`)
    assert.ok(
      readsOf(t0 + 1000 + PRESUMED_EMPTY_MS).some((p) => p.endsWith('/pids.current')),
      'read at the bound',
    )

    // A task that runs without moving memory (moved in, faulting nothing): seen by the bound.
    writeFileSync(join(dir('pids'), 'pids.current'), '1\n')
    writeFileSync(join(dir('cpuacct'), 'cpuacct.usage_percpu'), '7000000000 8000000000\n')
    const at = t0 + 2000 + PRESUMED_EMPTY_MS
    assert.notEqual(c.collect(at)?.cpu?.usageNs, 15e9, 'presumed empty: CPU kept')
    assert.equal(c.collect(at + PRESUMED_EMPTY_MS - 1000)?.cpu?.usageNs, 15e9, 'pids.current read at the bound: CPU read')
    files.reads.length = 0
    c.collect(at + PRESUMED_EMPTY_MS)
    assert.ok(read(files, 'pids.current') && read(files, 'cpuacct.usage_percpu'), 'with a task, read at every tick')

    // Empty again; then a task arrives and memory moves: pids.current and CPU are read in that reading.
    writeFileSync(join(dir('pids'), 'pids.current'), '0\n')
    c.collect(at + PRESUMED_EMPTY_MS + 1000)
    c.collect(at + PRESUMED_EMPTY_MS + 2000)
    writeFileSync(join(dir('pids'), 'pids.current'), '1\n')
    writeFileSync(join(dir('cpuacct'), 'cpuacct.usage_percpu'), '9000000000 8000000000\n')
    const stat = join(dir('memory'), 'memory.stat')
    writeFileSync(stat, readFileSync(stat, 'latin1').replace(/^pgfault \d+$/m, 'pgfault 123456'))
    files.reads.length = 0
    assert.equal(c.collect(at + PRESUMED_EMPTY_MS + 3000)?.cpu?.usageNs, 17e9, 'memory moved: CPU read')
    assert.ok(read(files, 'pids.current'), 'and pids.current')
    files.reads.length = 0
    c.collect(at + PRESUMED_EMPTY_MS + 4000)
    assert.ok(read(files, 'pids.current') && read(files, 'cpuacct.usage_percpu'), 'not empty now: read at every tick')
  } finally {
    rmSync(root, {recursive: true, force: true})
  }
})

test('memory in an empty subtree: memory.stat alone is read while its bytes stand; usage moving without it is seen at the next check', () => {
  const {root, c, files, dir} = setup('0\n')
  try {
    c.collect(1_000_000)
    const second = c.collect(1_001_000)!
    const others = ['memory.usage_in_bytes', 'memory.max_usage_in_bytes', 'memory.failcnt', 'memory.kmem.usage_in_bytes']
    files.reads.length = 0
    const kept = c.collect(1_002_000)!
    assert.ok(read(files, 'memory.stat'), 'memory.stat is read')
    for (const f of others) assert.ok(!read(files, f), `${f} not read`)
    assert.equal(kept.memory, second.memory, 'the same part')

    // Kernel memory given back (v1: usage moves, memory.stat does not): seen at the next check.
    writeFileSync(join(dir('memory'), 'memory.usage_in_bytes'), '1234567\n')
    assert.equal(c.collect(1_003_000)?.memory, second.memory, 'kept until the check')
    assert.equal(c.collect(1_031_000)?.memory?.usageBytes, 1234567, 'read at the refresh')

    // memory.stat moves (a page written back, reclaimed): the memory files are read in that reading.
    writeFileSync(join(dir('memory'), 'memory.usage_in_bytes'), '7654321\n')
    const stat = join(dir('memory'), 'memory.stat')
    writeFileSync(stat, readFileSync(stat, 'latin1').replace(/^cache \d+$/m, 'cache 8192'))
    files.reads.length = 0
    assert.equal(c.collect(1_032_000)?.memory?.usageBytes, 7654321, 'read when memory.stat moved')
    assert.ok(read(files, 'memory.failcnt'))
  } finally {
    rmSync(root, {recursive: true, force: true})
  }
})

test('memory with a task in the subtree: every file is read at every reading', () => {
  const {root, c, files, dir} = setup('3\n')
  try {
    c.collect(1_000_000)
    c.collect(1_001_000)
    writeFileSync(join(dir('memory'), 'memory.usage_in_bytes'), '1234567\n')
    files.reads.length = 0
    assert.equal(c.collect(1_002_000)?.memory?.usageBytes, 1234567)
    assert.ok(read(files, 'memory.failcnt') && read(files, 'memory.kmem.usage_in_bytes'))
  } finally {
    rmSync(root, {recursive: true, force: true})
  }
})

test('the OOM-kill count of an empty subtree is kept unread; with a task it is read at every reading', () => {
  const {root, c, files, dir} = setup('0\n', selectKinds(['memory', 'oom_event']))
  try {
    const control = join(dir('memory'), 'memory.oom_control')
    writeFileSync(control, 'oom_kill_disable 0\nunder_oom 0\noom_kill 0\n')
    c.collect(1_000_000)
    c.collect(1_001_000)
    files.reads.length = 0
    assert.equal(c.collect(1_002_000)?.oom?.kills, 0)
    assert.ok(!read(files, 'memory.oom_control') && read(files, 'memory.stat'), 'not read, memory.stat is')

    // A task arrives and is killed (moved in: memory.stat stands): read once pids.current is read again.
    writeFileSync(join(dir('pids'), 'pids.current'), '1\n')
    writeFileSync(control, 'oom_kill_disable 0\nunder_oom 0\noom_kill 1\n')
    assert.equal(c.collect(1_002_000 + PRESUMED_EMPTY_MS)?.oom?.kills, 1)
    files.reads.length = 0
    c.collect(1_003_000 + PRESUMED_EMPTY_MS)
    assert.ok(read(files, 'memory.oom_control'), 'with a task, read at every reading')
  } finally {
    rmSync(root, {recursive: true, force: true})
  }
})

test('backed off with an empty subtree, the spec is read at the checks: a new limit shows within QUIET_CHECK_READINGS readings; with a task, at the next', () => {
  const {root, c, files, dir} = setup('0\n')
  try {
    let t = 1_000_000
    for (let k = 0; k < QUIET_CHECK_READINGS; k++) c.collect((t += 60_000))
    const limit = join(dir('memory'), 'memory.limit_in_bytes')
    writeFileSync(limit, '67108864\n')
    let seenAt = 0
    for (let k = 1; k <= QUIET_CHECK_READINGS && seenAt === 0; k++) {
      c.collect((t += 60_000))
      if (c.spec?.memoryLimitBytes === 67108864) seenAt = k
    }
    assert.ok(seenAt > 0, `seen within ${QUIET_CHECK_READINGS} readings`)

    // A task: every reading past the refresh interval reads the spec.
    writeFileSync(join(dir('pids'), 'pids.current'), '2\n')
    c.collect((t += 60_000))
    writeFileSync(limit, '134217728\n')
    for (let k = 0; k < QUIET_CHECK_READINGS; k++) {
      files.reads.length = 0
      c.collect((t += 60_000))
      assert.ok(read(files, 'cpu.shares'), 'the spec at every reading')
      assert.equal(c.spec?.memoryLimitBytes, 134217728)
    }
  } finally {
    rmSync(root, {recursive: true, force: true})
  }
})
