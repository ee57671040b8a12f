// The spec reader's conversions (v2 cpu.weight to v1 shares, as cAdvisor reports them).
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {weightToShares} from '../../../../src/lib/stats/index.js'

test('cpu.weight → shares floors as Go integer division does', () => {
  // 2 + (w − 1)·262142/9999: 50 → 1286.49… → 1286 (rounding would give 1287).
  assert.equal(weightToShares(50), 1286)
  assert.equal(weightToShares(1), 2)
  assert.equal(weightToShares(100), 2597)
  assert.equal(weightToShares(10000), 262144)
})
