// Rates derived from two samples, as `cadv stats` shows them.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {deriveRates, effectiveMemoryLimit, memoryPercent} from '../../../src/lib/stats/index.js'
import type {Sample} from '../../../src/lib/model/index.js'

const s = (t: number, usageNs = 0, extra: Partial<Sample> = {}): Sample => ({name: '/a', timestampMs: t, cpu: {usageNs}, ...extra})

test('rates: 100 % is one core over wall time; per-second I/O; counter resets give no rate', () => {
  const net = (rx: number, tx: number) => [
    {name: 'eth0', rxBytes: rx, rxPackets: 0, rxErrors: 0, rxDropped: 0, txBytes: tx, txPackets: 0, txErrors: 0, txDropped: 0},
  ]
  const disk = (r: number, w: number) => [{major: 8, minor: 0, device: 'sda', readBytes: r, writeBytes: w, reads: 0, writes: 0}]
  const a = s(0, 0, {network: net(0, 0), diskio: disk(0, 0)})
  const b = s(2000, 3e9, {network: net(2000, 4000), diskio: disk(1e6, 5e5)})
  assert.deepEqual(deriveRates(a, b), {
    intervalMs: 2000,
    cpuPercent: 150,
    netRxBytesPerSec: 1000,
    netTxBytesPerSec: 2000,
    blockReadBytesPerSec: 5e5,
    blockWriteBytesPerSec: 2.5e5,
  })
  assert.deepEqual(deriveRates(b, s(3000, 1e9)), {intervalMs: 1000})
  assert.equal(deriveRates(undefined, b), undefined)
  assert.equal(effectiveMemoryLimit({memoryLimitBytes: 100}, 1000), 100)
  assert.equal(effectiveMemoryLimit({}, 1000), 1000)
  assert.equal(memoryPercent(s(0, 0, {memory: {usageBytes: 80, workingSetBytes: 50}}), 200), 25)
})
