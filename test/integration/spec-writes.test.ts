// Limits change only by writes, and an inotify watch on a cgroup directory reports every write
// to its files (IN_MODIFY), with O_TRUNC (`echo >`) or without (open O_WRONLY, write): a limit
// written shows in the next reading, and a spec refresh leaves the files of a watched directory
// unread while none is written. On real cgroups, through the watcher's real watches.
import {after, test} from 'node:test'
import assert from 'node:assert/strict'
import {closeSync, constants, openSync, writeSync} from 'node:fs'

import {createManager, SPEC_WRITES, specWrittenTo, writesSeenBy} from '../../src/lib/manager/index.js'
import type {ContainerName, Hierarchy} from '../../src/lib/cgroups/index.js'
import {selectHierarchies} from '../../src/lib/cgroups/index.js'
import {
  ContainerCollector,
  controllersForKinds,
  OpenFiles,
  selectKinds,
  SPEC_REFRESH_MS,
  SPEC_WRITES_TRUST_MS,
} from '../../src/lib/stats/index.js'
import {createWatcher, type Watcher} from '../../src/lib/watch/index.js'
import {TestCgroups, realCgroupSkipReason} from '../helpers/cgroups.js'
import {until} from '../helpers/wait.js'

const skip = realCgroupSkipReason()
const tc = skip ? undefined : new TestCgroups('cadvt-specw')
after(() => tc?.cleanup())

/** A write(2) through open(O_WRONLY), no O_TRUNC: kernfs leaves the file's mtime alone then. */
function writeInPlace(path: string, value: string): void {
  const fd = openSync(path, constants.O_WRONLY)
  try {
    writeSync(fd, value)
  } finally {
    closeSync(fd)
  }
}

/** OpenFiles counting the reads of each path. */
class CountingFiles extends OpenFiles {
  readonly reads = new Map<string, number>()
  protected override noteRead(path: string): void {
    this.reads.set(path, (this.reads.get(path) ?? 0) + 1)
  }
  count(path: string): number {
    return this.reads.get(path) ?? 0
  }
}

/** The spec files of a v1 or v2 directory for each controller, as spec/reader.ts reads them. */
function specFiles(h: Hierarchy, controller: 'cpu' | 'memory' | 'cpuset' | 'pids'): string[] {
  const v1 = {
    cpu: ['cpu.shares', 'cpu.cfs_quota_us', 'cpu.cfs_period_us'],
    memory: ['memory.limit_in_bytes', 'memory.soft_limit_in_bytes'],
    cpuset: ['cpuset.cpus'],
    pids: ['pids.max'],
  }
  const v2 = {cpu: ['cpu.weight', 'cpu.max'], memory: ['memory.max', 'memory.min'], cpuset: ['cpuset.cpus.effective'], pids: ['pids.max']}
  return (h.version === 1 ? v1 : v2)[controller]
}

test(
  'a limit written with or without O_TRUNC shows in the next readings of the manager, long before the spec refresh',
  {skip},
  async () => {
    const t = tc!
    t.mkdir()
    t.mkdir('m')
    const name = t.name('m')
    const manager = createManager({
      layout: t.layout,
      watch: {prefixes: [t.root]},
      housekeeping: {intervalMs: 200, maxIntervalMs: 200, dynamic: false, jitterFactor: 0},
    })
    let readings = 0
    manager.on('sample', (s) => {
      if (s.name === name) readings++
    })
    try {
      await manager.start()
      await until('first spec', () => manager.get(name)?.spec)
      const mem = t.hierarchy('memory')
      const cpu = t.hierarchy('cpu')
      const limitFile = mem.version === 1 ? 'memory.limit_in_bytes' : 'memory.max'
      // Without a report of the write these would show at the refresh only: SPEC_REFRESH_MS / 200 ms
      // readings later. A write is handled within a turn of the event loop; ten readings is room.
      const bound = 10
      assert.ok(bound < SPEC_REFRESH_MS / 200 / 2)
      const cases: Array<[string, () => void, () => boolean]> = [
        [
          `${limitFile} without O_TRUNC`,
          () => writeInPlace(`${t.dir(mem, 'm')}/${limitFile}`, String(48 * 1024 * 1024)),
          () => manager.get(name)?.spec?.memoryLimitBytes === 48 * 1024 * 1024,
        ],
        [
          `${limitFile} with O_TRUNC`,
          () => t.write(mem, 'm', limitFile, String(40 * 1024 * 1024)),
          () => manager.get(name)?.spec?.memoryLimitBytes === 40 * 1024 * 1024,
        ],
        cpu.version === 1
          ? [
              'cpu.shares without O_TRUNC',
              () => writeInPlace(`${t.dir(cpu, 'm')}/cpu.shares`, '333'),
              () => manager.get(name)?.spec?.cpuShares === 333,
            ]
          : [
              'cpu.weight without O_TRUNC',
              () => writeInPlace(`${t.dir(cpu, 'm')}/cpu.weight`, '42'),
              () => manager.get(name)?.spec?.cpuWeight === 42,
            ],
        cpu.version === 1
          ? [
              'cpu.cfs_quota_us with O_TRUNC',
              () => t.write(cpu, 'm', 'cpu.cfs_quota_us', '25000'),
              () => manager.get(name)?.spec?.cpuQuotaUs === 25000,
            ]
          : [
              'cpu.max with O_TRUNC',
              () => t.write(cpu, 'm', 'cpu.max', '25000 100000'),
              () => manager.get(name)?.spec?.cpuQuotaUs === 25000,
            ],
      ]
      for (const [what, write, shows] of cases) {
        // Two readings first: the spec read at the first reading is behind us.
        const from = readings
        await until('two readings', () => readings >= from + 2)
        const at = readings
        write()
        await until(what, () => shows() || readings > at + bound, {timeoutMs: 30_000})
        assert.ok(shows(), `${what}: not in the ${bound} readings after the write (spec ${JSON.stringify(manager.get(name)?.spec)})`)
      }
    } finally {
      await manager.stop()
    }
  },
)

test(
  'a spec refresh reads no file of a watched directory none wrote to; a write there, the trust interval, and unwatched directories are read',
  {skip},
  async () => {
    const t = tc!
    t.mkdir()
    t.mkdir('q')
    const name: ContainerName = t.name('q')
    const kinds = selectKinds()
    const watcher: Watcher = createWatcher({
      hierarchies: selectHierarchies(t.layout, controllersForKinds(kinds)),
      prefixes: [t.root],
      writes: SPEC_WRITES,
    })
    const files = new CountingFiles(64)
    // quietParts off: the refresh is read at each due reading (an empty cgroup's is else left to the checks).
    const c = new ContainerCollector(name, {layout: t.layout, kinds, files, quietParts: false, writesSeen: writesSeenBy(watcher)})
    const written: string[] = []
    specWrittenTo(watcher, (n) => (n === name ? c : undefined))
    watcher.on('written', (id, n) => {
      if (n === name) written.push(id)
    })
    try {
      await watcher.start()
      const mem = t.hierarchy('memory')
      const cpu = t.hierarchy('cpu')
      assert.ok(watcher.seesWrites(mem.id, name), 'the memory directory is watched for writes')
      assert.ok(watcher.seesWrites(cpu.id, name), 'the cpu directory is watched for writes')
      const watched = [
        ...specFiles(cpu, 'cpu').map((f) => `${t.dir(cpu, 'q')}/${f}`),
        ...specFiles(mem, 'memory').map((f) => `${t.dir(mem, 'q')}/${f}`),
      ]
      // Read at every refresh: cpuset's files change without a write to them; a directory no
      // watch covers (a v1 host's pids hierarchy: the watcher does not watch it) is read as before.
      const always: string[] = []
      const cpuset = t.layout.hierarchies.find((h) => h.version === 1 && h.controllers.includes('cpuset'))
      if (cpuset !== undefined) always.push(`${t.dir(cpuset, 'q')}/cpuset.cpus`)
      const pids = t.layout.hierarchies.find((h) => h.version === 1 && h.controllers.includes('pids'))
      if (pids !== undefined && !watcher.seesWrites(pids.id, name)) always.push(`${t.dir(pids, 'q')}/pids.max`)

      assert.ok(c.collect(0), 'first reading')
      for (const p of [...watched, ...always]) assert.equal(files.count(p), 1, `${p} read by the first reading`)
      c.collect(SPEC_REFRESH_MS)
      c.collect(2 * SPEC_REFRESH_MS)
      for (const p of watched) assert.equal(files.count(p), 1, `${p}: not read again by two refreshes`)
      for (const p of always) assert.equal(files.count(p), 3, `${p}: read by each refresh`)

      // A write in place to the memory directory: the next reading (no refresh due) reads the memory files only.
      const limitFile = mem.version === 1 ? 'memory.limit_in_bytes' : 'memory.max'
      const before = written.length
      writeInPlace(`${t.dir(mem, 'q')}/${limitFile}`, String(24 * 1024 * 1024))
      await until('the write reported', () => written.slice(before).includes(mem.id))
      c.collect(2 * SPEC_REFRESH_MS + 1000)
      assert.equal(c.spec?.memoryLimitBytes, 24 * 1024 * 1024)
      for (const f of specFiles(mem, 'memory')) assert.equal(files.count(`${t.dir(mem, 'q')}/${f}`), 2, `${f} read after the write`)
      for (const f of specFiles(cpu, 'cpu')) assert.equal(files.count(`${t.dir(cpu, 'q')}/${f}`), 1, `${f} not read: nothing written there`)

      // A write with O_TRUNC to the cpu directory likewise.
      const shares = cpu.version === 1 ? 'cpu.shares' : 'cpu.weight'
      const cpuBefore = written.length
      t.write(cpu, 'q', shares, cpu.version === 1 ? '777' : '77')
      await until('the write reported', () => written.slice(cpuBefore).includes(cpu.id))
      c.collect(2 * SPEC_REFRESH_MS + 2000)
      assert.equal(cpu.version === 1 ? c.spec?.cpuShares : c.spec?.cpuWeight, cpu.version === 1 ? 777 : 77)

      // Past the trust interval every file is read again, written or not.
      const counts = watched.map((p) => files.count(p))
      c.collect(SPEC_WRITES_TRUST_MS + 1000)
      watched.forEach((p, i) => assert.equal(files.count(p), counts[i]! + 1, `${p} read at the trust interval`))
    } finally {
      c.close()
      files.closeAll()
      await watcher.stop()
    }
  },
)

test('without a watch that reports writes (the poll backend), every refresh reads every spec file', {skip}, async () => {
  const t = tc!
  t.mkdir()
  t.mkdir('p')
  const name = t.name('p')
  const kinds = selectKinds()
  const watcher = createWatcher({
    hierarchies: selectHierarchies(t.layout, controllersForKinds(kinds)),
    prefixes: [t.root],
    backend: 'poll',
    writes: SPEC_WRITES,
  })
  const files = new CountingFiles(64)
  const c = new ContainerCollector(name, {layout: t.layout, kinds, files, quietParts: false, writesSeen: writesSeenBy(watcher)})
  try {
    await watcher.start()
    const mem = t.hierarchy('memory')
    assert.equal(watcher.seesWrites(mem.id, name), false)
    const limit = `${t.dir(mem, 'p')}/${mem.version === 1 ? 'memory.limit_in_bytes' : 'memory.max'}`
    c.collect(0)
    c.collect(SPEC_REFRESH_MS)
    assert.equal(files.count(limit), 2)
  } finally {
    c.close()
    files.closeAll()
    await watcher.stop()
  }
})
