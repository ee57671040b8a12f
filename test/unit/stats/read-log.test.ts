// Pure readers' parts are reused while the bytes of their files are unchanged (read-log.ts),
// on copies of the fixture trees that the tests then modify.
import {after, test} from 'node:test'
import assert from 'node:assert/strict'
import {cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {discoverCgroups} from '../../../src/lib/cgroups/index.js'
import type {Sample} from '../../../src/lib/model/index.js'
import {ContainerCollector, OpenFiles, selectKinds} from '../../../src/lib/stats/index.js'
import {FIXTURES} from '../../helpers/collect.js'

const dirs: string[] = []
after(() => {
  for (const d of dirs) rmSync(d, {recursive: true, force: true})
})

/** A writable copy of a fixture tree and a collector of its /docker/c1 with cAdvisor's default kinds. */
function copy(tree: string): {root: string; c: ContainerCollector; files: OpenFiles} {
  const root = mkdtempSync(join(tmpdir(), 'cadv-readlog-'))
  dirs.push(root)
  cpSync(FIXTURES + tree, root, {recursive: true})
  const layout = discoverCgroups({cgroupRoot: root, procRoot: FIXTURES + 'proc/basic'})
  const files = new OpenFiles(64)
  const c = new ContainerCollector('/docker/c1', {layout, kinds: selectKinds(), files})
  return {root, c, files}
}

function collect(c: ContainerCollector, at: number): Sample {
  const s = c.collect(at)
  assert.ok(s, 'sample')
  return s
}

const PARTS = ['cpu', 'memory', 'diskio', 'pressure', 'processes', 'oom'] as const

test('unchanged files give the same part objects, without parsing again', () => {
  const {c} = copy('cgroup_v2/basic')
  // The first tick sets up per-reader state (device names), the second is the first logged.
  collect(c, 1000)
  const a = collect(c, 2000)
  const b = collect(c, 3000)
  for (const k of PARTS) if (a[k] !== undefined) assert.equal(b[k], a[k], k)
  assert.ok(a.cpu && a.memory && a.diskio && a.pressure && a.oom)
})

test('a changed file re-parses its kind only, and the new value is read', () => {
  const {root, c} = copy('cgroup_v2/basic')
  collect(c, 1000)
  const a = collect(c, 2000)
  const path = join(root, 'docker/c1/cpu.stat')
  writeFileSync(path, readFileSync(path, 'latin1').replace(/^usage_usec \d+/m, 'usage_usec 987654321'))
  const b = collect(c, 3000)
  assert.notEqual(b.cpu, a.cpu)
  assert.equal(b.cpu!.usageNs, 987654321 * 1000)
  assert.equal(b.memory, a.memory)
  assert.equal(b.pressure, a.pressure)
  // And the next tick logs the new bytes.
  const d = collect(c, 4000)
  assert.equal(d.cpu, b.cpu)
})

test('a file that became malformed is an error on every tick, and comes back when mended', () => {
  const {root, c} = copy('cgroup_v2/basic')
  collect(c, 1000)
  const good = collect(c, 2000)
  const path = join(root, 'docker/c1/memory.stat')
  const text = readFileSync(path, 'latin1')
  writeFileSync(path, text.replace(/^inactive_file \d+/m, 'inactive_file x'))
  for (const at of [3000, 4000, 5000]) {
    const s = collect(c, at)
    assert.equal(s.errors?.length, 1, JSON.stringify(s.errors))
    assert.match(s.errors[0]!, /memory\.stat: line \d+: "x" is not an integer/)
    assert.ok(s.memory, 'the rest of the part is kept')
  }
  writeFileSync(path, text)
  const mended = collect(c, 6000)
  assert.equal(mended.errors, undefined)
  assert.deepEqual(mended.memory, good.memory)
})

test('a file that shrinks to another length is read in full', () => {
  const {root, c} = copy('cgroup_v2/basic')
  collect(c, 1000)
  collect(c, 2000)
  const path = join(root, 'docker/c1/memory.current')
  writeFileSync(path, '7\n')
  assert.equal(collect(c, 3000).memory!.usageBytes, 7)
  writeFileSync(path, '8\n')
  assert.equal(collect(c, 4000).memory!.usageBytes, 8)
})

test('new limits run the readers again (a quota makes v1 read cpu.stat)', () => {
  const {root, c} = copy('cgroup_v1/separate')
  writeFileSync(join(root, 'cpu/docker/c1/cpu.cfs_quota_us'), '-1\n')
  c.readSpec(0)
  collect(c, 1000)
  const a = collect(c, 2000)
  assert.equal(a.cpu!.periods, undefined)
  writeFileSync(join(root, 'cpu/docker/c1/cpu.cfs_quota_us'), '50000\n')
  c.readSpec(2500)
  const b = collect(c, 3000)
  assert.ok(b.cpu!.periods !== undefined, 'throttling read under the quota')
  assert.notEqual(b.cpu, a.cpu)
})

test('an unchanged spec keeps its object', () => {
  const {c} = copy('cgroup_v1/separate')
  const a = c.readSpec(0)
  assert.equal(c.readSpec(1), a)
})

test('v1 and v2 trees with absent files: unchanged ticks reuse every part, a file that changes length is read again', () => {
  for (const [tree, file] of [
    ['cgroup_v1/separate', 'memory/docker/c1/memory.usage_in_bytes'],
    ['cgroup_v2/kinds', 'docker/c1/memory.current'],
  ] as const) {
    const {root, c} = copy(tree)
    collect(c, 1000)
    const a = collect(c, 2000)
    const b = collect(c, 3000)
    for (const k of PARTS) if (a[k] !== undefined) assert.equal(b[k], a[k], `${tree} ${k}`)
    const path = join(root, file)
    writeFileSync(path, '123456789012\n')
    const d = collect(c, 4000)
    assert.ok(
      PARTS.some((k) => d[k] !== b[k]),
      `${tree}: a part is new after ${file} changed`,
    )
    const e = collect(c, 5000)
    for (const k of PARTS) if (d[k] !== undefined) assert.equal(e[k], d[k], `${tree} ${k} after the change`)
  }
})
