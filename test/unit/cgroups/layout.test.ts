// Cgroup discovery in directory mode (--cgroup-root fixture trees under test/fixtures/discovery)
// and every error path of discoverCgroups (`cadv watch --once` on the same trees:
// test/integration/cli/watch-discovery.test.ts).
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {chmodSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {discoverCgroups, selectHierarchies} from '../../../src/lib/cgroups/index.js'
import {controllersForKinds, selectKinds} from '../../../src/lib/stats/index.js'
import {DISCOVERY, DISCOVERY_ID, discoveryError, hierarchyIds, scannedNames} from '../../helpers/discovery.js'

test('v1 with every controller mounted apart, and a named systemd hierarchy', () => {
  const layout = discoverCgroups({cgroupRoot: join(DISCOVERY, 'v1-separate')})
  assert.equal(layout.mode, 'v1')
  assert.equal(layout.source, 'directory')
  assert.deepEqual(hierarchyIds(layout), ['blkio', 'cpu', 'cpuacct', 'devices', 'memory', 'systemd'])
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
  assert.deepEqual(scannedNames(layout), ['/', '/docker', `/docker/${DISCOVERY_ID}`, '/system.slice'])
})

test('v1 with co-mounted cpu,cpuacct and net_cls,net_prio behind symlinks', () => {
  const layout = discoverCgroups({cgroupRoot: join(DISCOVERY, 'v1-comounted')})
  assert.equal(layout.mode, 'v1')
  // The cpu and cpuacct symlinks collapse into the hierarchy they point at.
  assert.deepEqual(hierarchyIds(layout), ['cpu,cpuacct', 'memory', 'net_cls,net_prio', 'systemd'])
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
  assert.deepEqual(scannedNames(layout), [
    '/',
    '/kubepods',
    '/kubepods/burstable',
    '/kubepods/burstable/pod1234',
    `/kubepods/burstable/pod1234/${DISCOVERY_ID}`,
  ])
})

test('pure v2: one tree, controllers from cgroup.controllers', () => {
  const layout = discoverCgroups({cgroupRoot: join(DISCOVERY, 'v2')})
  assert.equal(layout.mode, 'v2')
  assert.deepEqual(
    layout.hierarchies.map((h) => [h.id, h.version, h.controllers.join(' ')]),
    [['unified', 2, 'cpu cpuset io memory pids']],
  )
  assert.deepEqual(scannedNames(layout), ['/', '/init.scope', '/system.slice', `/system.slice/docker-${DISCOVERY_ID}.scope`, '/user.slice'])
})

test('hybrid: v1 controllers plus cgroup2 at unified; v1 is watched by default', () => {
  const layout = discoverCgroups({cgroupRoot: join(DISCOVERY, 'hybrid')})
  assert.equal(layout.mode, 'hybrid')
  assert.deepEqual(hierarchyIds(layout), ['cpu', 'cpuacct', 'devices', 'memory', 'systemd', 'unified'])
  assert.deepEqual(
    selectHierarchies(layout, controllersForKinds(selectKinds()))
      .map((h) => h.id)
      .sort(),
    ['cpu', 'cpuacct', 'devices', 'memory'],
  )
  assert.deepEqual(scannedNames(layout, ['unified']), [
    '/',
    '/podman',
    `/podman/${DISCOVERY_ID}`,
    '/system.slice',
    '/system.slice/containerd.service',
  ])
})

test('errors: missing directory, not a directory, no hierarchy, unreadable directory', () => {
  discoveryError(() => discoverCgroups({cgroupRoot: join(DISCOVERY, 'does-not-exist')}), /--cgroup-root .*does-not-exist: ENOENT$/)
  discoveryError(() => discoverCgroups({cgroupRoot: join(DISCOVERY, 'empty', 'README')}), /: not a directory$/)
  discoveryError(() => discoverCgroups({cgroupRoot: join(DISCOVERY, 'empty')}), /no cgroup hierarchy found/)
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
    () => discoverCgroups({procRoot: join(DISCOVERY, 'no-proc-here')}),
    /cannot read .*no-proc-here\/self\/mountinfo: ENOENT \(use --proc-root or --cgroup-root\)/,
  )
  discoveryError(() => discoverCgroups({procRoot: join(DISCOVERY, 'proc-nocgroup')}), /no cgroup filesystem is mounted/)
  discoveryError(() => discoverCgroups({procRoot: join(DISCOVERY, 'proc-badline')}), /mountinfo line 1: no " - " separator/)
  discoveryError(
    () => discoverCgroups({procRoot: join(DISCOVERY, 'proc-gone-mount')}),
    /cgroup hierarchy cpu at \/nonexistent\/cadv-fixture\/cpu is not readable: ENOENT/,
  )
})
