// Kind resctrl on fixture trees (this host has no resctrl filesystem: the kind says so at start,
// test/integration/kinds/cadvisor-families.test.ts). host/kinds/sys/fs/resctrl holds what the
// kernel shows with monitoring on: info/L3_MON, two mon_data domains, a monitoring group made
// by cAdvisor for /docker/c1's two tasks, another group, and a second control group.
import {after, test} from 'node:test'
import assert from 'node:assert/strict'
import {cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {discoverCgroups} from '../../../../src/lib/cgroups/index.js'
import {ContainerCollector, KINDS, OpenFiles, selectKinds} from '../../../../src/lib/stats/index.js'
import type {KindHost} from '../../../../src/lib/stats/kinds/types.js'
import {findControlGroup, groupName, IDLE_REMOVE_MS, monitoringGroup, touch} from '../../../../src/lib/stats/kinds/resctrl/groups.js'
import {samples} from '../../../helpers/exposition.js'
import {exposeSample, fixtureSample} from '../../../helpers/kinds.js'

const fixtures = new URL('../../../fixtures/', import.meta.url).pathname
const RESCTRL = `${fixtures}host/kinds/sys/fs/resctrl`
const work = mkdtempSync(join(tmpdir(), 'cadvt-resctrl-'))
after(() => rmSync(work, {recursive: true, force: true}))

const C1 = [
  {mbmTotalBytes: 734003200, mbmLocalBytes: 524288000, llcOccupancyBytes: 2097152},
  {mbmLocalBytes: 1048576, llcOccupancyBytes: 65536},
]

for (const tree of ['cgroup_v1/kinds', 'cgroup_v2/kinds']) {
  test(`${tree}: a container's monitoring group (the one holding exactly its tasks), per domain`, () => {
    const s = fixtureSample(tree, 'kinds', ['resctrl'])
    assert.deepEqual(s.resctrl, C1)
    const fams = exposeSample(s, ['resctrl'])
    assert.deepEqual(
      samples(fams, 'container_memory_bandwidth_bytes').map((x) => [x.labels.node_id, x.value]),
      [['0', 734003200]],
      'a domain that says Unavailable has no series',
    )
    assert.equal(samples(fams, 'container_llc_occupancy_bytes', {node_id: '1'})[0]?.value, 65536)
    assert.equal(samples(fams, 'container_memory_bandwidth_local_bytes').length, 2)
  })
}

test('/ reads the root group: every task not in another control group', () => {
  const s = fixtureSample('cgroup_v1/kinds', 'kinds', ['resctrl'], '/')
  assert.deepEqual(s.resctrl, [
    {mbmTotalBytes: 81920000000, mbmLocalBytes: 61440000000, llcOccupancyBytes: 9437184},
    {mbmTotalBytes: 2048000, mbmLocalBytes: 1024000, llcOccupancyBytes: 1048576},
  ])
})

test('without a group for its tasks, one is made under their control group and the tasks moved into it', () => {
  const host = join(work, 'made')
  cpSync(`${fixtures}host/kinds`, host, {recursive: true})
  const root = `${host}/sys/fs/resctrl`
  rmSync(`${root}/mon_groups/cadvisor-docker-c1`, {recursive: true})
  const layout = discoverCgroups({cgroupRoot: `${fixtures}cgroup_v1/kinds`, procRoot: `${host}/proc`})
  const c = new ContainerCollector('/docker/c1', {layout, kinds: selectKinds(['resctrl']), files: new OpenFiles(16)})
  try {
    assert.equal(c.collect()?.resctrl, undefined, 'no mon_data before the kernel fills it')
    const group = `${root}/mon_groups/cadv-docker-c1`
    assert.equal(readFileSync(`${group}/tasks`, 'utf8'), '4242\n4243\n')
    // What the kernel shows in a new group.
    mkdirSync(`${group}/mon_data/mon_L3_00`, {recursive: true})
    writeFileSync(`${group}/mon_data/mon_L3_00/mbm_total_bytes`, '4096\n')
    assert.deepEqual(c.collect()?.resctrl, [{mbmTotalBytes: 4096}])
  } finally {
    c.close()
  }
})

test('the control group is the one whose tasks include all of them; split tasks have none', () => {
  assert.equal(findControlGroup(RESCTRL, [4242, 4243]), RESCTRL)
  assert.equal(findControlGroup(RESCTRL, [5000]), `${RESCTRL}/batch`)
  assert.equal(findControlGroup(RESCTRL, [4242, 5000]), undefined)
  assert.throws(() => monitoringGroup(RESCTRL, '/x', [4242, 5000], 0), /more than one control group/)
})

test("group names: cadv- and the container's path with dashes; a long one shortened with a hash", () => {
  assert.equal(groupName('/kubepods/burstable/pod1/abc'), 'cadv-kubepods-burstable-pod1-abc')
  const long = groupName(`/${'a'.repeat(300)}`)
  assert.ok(long.length <= 200 && long.startsWith('cadv-aaa'), long)
  assert.notEqual(long, groupName(`/${'a'.repeat(301)}`))
})

test('groups cadv made and no reading asked for lately are removed; groups others made are left', () => {
  const root = join(work, 'sweep')
  cpSync(RESCTRL, root, {recursive: true})
  // Later than any reading so far (the sweep runs at most once a minute, process-wide).
  const t0 = Date.now() + 10 * IDLE_REMOVE_MS
  const group = monitoringGroup(root, '/gone', [4300, 1], t0)
  assert.equal(group, `${root}/mon_groups/cadv-gone`)
  // A plain directory cannot be removed with files in it (the kernel's can): empty it first.
  unlinkSync(`${group}/tasks`)
  touch(`${root}/mon_groups/other`, t0 + 60_000)
  assert.ok(existsSync(group), 'still fresh')
  touch(`${root}/mon_groups/other`, t0 + IDLE_REMOVE_MS + 120_000)
  assert.ok(!existsSync(group), 'idle: removed')
  assert.ok(existsSync(`${root}/mon_groups/other`), "another's group stays")
})

test('the kind says why it gives nothing without resctrl, or without its monitoring', () => {
  const unavailable = (sysRoot: string): string | undefined => KINDS.resctrl.unavailable?.({sysRoot} as KindHost)
  assert.equal(unavailable(`${fixtures}host/kinds/sys`), undefined)
  assert.match(unavailable('/nonexistent') ?? '', /^resctrl: no resource control here/)
  const bare = join(work, 'bare')
  mkdirSync(`${bare}/fs/resctrl/info/L3`, {recursive: true})
  assert.match(unavailable(bare) ?? '', /has no monitoring/)
})
