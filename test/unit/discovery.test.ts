// Cgroup discovery in directory mode (--cgroup-root fixture trees under test/fixtures/discovery)
// and every error path of src/lib/cgroups, through the library (`cadv watch --once` on the same
// trees: test/integration/cli/watch-discovery.test.ts).
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {fileURLToPath} from 'node:url'
import {chmodSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {CgroupDiscoveryError, discoverCgroups, selectHierarchies, type CgroupLayout} from '../../src/lib/cgroups/index.js'
import {controllersForKinds, selectKinds} from '../../src/lib/stats/index.js'
import {createWatcher, scanHierarchies} from '../../src/lib/watch/index.js'

const FIX = fileURLToPath(new URL('../fixtures/discovery/', import.meta.url))
const ID = '3f2a9c0d1e4b5a6978a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b'

function ids(layout: CgroupLayout): string[] {
  return layout.hierarchies.map((h) => h.id).sort()
}

function names(layout: CgroupLayout, hierarchyIds: string[] = []): string[] {
  return [...scanHierarchies(selectHierarchies(layout, controllersForKinds(selectKinds()), hierarchyIds)).keys()].sort()
}

test('v1 with every controller mounted apart, and a named systemd hierarchy', () => {
  const layout = discoverCgroups({cgroupRoot: join(FIX, 'v1-separate')})
  assert.equal(layout.mode, 'v1')
  assert.equal(layout.source, 'directory')
  assert.deepEqual(ids(layout), ['blkio', 'cpu', 'cpuacct', 'devices', 'memory', 'systemd'])
  const systemd = layout.hierarchies.find((h) => h.id === 'systemd')!
  assert.deepEqual([systemd.version, systemd.name, systemd.controllers], [1, 'systemd', []])
  // Default selection: what cAdvisor's default kinds need; the named hierarchy only when asked.
  assert.deepEqual(
    selectHierarchies(layout, controllersForKinds(selectKinds()))
      .map((h) => h.id)
      .sort(),
    ['blkio', 'cpu', 'cpuacct', 'devices', 'memory'],
  )
  assert.deepEqual(
    selectHierarchies(layout, controllersForKinds(selectKinds()), ['systemd']).map((h) => h.id),
    ['systemd'],
  )
  // One name per cgroup across five hierarchies; .mount cgroups skipped.
  assert.deepEqual(names(layout), ['/', '/docker', `/docker/${ID}`, '/system.slice'])
})

test('v1 with co-mounted cpu,cpuacct and net_cls,net_prio behind symlinks', () => {
  const layout = discoverCgroups({cgroupRoot: join(FIX, 'v1-comounted')})
  assert.equal(layout.mode, 'v1')
  // The cpu and cpuacct symlinks collapse into the hierarchy they point at.
  assert.deepEqual(ids(layout), ['cpu,cpuacct', 'memory', 'net_cls,net_prio', 'systemd'])
  const cpu = layout.hierarchies.find((h) => h.id === 'cpu,cpuacct')!
  assert.deepEqual(cpu.controllers, ['cpu', 'cpuacct'])
  assert.ok(cpu.mountPoint.endsWith('/cpu,cpuacct'))
  assert.deepEqual(
    selectHierarchies(layout, controllersForKinds(selectKinds()))
      .map((h) => h.id)
      .sort(),
    ['cpu,cpuacct', 'memory'],
  )
  // A controller name picks the hierarchy that carries it.
  assert.deepEqual(
    selectHierarchies(layout, controllersForKinds(selectKinds()), ['cpuacct']).map((h) => h.id),
    ['cpu,cpuacct'],
  )
  assert.deepEqual(names(layout), [
    '/',
    '/kubepods',
    '/kubepods/burstable',
    '/kubepods/burstable/pod1234',
    `/kubepods/burstable/pod1234/${ID}`,
  ])
})

test('pure v2: one tree, controllers from cgroup.controllers', () => {
  const layout = discoverCgroups({cgroupRoot: join(FIX, 'v2')})
  assert.equal(layout.mode, 'v2')
  assert.deepEqual(
    layout.hierarchies.map((h) => [h.id, h.version, h.controllers.join(' ')]),
    [['unified', 2, 'cpu cpuset io memory pids']],
  )
  assert.deepEqual(names(layout), ['/', '/init.scope', '/system.slice', `/system.slice/docker-${ID}.scope`, '/user.slice'])
})

test('hybrid: v1 controllers plus cgroup2 at unified; v1 is watched by default', () => {
  const layout = discoverCgroups({cgroupRoot: join(FIX, 'hybrid')})
  assert.equal(layout.mode, 'hybrid')
  assert.deepEqual(ids(layout), ['cpu', 'cpuacct', 'devices', 'memory', 'systemd', 'unified'])
  assert.deepEqual(
    selectHierarchies(layout, controllersForKinds(selectKinds()))
      .map((h) => h.id)
      .sort(),
    ['cpu', 'cpuacct', 'devices', 'memory'],
  )
  assert.deepEqual(names(layout, ['unified']), ['/', '/podman', `/podman/${ID}`, '/system.slice', '/system.slice/containerd.service'])
})

test('prefixes limit the scan to subtrees, walking through their parents only', () => {
  const layout = discoverCgroups({cgroupRoot: join(FIX, 'v1-comounted')})
  const hs = selectHierarchies(layout, controllersForKinds(selectKinds()))
  assert.deepEqual([...scanHierarchies(hs, ['/kubepods/burstable/pod1234']).keys()].sort(), [
    '/kubepods/burstable/pod1234',
    `/kubepods/burstable/pod1234/${ID}`,
  ])
  assert.deepEqual([...scanHierarchies(hs, ['/kube']).keys()], [])
})

test('the watcher lists a fixture tree like the scan does, on every backend', async () => {
  const layout = discoverCgroups({cgroupRoot: join(FIX, 'v1-separate')})
  const hierarchies = selectHierarchies(layout, controllersForKinds(selectKinds()))
  for (const backend of ['inotify', 'poll'] as const) {
    const w = createWatcher({hierarchies, backend})
    const seen: string[] = []
    w.on('event', (e) => seen.push(`${e.type} ${e.name} ${e.initial}`))
    await w.start()
    await w.stop()
    assert.deepEqual(
      seen.sort(),
      names(layout).map((n) => `ContainerAdd ${n} true`),
    )
  }
})

function discoveryError(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof CgroupDiscoveryError && e.exitCode === 2 && message.test(e.message))
}

test('errors: missing directory, not a directory, no hierarchy, unreadable directory', () => {
  discoveryError(() => discoverCgroups({cgroupRoot: join(FIX, 'does-not-exist')}), /--cgroup-root .*does-not-exist: ENOENT$/)
  discoveryError(() => discoverCgroups({cgroupRoot: join(FIX, 'empty', 'README')}), /: not a directory$/)
  discoveryError(() => discoverCgroups({cgroupRoot: join(FIX, 'empty')}), /no cgroup hierarchy found/)
  const dir = mkdtempSync(join(tmpdir(), 'cadv-unreadable-'))
  try {
    chmodSync(dir, 0o000)
    // root reads anything; only a non-root run can see EACCES here.
    if (process.getuid?.() !== 0) discoveryError(() => discoverCgroups({cgroupRoot: dir}), /EACCES/)
  } finally {
    chmodSync(dir, 0o700)
    rmSync(dir, {recursive: true})
  }
})

test('errors: mountinfo unreadable, without cgroup mounts, malformed, or naming a missing mount point', () => {
  discoveryError(
    () => discoverCgroups({procRoot: join(FIX, 'no-proc-here')}),
    /cannot read .*no-proc-here\/self\/mountinfo: ENOENT \(use --proc-root or --cgroup-root\)/,
  )
  discoveryError(() => discoverCgroups({procRoot: join(FIX, 'proc-nocgroup')}), /no cgroup filesystem is mounted/)
  discoveryError(() => discoverCgroups({procRoot: join(FIX, 'proc-badline')}), /mountinfo line 1: no " - " separator/)
  discoveryError(
    () => discoverCgroups({procRoot: join(FIX, 'proc-gone-mount')}),
    /cgroup hierarchy cpu at \/nonexistent\/cadv-fixture\/cpu is not readable: ENOENT/,
  )
})

test('errors: unknown --hierarchy names the available ones', () => {
  const layout = discoverCgroups({cgroupRoot: join(FIX, 'v1-comounted')})
  discoveryError(
    () => selectHierarchies(layout, controllersForKinds(selectKinds()), ['blkio']),
    /--hierarchy blkio: no such hierarchy \(available: cpu,cpuacct memory net_cls,net_prio systemd\)/,
  )
})
