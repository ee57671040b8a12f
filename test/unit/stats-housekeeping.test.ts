import {test, mock} from 'node:test'
import assert from 'node:assert/strict'

import {
  deriveRates,
  effectiveMemoryLimit,
  Housekeeping,
  memoryPercent,
  nextInterval,
  samplesEqual,
  Store,
  withJitter,
  DEFAULT_HOUSEKEEPING,
  type TickOutcome,
} from '../../src/lib/stats/index.js'
import type {Sample} from '../../src/lib/model/index.js'
import {housekeepingOptionsFrom} from '../../src/lib/app/index.js'

const s = (t: number, usageNs = 0, extra: Partial<Sample> = {}): Sample => ({name: '/a', timestampMs: t, cpu: {usageNs}, ...extra})

test('dynamic interval doubles while equal up to the maximum, snaps back on change (1, 2, 4 … 32, 60 s)', () => {
  const o = DEFAULT_HOUSEKEEPING
  const seen = [o.intervalMs]
  let i = o.intervalMs
  for (let n = 0; n < 8; n++) seen.push((i = nextInterval(i, 'equal', o)))
  assert.deepEqual(seen, [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000])
  assert.equal(nextInterval(60000, 'changed', o), 1000)
  assert.equal(nextInterval(8000, 'none', o), 8000, 'a tick without a sample keeps the interval')
  assert.equal(nextInterval(1000, 'equal', {...o, dynamic: false}), 1000)
})

test('jitter stays within [1, 1 + factor) × interval; factor 0 is exact', () => {
  assert.equal(
    withJitter(1000, 0, () => 0.99),
    1000,
  )
  assert.equal(
    withJitter(1000, 1, () => 0),
    1000,
  )
  assert.equal(
    withJitter(1000, 1, () => 0.5),
    1500,
  )
  assert.equal(
    withJitter(1000, 0.1, () => 0.999),
    1099.9,
  )
})

test('Housekeeping runs the first tick at once, then backs off while idle and snaps back', () => {
  mock.timers.enable({apis: ['setTimeout']})
  try {
    const ticks: number[] = []
    let now = 0
    let outcome: TickOutcome = 'equal'
    const hk = new Housekeeping({...DEFAULT_HOUSEKEEPING, jitterFactor: 0})
    hk.add('/a', {
      tick() {
        ticks.push(now)
        // The first sample has nothing to equal (the tracker says 'changed' then too).
        return ticks.length === 1 ? 'changed' : outcome
      },
    })
    const advance = (ms: number): void => {
      for (let i = 0; i < ms; i += 500) {
        now += 500
        mock.timers.tick(500)
      }
    }
    mock.timers.tick(0)
    assert.deepEqual(ticks, [0])
    advance(7000)
    assert.deepEqual(ticks, [0, 1000, 3000, 7000])
    outcome = 'changed'
    advance(8000)
    assert.deepEqual(ticks, [0, 1000, 3000, 7000, 15000])
    assert.equal(hk.interval('/a'), 1000)
    advance(1000)
    assert.deepEqual(ticks.at(-1), 16000)
    hk.remove('/a')
    advance(5000)
    assert.equal(ticks.at(-1), 16000, 'no tick after remove')
    hk.stop()
  } finally {
    mock.timers.reset()
  }
})

test('Store keeps samples by age and by count, in order, and drops a deleted container', () => {
  const store = new Store({maxAgeMs: 10_000, maxSamples: 5})
  for (let t = 0; t <= 20_000; t += 1000) store.add(s(t, t))
  assert.deepEqual(
    store.samples('/a').map((x) => x.timestampMs),
    [16000, 17000, 18000, 19000, 20000],
  )
  const wide = new Store({maxAgeMs: 3000, maxSamples: 100})
  for (const t of [0, 1000, 3000, 2000, 4000]) wide.add(s(t))
  assert.deepEqual(
    wide.samples('/a').map((x) => x.timestampMs),
    [2000, 3000, 4000],
    'out-of-order insert, then ≤ newest − age dropped',
  )
  const held = wide.open('/a')
  wide.add(s(5000))
  assert.equal(held, wide.samples('/a'), 'the list keeps its identity')
  wide.remove('/a')
  assert.deepEqual(wide.samples('/a'), [])
  assert.equal(wide.size, 0)
})

test('equal parts are shared between consecutive samples (idle containers cost one copy)', () => {
  const store = new Store({maxAgeMs: 60_000, maxSamples: 100})
  const a = s(0, 5, {memory: {usageBytes: 1, workingSetBytes: 1}})
  const b = s(1000, 5, {memory: {usageBytes: 1, workingSetBytes: 1}})
  store.add(a)
  store.add(b)
  assert.equal(b.cpu, a.cpu)
  assert.equal(b.memory, a.memory)
  assert.ok(samplesEqual(a, b))
  assert.ok(!samplesEqual(a, s(2000, 6)))
})

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

test('housekeeping flags become manager options; a maximum below the base is refused', () => {
  assert.deepEqual(
    housekeepingOptionsFrom({
      'housekeeping-interval': 1000,
      'max-housekeeping-interval': 60000,
      'allow-dynamic-housekeeping': false,
      'storage-duration': 120000,
      'max-open-files': 10,
    }),
    {housekeeping: {intervalMs: 1000, maxIntervalMs: 60000, dynamic: false}, store: {maxAgeMs: 120000}, maxOpenFiles: 10},
  )
  assert.throws(
    () =>
      housekeepingOptionsFrom({
        'housekeeping-interval': 5000,
        'max-housekeeping-interval': 1000,
        'allow-dynamic-housekeeping': true,
        'storage-duration': 0,
      }),
    (e: Error & {exitCode?: number}) => e.exitCode === 2 && /shorter than --housekeeping-interval/.test(e.message),
  )
})

test('history past the newest two is compact, reads back the same, and shares equal numbers', () => {
  const store = new Store({maxAgeMs: 60_000, maxSamples: 100})
  const full = (t: number, v: number): Sample => ({
    name: '/a',
    timestampMs: t,
    cpu: {usageNs: 1e12 + v, perCpuNs: [5e11, 5e11 + v], userNs: 3e9},
    memory: {usageBytes: 3e9, workingSetBytes: 2e9 + v, failcnt: 0},
    diskio: [{major: 8, minor: 0, device: 'sda', readBytes: 1e10, writeBytes: v, reads: 1, writes: 2}],
    network: [{name: 'eth0', rxBytes: 1, rxPackets: 2, rxErrors: 0, rxDropped: 0, txBytes: 3, txPackets: 4, txErrors: 0, txDropped: 0}],
    pressure: {cpu: {someUs: 5}, io: {someUs: 6, fullUs: 7}},
    processes: {processes: 3, threads: 5, threadsLimit: 100},
    errors: ['x: line 1: bad'],
  })
  const originals = [full(0, 1), full(1000, 2), full(2000, 2), full(3000, 3), full(4000, 4)]
  for (const o of originals) store.add(structuredClone(o))
  const kept = store.samples('/a')
  assert.equal(kept.length, 5)
  assert.deepEqual(
    kept.map((x) => x.constructor.name),
    ['CompactSample', 'CompactSample', 'CompactSample', 'Object', 'Object'],
  )
  for (let i = 0; i < 5; i++) {
    assert.deepEqual(JSON.parse(JSON.stringify(kept[i])), originals[i])
    assert.deepEqual(kept[i]!.cpu, originals[i]!.cpu)
    assert.deepEqual(kept[i]!.diskio, originals[i]!.diskio)
    assert.equal(kept[i]!.timestampMs, originals[i]!.timestampMs)
  }
  assert.ok(samplesEqual(kept[1]!, kept[2]!))
  store.add(full(500, 9))
  assert.deepEqual(
    store.samples('/a').map((x) => x.timestampMs),
    [0, 500, 1000, 2000, 3000, 4000],
  )
  assert.deepEqual(
    store
      .samples('/a')
      .map((x) => x.constructor.name)
      .slice(0, 4),
    ['CompactSample', 'CompactSample', 'CompactSample', 'CompactSample'],
  )
  assert.equal(store.samples('/a')[1]!.memory!.workingSetBytes, 2e9 + 9)
})
