// The per-container collector on fixture trees: only enabled kinds read, absent hierarchies and
// vanished cgroups are quiet.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import fs, {cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {syncBuiltinESMExports} from 'node:module'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {discoverCgroups} from '../../../src/lib/cgroups/index.js'
import {ContainerCollector, OpenFiles, selectKinds, SPEC_WRITES_TRUST_MS} from '../../../src/lib/stats/index.js'
import {collectFixture, FIXTURES, fixtureCollector} from '../../helpers/collect.js'

test('disabled kinds are not read', () => {
  const {sample} = collectFixture('cgroup_v2/basic', {kinds: selectKinds(['memory'])})
  assert.deepEqual(Object.keys(sample).sort(), ['memory', 'name', 'timestampMs'])
})

test('a container missing from a hierarchy has no part for it, and no error', () => {
  const {sample} = collectFixture('cgroup_v1/separate', {name: '/'})
  assert.equal(sample.errors, undefined)
  assert.equal(sample.cpu, undefined)
})

test('a vanished cgroup ends the sample quietly', () => {
  const c = fixtureCollector('cgroup_v2/basic', {name: '/docker/gone'})
  assert.equal(c.collect(), undefined)
})

test('a file absent at one tick is not opened again until the spec refresh, which finds it once it is there', () => {
  const root = mkdtempSync(join(tmpdir(), 'cadv-absent-'))
  try {
    cpSync(join(FIXTURES, 'cgroup_v2/basic'), join(root, 'cgroup'), {recursive: true})
    const pressure = join(root, 'cgroup/docker/c1/memory.pressure')
    const text = readFileSync(pressure, 'latin1')
    rmSync(pressure)
    const layout = discoverCgroups({cgroupRoot: join(root, 'cgroup'), procRoot: join(FIXTURES, 'proc/basic')})
    const files = new OpenFiles(64)
    const c = new ContainerCollector('/docker/c1', {layout, kinds: selectKinds(['pressure']), files, specRefreshMs: 30_000})
    assert.equal(c.collect(1_000_000)?.pressure?.memory, undefined)
    writeFileSync(pressure, text)
    const opens = files.stats.opens
    assert.equal(c.collect(1_001_000)?.pressure?.memory, undefined, 'known absent until the refresh')
    assert.equal(files.stats.opens, opens, 'and not opened')
    assert.ok(c.collect(1_031_000)?.pressure?.memory, 'found at the refresh')
  } finally {
    rmSync(root, {recursive: true, force: true})
  }
})

test('v1 on cgroupfs: a file another container found still absent less than a second before stays absent without a look', () => {
  // One look for every container (every v1 cgroup below the root has the same files); a
  // fixture tree elsewhere is not cgroupfs, and there each container looks for itself.
  for (const cgroupfs of [true, false]) {
    const root = mkdtempSync(join(tmpdir(), 'cadv-absent-'))
    try {
      const tree = join(root, 'cgroup')
      cpSync(join(FIXTURES, 'cgroup_v1/separate'), tree, {recursive: true})
      for (const h of ['blkio', 'cpu', 'cpuacct', 'memory', 'pids'])
        cpSync(join(tree, h, 'docker/c1'), join(tree, h, 'docker/c2'), {recursive: true})
      const layout = discoverCgroups({cgroupRoot: tree, procRoot: join(FIXTURES, 'proc/basic')})
      const files = new OpenFiles(64)
      if (cgroupfs) files.trustedRoots = [`${tree}/`]
      const looks: string[] = []
      const existsSync = fs.existsSync
      fs.existsSync = (path) => {
        looks.push(String(path))
        return existsSync(path)
      }
      syncBuiltinESMExports()
      try {
        const make = (name: string): ContainerCollector =>
          new ContainerCollector(name, {layout, kinds: selectKinds(['diskIO']), files, specRefreshMs: 30_000})
        const [a, b] = [make('/docker/c1'), make('/docker/c2')]
        a.collect(1_000_000)
        b.collect(1_000_000)
        a.collect(1_030_000)
        for (const c of ['c1', 'c2']) writeFileSync(join(tree, 'blkio/docker', c, 'blkio.bfq.io_merged_recursive'), 'Total 0\n')
        looks.length = 0
        b.collect(1_030_500)
        const looked = looks.some((p) => p.endsWith('/c2/blkio.bfq.io_merged_recursive'))
        assert.equal(looked, !cgroupfs, cgroupfs ? 'not looked for again' : 'looked for (not cgroupfs)')
        if (!cgroupfs) continue
        looks.length = 0
        b.collect(1_061_000)
        assert.ok(
          looks.some((p) => p.endsWith('/c2/blkio.bfq.io_merged_recursive')),
          'looked for at its next refresh',
        )
      } finally {
        fs.existsSync = existsSync
        syncBuiltinESMExports()
      }
    } finally {
      rmSync(root, {recursive: true, force: true})
    }
  }
})

test('a hierarchy directory made or removed after the collector: its kind follows at the spec refresh', () => {
  const root = mkdtempSync(join(tmpdir(), 'cadv-dirs-'))
  try {
    cpSync(join(FIXTURES, 'cgroup_v1/separate'), join(root, 'cgroup'), {recursive: true})
    const memDir = join(root, 'cgroup/memory/docker/c1')
    const saved = join(root, 'saved-memory')
    cpSync(memDir, saved, {recursive: true})
    rmSync(memDir, {recursive: true})
    const layout = discoverCgroups({cgroupRoot: join(root, 'cgroup'), procRoot: join(FIXTURES, 'proc/basic')})
    const c = new ContainerCollector('/docker/c1', {
      layout,
      kinds: selectKinds(['cpu', 'memory']),
      files: new OpenFiles(64),
      specRefreshMs: 30_000,
    })
    const a = c.collect(1_000_000)
    assert.ok(a?.cpu, 'cpu read')
    assert.equal(a.memory, undefined, 'no memory directory yet')
    cpSync(saved, memDir, {recursive: true})
    assert.equal(c.collect(1_001_000)?.memory, undefined, 'directories are looked at again with the spec')
    assert.ok(c.collect(1_031_000)?.memory, 'the memory directory found at the refresh')
    rmSync(join(root, 'cgroup/cpuacct/docker/c1'), {recursive: true})
    rmSync(join(root, 'cgroup/cpu/docker/c1'), {recursive: true})
    const d = c.collect(1_062_000)
    assert.ok(d?.memory, 'memory still read')
    assert.equal(d.cpu, undefined, 'cpu gone with its directories')
  } finally {
    rmSync(root, {recursive: true, force: true})
  }
})

test('where the watcher follows removals, a known directory it holds is not looked at again; one it lost is', () => {
  const root = mkdtempSync(join(tmpdir(), 'cadv-watched-'))
  const real = fs.existsSync
  try {
    cpSync(join(FIXTURES, 'cgroup_v1/separate'), join(root, 'cgroup'), {recursive: true})
    const layout = discoverCgroups({cgroupRoot: join(root, 'cgroup'), procRoot: join(FIXTURES, 'proc/basic')})
    const dirs = new Set(layout.hierarchies.map((h) => join(h.mountPoint, 'docker/c1')))
    const memory = layout.hierarchies.find((h) => h.controllers.includes('memory'))!
    // The watcher's live set of where the name is, and the hierarchies it watches.
    const foundIn = new Set(layout.hierarchies.map((h) => h.id))
    const options = {layout, kinds: selectKinds(['cpu', 'memory']), files: new OpenFiles(64), specRefreshMs: 30_000, foundIn}
    let looks = 0
    fs.existsSync = (p: fs.PathLike) => {
      if (dirs.has(String(p))) looks++
      return real(p)
    }
    syncBuiltinESMExports()
    const watched = new ContainerCollector('/docker/c1', {...options, watchedIn: new Set(foundIn)})
    const unwatched = new ContainerCollector('/docker/c1', options)
    for (const c of [watched, unwatched]) assert.ok(c.collect(1_000_000)?.memory, 'memory read')
    looks = 0
    assert.ok(watched.collect(1_031_000)?.memory)
    assert.equal(looks, 0, 'the refresh took the watcher at its word')
    assert.ok(unwatched.collect(1_031_000)?.memory)
    assert.ok(looks >= 2, 'without it, each directory is looked at')
    // Gone, and the watcher saw it go: looked at, and dropped.
    rmSync(join(memory.mountPoint, 'docker/c1'), {recursive: true})
    foundIn.delete(memory.id)
    assert.equal(watched.collect(1_062_000)?.memory, undefined, 'gone at the refresh')
  } finally {
    fs.existsSync = real
    syncBuiltinESMExports()
    rmSync(root, {recursive: true, force: true})
  }
})

test('where reads see a removal (cgroupfs), a known directory no read doubted is not looked at again; one a read found gone is', () => {
  const root = mkdtempSync(join(tmpdir(), 'cadv-doubt-'))
  const real = fs.existsSync
  try {
    cpSync(join(FIXTURES, 'cgroup_v1/separate'), join(root, 'cgroup'), {recursive: true})
    const layout = discoverCgroups({cgroupRoot: join(root, 'cgroup'), procRoot: join(FIXTURES, 'proc/basic')})
    const dirs = new Set(layout.hierarchies.map((h) => join(h.mountPoint, 'docker/c1')))
    const memDir = join(root, 'cgroup/memory/docker/c1')
    const saved = join(root, 'saved-memory')
    cpSync(memDir, saved, {recursive: true})
    // The fixture trusted as cgroupfs is, with nothing kept open: every read opens its file, so
    // a removed directory's files are absent to the next read, as a removed cgroup's are.
    const files = new OpenFiles(0)
    files.trustedRoots = [`${join(root, 'cgroup')}/`]
    // No watcher (watchedIn): before, each known directory was looked at with every refresh.
    const c = new ContainerCollector('/docker/c1', {layout, kinds: selectKinds(['cpu', 'memory']), files, specRefreshMs: 30_000})
    let looks = 0
    fs.existsSync = (p: fs.PathLike) => {
      if (dirs.has(String(p))) looks++
      return real(p)
    }
    syncBuiltinESMExports()
    assert.ok(c.collect(1_000_000)?.memory, 'memory read')
    looks = 0
    assert.ok(c.collect(1_031_000)?.memory)
    assert.equal(looks, 0, 'the refresh took the known directories as there')
    rmSync(memDir, {recursive: true})
    assert.equal(c.collect(1_032_000)?.memory, undefined, 'its files are absent to the reads')
    assert.ok(c.dir('memory'), 'still known until the refresh')
    const after = c.collect(1_062_000)
    assert.ok(looks >= 1, 'the doubted directory is looked at')
    assert.equal(c.dir('memory'), undefined, 'and dropped')
    assert.ok(after?.cpu, 'cpu still read')
    cpSync(saved, memDir, {recursive: true})
    assert.ok(c.collect(1_093_000)?.memory, 'made again: found at the next refresh')
  } finally {
    fs.existsSync = real
    syncBuiltinESMExports()
    rmSync(root, {recursive: true, force: true})
  }
})

test('a reading for rates only reads the counters again and keeps the rest of the reading before, errors included', () => {
  const root = mkdtempSync(join(tmpdir(), 'cadv-rates-'))
  try {
    cpSync(join(FIXTURES, 'cgroup_v1/separate'), join(root, 'cgroup'), {recursive: true})
    const dir = (h: string): string => join(root, 'cgroup', h, 'docker/c1')
    // A memory.stat that does not parse: an error of the memory reader, kept with its part.
    writeFileSync(join(dir('memory'), 'memory.stat'), 'total_inactive_file x\n')
    const layout = discoverCgroups({cgroupRoot: join(root, 'cgroup'), procRoot: join(FIXTURES, 'proc/basic')})
    const c = new ContainerCollector('/docker/c1', {
      layout,
      kinds: selectKinds(['cpu', 'memory', 'diskIO', 'process']),
      files: new OpenFiles(64),
    })
    const first = c.collect(1_000_000)!
    assert.ok(first.cpu && first.memory && first.diskio && first.processes, 'a whole first reading')
    assert.equal(first.errors?.length, 1)
    writeFileSync(join(dir('cpuacct'), 'cpuacct.usage'), `${first.cpu.usageNs + 5e8}\n`)
    writeFileSync(join(dir('memory'), 'memory.usage_in_bytes'), `${first.memory.usageBytes + 4096}\n`)
    const rates = c.collect(1_000_500, first)!
    assert.equal(rates.timestampMs, 1_000_500)
    assert.equal(rates.cpu?.usageNs, first.cpu.usageNs + 5e8, 'the counters are read again')
    assert.deepEqual(rates.diskio, first.diskio)
    assert.equal(rates.memory, first.memory, "memory is the first reading's")
    assert.equal(rates.processes, first.processes, 'and so are the tasks')
    assert.deepEqual(rates.errors, first.errors)
    const next = c.collect(1_001_500)!
    assert.equal(next.memory?.usageBytes, first.memory.usageBytes + 4096, 'the next whole reading reads memory')
  } finally {
    rmSync(root, {recursive: true, force: true})
  }
})

test('a reading counters first: its rest read into the same sample later makes it what a whole reading is', () => {
  const layout = discoverCgroups({cgroupRoot: `${FIXTURES}cgroup_v1/separate`, procRoot: join(FIXTURES, 'proc/basic')})
  const collector = (): ContainerCollector =>
    new ContainerCollector('/docker/c1', {layout, kinds: selectKinds(['cpu', 'memory', 'diskIO', 'process']), files: new OpenFiles(64)})
  const whole = collector().collect(1_000_000)!
  const c = collector()
  const sample = c.collectCounters(1_000_000)!
  assert.ok(sample.cpu && sample.diskio, 'the counters')
  assert.equal(sample.memory, undefined, 'and nothing else yet')
  assert.equal(sample.processes, undefined)
  assert.equal(c.completeReading(sample), true)
  assert.deepEqual(sample, whole)
})

test('where a watch reports writes, a refresh keeps a section none wrote to; a reported write, errors and the trust interval read it', () => {
  const root = mkdtempSync(join(tmpdir(), 'cadv-written-'))
  try {
    cpSync(join(FIXTURES, 'cgroup_v1/separate'), join(root, 'cgroup'), {recursive: true})
    const layout = discoverCgroups({cgroupRoot: join(root, 'cgroup'), procRoot: join(FIXTURES, 'proc/basic')})
    const memory = layout.hierarchies.find((h) => h.controllers.includes('memory'))!
    const cpu = layout.hierarchies.find((h) => h.controllers.includes('cpu'))!
    const pids = layout.hierarchies.find((h) => h.controllers.includes('pids'))!
    const reads = new Map<string, number>()
    class Counting extends OpenFiles {
      protected override noteRead(path: string): void {
        reads.set(path, (reads.get(path) ?? 0) + 1)
      }
    }
    const count = (h: typeof cpu, file: string): number => reads.get(join(h.mountPoint, 'docker/c1', file)) ?? 0
    // The watcher's word: cpu and memory watched for writes, pids not.
    const watched = new Set([cpu.id, memory.id])
    const c = new ContainerCollector('/docker/c1', {
      layout,
      kinds: selectKinds(['cpu', 'memory']),
      files: new Counting(64),
      quietParts: false,
      writesSeen: (h) => watched.has(h.id),
    })
    const t0 = 1_000_000
    const spec = c.readSpec(t0)
    assert.equal(count(memory, 'memory.limit_in_bytes'), 1)
    const limit = join(memory.mountPoint, 'docker/c1/memory.limit_in_bytes')
    writeFileSync(limit, '12345678\n')
    assert.equal(c.readSpec(t0 + 30_000), spec, 'nothing reported: the same spec, memory unread')
    assert.equal(count(memory, 'memory.limit_in_bytes'), 1)
    assert.equal(count(cpu, 'cpu.shares'), 1)
    assert.equal(count(pids, 'pids.max'), 2, 'an unwatched directory is read at each refresh')

    c.specWritten(memory.id)
    assert.ok(c.collect(t0 + 31_000), 'a reading')
    assert.equal(c.spec?.memoryLimitBytes, 12345678, 'a reported write is read at the next reading')
    assert.equal(count(memory, 'memory.soft_limit_in_bytes'), 2)
    assert.equal(count(cpu, 'cpu.shares'), 1, 'not the sections none wrote to')
    assert.equal(count(pids, 'pids.max'), 2, 'nor the refresh')

    // A file that does not parse: after it, every section is read until the error is gone.
    writeFileSync(join(cpu.mountPoint, 'docker/c1/cpu.shares'), 'many\n')
    c.specWritten(cpu.id)
    c.collect(t0 + 32_000)
    assert.ok(c.specErrors.length > 0, 'cpu.shares does not parse')
    c.readSpec(t0 + 62_000)
    assert.equal(count(memory, 'memory.soft_limit_in_bytes'), 3, 'read after errors')
    writeFileSync(join(cpu.mountPoint, 'docker/c1/cpu.shares'), '512\n')
    c.specWritten(cpu.id)
    c.collect(t0 + 63_000)
    assert.equal(c.spec?.cpuShares, 512)
    c.readSpec(t0 + 93_000)
    assert.equal(count(memory, 'memory.soft_limit_in_bytes'), 4, 'the reading after the errors read all')
    c.readSpec(t0 + 123_000)
    assert.equal(count(memory, 'memory.soft_limit_in_bytes'), 4, 'and then kept it again')
    c.readSpec(t0 + SPEC_WRITES_TRUST_MS)
    assert.equal(count(memory, 'memory.soft_limit_in_bytes'), 5, 'read at the trust interval')
    assert.equal(count(cpu, 'cpu.shares'), 5)
  } finally {
    rmSync(root, {recursive: true, force: true})
  }
})

test('a creation time asked before the first reading stats each directory once, with its control file', () => {
  // serve's events ask as the container is added, while the watcher still scans the other
  // hierarchies: the look for the directories and the creation time share one stat of each.
  const root = mkdtempSync(join(tmpdir(), 'cadv-created-'))
  try {
    const tree = join(root, 'cgroup')
    cpSync(join(FIXTURES, 'cgroup_v1/separate'), tree, {recursive: true})
    for (const h of ['blkio', 'cpu', 'cpuacct', 'memory', 'pids']) writeFileSync(join(tree, h, 'docker/c1/cgroup.clone_children'), '0\n')
    const layout = discoverCgroups({cgroupRoot: tree, procRoot: join(FIXTURES, 'proc/basic')})
    const c = new ContainerCollector('/docker/c1', {layout, kinds: selectKinds(), files: new OpenFiles(64)})
    const stats = new Map<string, number>()
    const statSync = fs.statSync
    // statSync is declared read-only (a const of @types/node); the module's property is not.
    const writable = fs as {statSync: typeof fs.statSync}
    writable.statSync = ((path: fs.PathLike, options?: fs.StatSyncOptions) => {
      stats.set(String(path), (stats.get(String(path)) ?? 0) + 1)
      return statSync(path, options)
    }) as typeof fs.statSync
    syncBuiltinESMExports()
    let created: number | undefined
    try {
      created = c.creationTimeMs()
    } finally {
      writable.statSync = statSync
      syncBuiltinESMExports()
    }
    const dirs = ['blkio', 'cpu', 'cpuacct', 'memory', 'pids'].map((h) => join(tree, h, 'docker/c1'))
    for (const d of dirs) {
      assert.equal(stats.get(d), 1, `${d} stat'ed once`)
      assert.equal(stats.get(join(d, 'cgroup.clone_children')), 1, `${d}/cgroup.clone_children stat'ed once`)
    }
    const oldest = Math.min(...dirs.flatMap((d) => [d, join(d, 'cgroup.clone_children')].map((p) => statSync(p).mtimeMs)))
    assert.equal(created, Math.floor(oldest))
    assert.ok(c.collect(1_000_000)?.memory, 'its directories were found')
  } finally {
    rmSync(root, {recursive: true, force: true})
  }
})
