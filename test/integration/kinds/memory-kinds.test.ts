// Kinds memory_numa, cpuset and referenced_memory on real cgroups: pages per node as
// memory.numa_stat counts them, memory_migrate as set, referenced bytes as smaps_rollup sums them.
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'

import {TestCgroups, realCgroupSkipReason} from '../../helpers/cgroups.js'
import {RealReader} from '../../helpers/kinds.js'
import {until} from '../../helpers/wait.js'

const skip = realCgroupSkipReason()
let tc: TestCgroups
let reader: RealReader
const MiB = 1024 * 1024
/** A process holding 64 MiB of touched anonymous memory. */
const HOLD = `const b = Buffer.alloc(${64 * MiB}, 1); setInterval(() => b[0]++, 1e9); console.log('ready')`

before(() => {
  if (skip) return
  tc = new TestCgroups('cadvt-mem')
  tc.mkdir()
  tc.mkdir('numa')
  tc.mkdir('migrate')
  tc.mkdir('ref')
  reader = new RealReader(tc, ['memory_numa', 'cpuset', 'referenced_memory'])
})

after(async () => {
  reader?.close()
  await tc?.cleanup()
})

function numaStat(rel: string): Map<string, number[]> {
  const out = new Map<string, number[]>()
  for (const line of tc.read(tc.hierarchy('memory'), rel, 'memory.numa_stat').trim().split('\n')) {
    const [head, ...nodes] = line.split(' ')
    out.set(
      head!.split('=')[0]!,
      nodes.map((n) => Number(n.split('=')[1])),
    )
  }
  return out
}

test('container_memory_numa_pages: the pages per node memory.numa_stat counts', {skip}, async (t) => {
  const memory = tc.hierarchy('memory')
  if (memory.version !== 1) return t.skip('memory controller on v2 here: covered by the v2 fixture test')
  tc.spawnIn('numa', process.execPath, ['-e', HOLD])
  await until('64 MiB of anonymous pages', () => (numaStat('numa').get('anon')?.[0] ?? 0) * 4096 >= 64 * MiB)
  const got = await until('cadv to read what the file says', () => {
    const truth = numaStat('numa')
    const series = reader.series('numa', 'container_memory_numa_pages')
    const value = (type: string, scope: string): number | undefined =>
      series.find((s) => s.labels.type === type && s.labels.scope === scope && s.labels.node === '0')?.value
    const ok =
      value('anon', 'container') === truth.get('anon')![0] &&
      value('file', 'container') === truth.get('file')![0] &&
      value('unevictable', 'container') === truth.get('unevictable')![0] &&
      value('anon', 'hierarchy') === truth.get('hierarchical_anon')![0]
    return ok && series
  })
  assert.equal(got.length, 6 * numaStat('numa').get('anon')!.length, 'three types, two scopes, every node')
})

test('container_memory_migrate follows cpuset.memory_migrate', {skip}, async (t) => {
  const cpuset = tc.hierarchy('cpuset')
  if (cpuset.version !== 1) return t.skip('cpuset on v2 here: v2 has no memory_migrate')
  assert.deepEqual(
    reader.series('migrate', 'container_memory_migrate').map((s) => s.value),
    [0],
  )
  tc.write(cpuset, 'migrate', 'cpuset.memory_migrate', '1')
  assert.deepEqual(
    reader.series('migrate', 'container_memory_migrate').map((s) => s.value),
    [1],
  )
})

test('container_referenced_bytes sums Referenced of the processes (smaps_rollup)', {skip}, async () => {
  const child = tc.spawnIn('ref', process.execPath, ['-e', HOLD])
  const pid = child.pid!
  const referenced = (): number =>
    Number(/^Referenced:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'latin1'))?.[1] ?? 0) * 1024
  await until('64 MiB referenced', () => readFileSync(`/proc/${pid}/comm`, 'latin1').startsWith('node') && referenced() >= 64 * MiB)
  await until('cadv to sum the same bytes', () => {
    const before = referenced()
    const v = reader.series('ref', 'container_referenced_bytes')[0]?.value
    return v !== undefined && v >= 64 * MiB && v === before && v === referenced()
  })
})
