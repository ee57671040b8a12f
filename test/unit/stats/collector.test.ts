// The per-container collector on fixture trees: only enabled kinds read, absent hierarchies and
// vanished cgroups are quiet.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {selectKinds} from '../../../src/lib/stats/index.js'
import {collectFixture, fixtureCollector} from '../../helpers/collect.js'

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
