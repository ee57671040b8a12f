import assert from 'node:assert/strict'
import {test} from 'node:test'

import {sharesFromEnv, sharesToWeight} from '../../../bench/lib/cpu-weight.js'

test('cpu.weight from cpu.shares as the kubelet converts a request (ends and 50m / 1 CPU)', () => {
  assert.equal(sharesToWeight(2), 1)
  assert.equal(sharesToWeight(262144), 10000)
  assert.equal(sharesToWeight(51), 2)
  assert.equal(sharesToWeight(1024), 39)
})

test('CADV_BENCH_CPU_SHARES: one or two cpu.shares, anything else refused', () => {
  assert.equal(sharesFromEnv(undefined), undefined)
  assert.equal(sharesFromEnv(''), undefined)
  assert.deepEqual(sharesFromEnv('51'), [51])
  assert.deepEqual(sharesFromEnv('51,1024'), [51, 1024])
  for (const bad of ['1', '51,x', '0.5', '300000', '51,,1024']) assert.throws(() => sharesFromEnv(bad), /CADV_BENCH_CPU_SHARES/, bad)
})
