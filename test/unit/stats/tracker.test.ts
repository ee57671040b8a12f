// The tracker's reads in parts (ReadPart): counters first, the rest into the same stored sample,
// then a reading for rates that keeps it; on fixture trees.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {discoverCgroups} from '../../../src/lib/cgroups/index.js'
import type {Sample, SampleList} from '../../../src/lib/model/index.js'
import {ContainerCollector, ContainerTracker, OpenFiles, selectKinds, Store} from '../../../src/lib/stats/index.js'
import {FIXTURES} from '../../helpers/collect.js'

function tracker(): {t: ContainerTracker; samples: SampleList; seen: Sample[]} {
  const layout = discoverCgroups({cgroupRoot: `${FIXTURES}cgroup_v1/separate`, procRoot: `${FIXTURES}proc/basic`})
  const c = new ContainerCollector('/docker/c1', {
    layout,
    kinds: selectKinds(['cpu', 'memory', 'diskIO', 'process']),
    files: new OpenFiles(64),
  })
  const store = new Store({maxAgeMs: 60_000, maxSamples: 3})
  const samples = store.open('/docker/c1')
  const seen: Sample[] = []
  const t = new ContainerTracker({name: '/docker/c1', samples, firstSeenMs: 0}, c, store, {
    onSample: (_s, sample) => seen.push(sample),
    onWarning: (m) => assert.fail(m),
  })
  return {t, samples, seen}
}

test('counters, then the rest into the same stored sample, then a reading for rates that keeps it', () => {
  const {t, samples, seen} = tracker()
  t.tick(1000, 'counters')
  assert.equal(samples.length, 1)
  assert.equal(samples.at(0)!.memory, undefined, 'only the counters so far')
  assert.equal(seen.length, 1, 'a sample, announced')
  assert.equal(t.tick(1000, 'rest'), 'none')
  assert.equal(samples.length, 1, 'no new sample')
  assert.ok(samples.at(0)!.memory && samples.at(0)!.processes, 'the first sample now has the rest')
  t.tick(1000, 'rates')
  assert.equal(samples.length, 2)
  assert.equal(samples.at(1)!.memory, samples.at(0)!.memory)
  assert.ok(samples.at(1)!.cpu)
})

test('a reading for rates before the rest (a short first window) completes the reading before first', () => {
  const {t, samples} = tracker()
  t.tick(1000, 'counters')
  t.tick(1000, 'rates')
  assert.equal(samples.length, 2)
  assert.ok(samples.at(0)!.memory, 'the first sample was completed')
  assert.equal(samples.at(1)!.memory, samples.at(0)!.memory, 'and its rest kept')
  t.tick(1000, 'rest')
  assert.equal(samples.length, 2, 'the late rest does nothing')
})
