// How serve splits the descriptor limit: kept cgroup files, connections, and a reserve neither takes.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {descriptorBudget, DescriptorBudgetError} from '../../../src/lib/stats/index.js'

test('defaults: connections a quarter of what the reserve leaves, kept files the rest, never over the limit', () => {
  assert.deepEqual(descriptorBudget(4096), {limit: 4096, connections: 896, openFiles: 2688})
  assert.deepEqual(descriptorBudget(1024), {limit: 1024, connections: 192, openFiles: 576})
  assert.deepEqual(descriptorBudget(1048576), {limit: 1048576, connections: 4096, openFiles: 16384})
  assert.deepEqual(descriptorBudget(undefined), {limit: undefined, connections: 4096, openFiles: 16384})
  for (const limit of [16, 64, 256, 1000, 4096, 20000]) {
    const b = descriptorBudget(limit)
    assert.ok(b.connections >= 1 && b.openFiles >= 0, `${limit}`)
    assert.ok(b.connections + b.openFiles <= limit - Math.min(512, Math.floor(limit / 4)), `${limit}: ${JSON.stringify(b)}`)
  }
})

test('given values are kept; the other shrinks to fit; both given and too many is exit 2', () => {
  assert.deepEqual(descriptorBudget(4096, {connections: 100}), {limit: 4096, connections: 100, openFiles: 3484})
  assert.deepEqual(descriptorBudget(4096, {openFiles: 3500}), {limit: 4096, connections: 84, openFiles: 3500})
  assert.deepEqual(descriptorBudget(4096, {openFiles: 0}), {limit: 4096, connections: 896, openFiles: 0})
  assert.throws(
    () => descriptorBudget(4096, {openFiles: 3000, connections: 1000}),
    (e: unknown) =>
      e instanceof DescriptorBudgetError &&
      e.exitCode === 2 &&
      /need 4000 descriptors; the limit is 4096 with 512 kept in reserve/.test(e.message),
  )
})
