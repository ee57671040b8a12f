import {test} from 'node:test'
import assert from 'node:assert/strict'

import {MountinfoParseError, decodeMountField, parseCgroupMounts} from '../../../src/lib/cgroups/index.js'

// The CI machine's hybrid layout: cpu and cpuacct mounted apart, name=systemd, unified v2.
const HYBRID_SEPARATE = `
22 1 0:21 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`

// A typical Docker host before v2: cpu,cpuacct co-mounted, with optional fields present.
const V1_COMOUNTED = `
25 24 0:22 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
26 25 0:23 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:10 - cgroup cgroup rw,xattr,release_agent=/lib/systemd/systemd-cgroups-agent,name=systemd
29 25 0:26 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:13 - cgroup cgroup rw,cpu,cpuacct
30 25 0:27 / /sys/fs/cgroup/net_cls,net_prio rw,nosuid,nodev,noexec,relatime shared:14 master:3 - cgroup cgroup rw,net_cls,net_prio
`

const V2_ONLY = `
35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
`

test('hybrid host with separate cpu and cpuacct', () => {
  const m = parseCgroupMounts(HYBRID_SEPARATE)
  assert.deepEqual(
    m.map((x) => [x.mountPoint, x.version, x.controllers.join(','), x.name ?? '']),
    [
      ['/sys/fs/cgroup/cpu', 1, 'cpu', ''],
      ['/sys/fs/cgroup/cpuacct', 1, 'cpuacct', ''],
      ['/sys/fs/cgroup/memory', 1, 'memory', ''],
      ['/sys/fs/cgroup/systemd', 1, '', 'systemd'],
      ['/sys/fs/cgroup/unified', 2, '', ''],
    ],
  )
})

test('co-mounted cpu,cpuacct with optional fields and release_agent', () => {
  const m = parseCgroupMounts(V1_COMOUNTED)
  assert.deepEqual(
    m.map((x) => x.controllers),
    [[], ['cpu', 'cpuacct'], ['net_cls', 'net_prio']],
  )
  assert.equal(m[0]!.name, 'systemd')
  assert.equal(m[1]!.device, '0:26')
})

test('pure v2', () => {
  const m = parseCgroupMounts(V2_ONLY)
  assert.equal(m.length, 1)
  assert.equal(m[0]!.version, 2)
  assert.equal(m[0]!.mountPoint, '/sys/fs/cgroup')
})

test('octal escapes in mount points are decoded', () => {
  assert.equal(decodeMountField('/mnt/with\\040space'), '/mnt/with space')
  const m = parseCgroupMounts('50 1 0:40 /sub /host\\040cg/cpu rw - cgroup cgroup rw,cpu\n')
  assert.equal(m[0]!.mountPoint, '/host cg/cpu')
  assert.equal(m[0]!.mountRoot, '/sub')
})

test('a line without the separator is an error naming the line', () => {
  assert.throws(
    () => parseCgroupMounts('1 2 3:4 / /x rw\n'),
    (e: unknown) => e instanceof MountinfoParseError && /line 1/.test(e.message),
  )
})

test('no cgroup mounts gives an empty list', () => {
  assert.deepEqual(parseCgroupMounts('22 1 0:21 / /proc rw - proc proc rw\n'), [])
})
