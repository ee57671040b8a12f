// The one registry of metric kinds.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {ALL_KINDS, KINDS, type KindDefinition} from '../../../../src/lib/stats/index.js'

test('the registry is keyed by cAdvisor kind names and each reader documents its files', () => {
  const withReaders = Object.entries(KINDS).flatMap(([name, k]: [string, KindDefinition]) => (k.reader ? [[name, k.reader] as const] : []))
  assert.deepEqual(
    withReaders.map(([name]) => name),
    [
      'cpu',
      'sched',
      'memory',
      'memory_numa',
      'cpuLoad',
      'diskIO',
      'disk',
      'network',
      'tcp',
      'advtcp',
      'udp',
      'process',
      'hugetlb',
      'perf_event',
      'referenced_memory',
      'resctrl',
      'cpuset',
      'oom_event',
      'pressure',
    ],
  )
  for (const [name, r] of withReaders) {
    assert.ok((ALL_KINDS as readonly string[]).includes(r.kind))
    assert.equal(r.kind, name)
    assert.ok(r.files.v1.length > 0 && r.files.v2.length > 0)
  }
})

// `cadv watch` reads this list instead of the registry (start-up time): it must be the registry's answer.
test('the default kinds need exactly the controllers written out for cadv watch', async () => {
  const {DEFAULT_KIND_CONTROLLERS} = await import('../../../../src/lib/stats/kinds/default-controllers.js')
  const {controllersForKinds, selectKinds} = await import('../../../../src/lib/stats/index.js')
  assert.deepEqual([...DEFAULT_KIND_CONTROLLERS].sort(), [...controllersForKinds(selectKinds())].sort())
})
