// Kind oom_event on a real v1 memory cgroup: a process allocating past a 16 MiB limit is
// killed by the kernel, and container_oom_events_total goes up by exactly one.
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {once} from 'node:events'

import {TestCgroups, realCgroupSkipReason} from '../../helpers/cgroups.js'
import {RealReader} from '../../helpers/kinds.js'
import {until} from '../../helpers/wait.js'

const skip = realCgroupSkipReason()
let tc: TestCgroups
let reader: RealReader

before(() => {
  if (skip) return
  tc = new TestCgroups('cadvt-oom')
  tc.mkdir()
  tc.mkdir('victim')
  reader = new RealReader(tc, ['memory', 'oom_event'])
})

after(async () => {
  reader?.close()
  await tc?.cleanup()
})

test('a real OOM kill raises container_oom_events_total by one', {skip}, async (t) => {
  const memory = tc.hierarchy('memory')
  if (memory.version !== 1) return t.skip('the memory controller is on cgroup v2 here (covered by the v2 fixture test)')
  tc.write(memory, 'victim', 'memory.limit_in_bytes', String(16 * 1024 * 1024))
  // No swap to escape into: the kernel must kill, not page out.
  try {
    tc.write(memory, 'victim', 'memory.memsw.limit_in_bytes', String(16 * 1024 * 1024))
  } catch {
    // no swap accounting on this kernel: nothing to escape into either
  }
  const before = reader.series('victim', 'container_oom_events_total')
  assert.deepEqual(
    before.map((s) => s.value),
    [0],
  )
  // tail keeps its current line in memory, and /dev/zero never ends a line.
  const child = tc.spawnIn('victim', 'tail', ['/dev/zero'])
  const [, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null]
  assert.equal(signal, 'SIGKILL', 'the kernel killed the process')
  const series = await until('the OOM count', () => {
    const s = reader.series('victim', 'container_oom_events_total')
    return s[0]?.value === 1 && s
  })
  assert.equal(series.length, 1)
  // Still one a moment later: the count is the kernel's, read again, never added to.
  assert.equal(reader.series('victim', 'container_oom_events_total')[0]?.value, 1)
})
