// The web UI's chart columns: rates from consecutive samples (null where none can be had) and
// the history a page keeps.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {columns, History, lastIndex, rate} from '../../../web/src/series.js'
import type {Sample} from '../../../src/lib/model/index.js'
import {sample} from '../../helpers/states.js'

test('CPU as percent of one core, per core, user and system; null for the first sample', () => {
  const a = sample('/c', 10_000, 1e9)
  const b = sample('/c', 12_000, 2e9)
  b.cpu!.userNs = 1.5e9
  b.cpu!.systemNs = 2.2e9
  b.cpu!.perCpuNs = [2e9, 0.5e9, 2e9]
  const c = columns([a, b])
  assert.deepEqual(c.t, [10, 12])
  assert.deepEqual(c.ms, [10_000, 12_000])
  assert.deepEqual(c.cpuTotal, [null, 50])
  assert.deepEqual(c.cpuUser, [null, 25])
  assert.ok(Math.abs(c.cpuSystem[1]! - 10) < 1e-9)
  assert.deepEqual(
    c.perCpu.map((col) => col[1]),
    [50, 25, 0],
  )
  assert.equal(lastIndex(c.cpuTotal), 1)
})

test('network and block I/O: bytes per second summed over interfaces and devices; errors and drops per second', () => {
  const a = sample('/c', 0)
  const b = sample('/c', 1000)
  b.network = [
    {name: 'eth0', rxBytes: 1001, rxPackets: 0, rxErrors: 3, rxDropped: 1, txBytes: 3, txPackets: 0, txErrors: 0, txDropped: 0},
    {name: 'eth1', rxBytes: 500, rxPackets: 0, rxErrors: 1, rxDropped: 0, txBytes: 10, txPackets: 0, txErrors: 2, txDropped: 0},
  ]
  b.diskio = [{major: 8, minor: 0, device: 'sda', readBytes: 4096 + 2048, writeBytes: 8192, reads: 0, writes: 0}]
  const c = columns([a, b])
  assert.equal(c.netRx[1], 1500)
  assert.equal(c.netTx[1], 10)
  assert.equal(c.netRxErrors[1], 4)
  assert.equal(c.netTxErrors[1], 2)
  assert.equal(c.netRxDropped[1], 1)
  assert.equal(c.blockRead[1], 2048)
  assert.equal(c.blockWrite[1], 0)
})

test('a counter that goes backwards (the cgroup re-created) or a missing part gives a gap, not a spike', () => {
  const a = sample('/c', 0, 5e9)
  const b = sample('/c', 1000, 1e9)
  const d: Sample = {name: '/c', timestampMs: 2000}
  const c = columns([a, b, d])
  assert.deepEqual(c.cpuTotal, [null, null, null])
  assert.deepEqual(c.memUsage, [1000, 1000, null])
  assert.equal(rate(1, 2, 0), null)
})

test('PSI totals become percent of wall time stalled', () => {
  const a = sample('/c', 0)
  const b = sample('/c', 1000)
  b.pressure = {cpu: {someUs: 1500 + 250_000}, io: {someUs: 3}}
  const c = columns([a, b])
  assert.equal(c.psiCpu[1], 25)
  assert.equal(c.psiIo[1], 0)
  assert.equal(c.psiMemory[1], null)
})

test('History keeps samples in order, once each, within its window (and at least two)', () => {
  const h = new History(10_000)
  assert.equal(h.add([sample('/c', 1000), sample('/c', 2000)]), 2)
  assert.equal(h.add([sample('/c', 2000), sample('/c', 1500), sample('/c', 3000)]), 1, 'old and repeated samples are dropped')
  assert.deepEqual(
    h.samples.map((s) => s.timestampMs),
    [1000, 2000, 3000],
  )
  h.add([sample('/c', 12_500)])
  assert.deepEqual(
    h.samples.map((s) => s.timestampMs),
    [3000, 12_500],
  )
  h.add([sample('/c', 60_000)])
  assert.deepEqual(
    h.samples.map((s) => s.timestampMs),
    [12_500, 60_000],
    'a long gap keeps the last two',
  )
  h.clear()
  assert.equal(h.lastMs, undefined)
})
