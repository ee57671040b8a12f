// The sample store: retention by age and count, shared equal parts, compact history.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {deepEqual, samplesEqual, Store} from '../../../src/lib/stats/index.js'
import type {Sample} from '../../../src/lib/model/index.js'

const s = (t: number, usageNs = 0, extra: Partial<Sample> = {}): Sample => ({name: '/a', timestampMs: t, cpu: {usageNs}, ...extra})

test('Store keeps samples by age and by count, in order, and drops a deleted container', () => {
  const store = new Store({maxAgeMs: 10_000, maxSamples: 5})
  for (let t = 0; t <= 20_000; t += 1000) store.add(s(t, t))
  assert.deepEqual(
    [...store.samples('/a')].map((x) => x.timestampMs),
    [16000, 17000, 18000, 19000, 20000],
  )
  const wide = new Store({maxAgeMs: 3000, maxSamples: 100})
  for (const t of [0, 1000, 3000, 2000, 4000]) wide.add(s(t))
  assert.deepEqual(
    [...wide.samples('/a')].map((x) => x.timestampMs),
    [2000, 3000, 4000],
    'out-of-order insert, then ≤ newest − age dropped',
  )
  const held = wide.open('/a')
  wide.add(s(5000))
  assert.equal(held, wide.samples('/a'), 'the list keeps its identity')
  wide.remove('/a')
  assert.equal(wide.samples('/a').length, 0)
  assert.equal(wide.size, 0)
})

test('equal parts are shared between consecutive samples (idle containers cost one copy)', () => {
  const store = new Store({maxAgeMs: 60_000, maxSamples: 100})
  const a = s(0, 5, {memory: {usageBytes: 1, workingSetBytes: 1}})
  const b = s(1000, 5, {memory: {usageBytes: 1, workingSetBytes: 1}})
  store.add(a)
  assert.equal(store.addedEqual('/a'), undefined, 'nothing before it')
  store.add(b)
  assert.equal(b.cpu, a.cpu)
  assert.equal(b.memory, a.memory)
  assert.ok(samplesEqual(a, b))
  assert.equal(store.addedEqual('/a'), true, 'the store says what samplesEqual says')
  assert.ok(!samplesEqual(a, s(2000, 6)))
  store.add(s(2000, 6, {memory: {usageBytes: 1, workingSetBytes: 1}}))
  assert.equal(store.addedEqual('/a'), false)
  const c = s(3000, 6, {memory: {usageBytes: 1, workingSetBytes: 1}, pressure: {cpu: {someUs: 1}}})
  store.add(c)
  assert.equal(store.addedEqual('/a'), true, 'pressure is shared but not compared')
  assert.equal(c.cpu, store.samples('/a').at(-2)!.cpu)
  store.add(s(2500, 6))
  assert.equal(store.addedEqual('/a'), undefined, 'out of order: not compared')
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
  const kept = [...store.samples('/a')]
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
    [...store.samples('/a')].map((x) => x.timestampMs),
    [0, 500, 1000, 2000, 3000, 4000],
  )
  assert.deepEqual([...store.samples('/a')].map((x) => x.constructor.name).slice(0, 4), [
    'CompactSample',
    'CompactSample',
    'CompactSample',
    'CompactSample',
  ])
  assert.equal(store.samples('/a').at(1)!.memory!.workingSetBytes, 2e9 + 9)
})

test('samples carrying the same part objects are packed once, each at its own time', () => {
  const store = new Store({maxAgeMs: 60_000, maxSamples: 100})
  const cpu = {usageNs: 7}
  const memory = {usageBytes: 3, workingSetBytes: 2}
  for (let t = 0; t < 10_000; t += 1000) store.add({name: '/a', timestampMs: t, cpu, memory})
  store.add({name: '/a', timestampMs: 10_000, cpu: {usageNs: 8}, memory})
  const list = [...store.samples('/a')]
  assert.deepEqual(
    list.map((x) => x.timestampMs),
    Array.from({length: 11}, (_, i) => i * 1000),
  )
  for (const x of list.slice(0, -1)) assert.deepEqual({cpu: x.cpu, memory: x.memory}, {cpu, memory})
  assert.equal(list.at(-1)!.cpu!.usageNs, 8)
})

test('after an out-of-order insert, packing does not borrow the inserted sample’s numbers', () => {
  const store = new Store({maxAgeMs: 60_000, maxSamples: 100})
  const cpu = {usageNs: 7}
  for (const t of [0, 1000, 2000, 3000, 4000]) store.add({name: '/a', timestampMs: t, cpu})
  store.add({name: '/a', timestampMs: 2500, cpu: {usageNs: 99}})
  store.add({name: '/a', timestampMs: 5000, cpu})
  store.add({name: '/a', timestampMs: 6000, cpu})
  assert.deepEqual(
    [...store.samples('/a')].map((x) => [x.timestampMs, x.cpu!.usageNs]),
    [0, 1000, 2000, 2500, 3000, 4000, 5000, 6000].map((t) => [t, t === 2500 ? 99 : 7]),
  )
})

test('retained times read back exactly: far apart with the same numbers, out of order, fractional', () => {
  const store = new Store({maxAgeMs: Number.POSITIVE_INFINITY, maxSamples: 100})
  const cpu = {usageNs: 7}
  const day = 86_400_000
  const base = 1_764_000_000_000
  // Unchanged numbers for 30 days (past the 2^30 ms a small-integer offset holds), then odd times.
  const times = [
    base,
    base + 1000,
    base + 13 * day,
    base + 30 * day,
    base + 30 * day + 0.5,
    base + 30 * day - 2000,
    base + 31 * day,
    base + 31 * day + 1,
    0,
    base + 32 * day,
  ]
  for (const t of times) store.add({name: '/a', timestampMs: t, cpu})
  const list = [...store.samples('/a')]
  assert.deepEqual(
    list.map((x) => x.timestampMs),
    [...times].sort((a, b) => a - b),
  )
  for (const x of list) assert.deepEqual(x.cpu, cpu)
  assert.deepEqual(
    list.slice(0, -2).map((x) => x.constructor.name),
    Array.from({length: times.length - 2}, () => 'CompactSample'),
  )
})

test('a container’s history is its times and packed numbers: no object per retained sample, one Packed for a run of equal numbers', () => {
  const store = new Store({maxAgeMs: 60_000, maxSamples: 100})
  const cpu = {usageNs: 7}
  for (let t = 0; t < 50_000; t += 1000) store.add({name: '/a', timestampMs: t, cpu})
  store.add({name: '/a', timestampMs: 50_000, cpu: {usageNs: 8}})
  const h = store.samples('/a') as unknown as {times: {length: number; at(i: number): number}; entries: unknown[]}
  assert.equal(h.times.length, 51)
  assert.equal(h.times.at(10), 10_000)
  // The 49 packed ones are one object and a count; the newest two are the samples as stored.
  assert.equal(h.entries.length, 4)
  assert.equal(h.entries[1], 48)
  assert.equal(h.entries.at(-1), store.latest('/a'))
  // Read back: each one as of its own time, made when asked for.
  assert.equal(store.samples('/a').at(3)!.timestampMs, 3000)
  assert.notEqual(store.samples('/a').at(3), store.samples('/a').at(3))
  assert.deepEqual(
    store
      .samples('/a')
      .slice(-3)
      .map((x) => [x.timestampMs, x.cpu!.usageNs]),
    [
      [48_000, 7],
      [49_000, 7],
      [50_000, 8],
    ],
  )
  assert.deepEqual(
    store
      .samples('/a')
      .slice(1, 3)
      .map((x) => x.timestampMs),
    [1000, 2000],
  )
  assert.equal(store.samples('/a').at(51), undefined)
  assert.equal(store.samples('/a').at(-52), undefined)
})

test('read every 40 s, a container’s equal samples share one Packed though age has dropped the one packed before', () => {
  const store = new Store({maxAgeMs: 120_000, maxSamples: 100})
  const cpu = {usageNs: 7}
  const memory = {usageBytes: 3, workingSetBytes: 2}
  const packed = new Set<unknown>()
  for (let t = 0; t <= 400_000; t += 40_000) {
    store.add({name: '/a', timestampMs: t, cpu, memory})
    const h = store.samples('/a') as unknown as {entries: unknown[]}
    // Three within two minutes: the oldest is packed, and the one packed before it is gone.
    if (store.samples('/a').length > 2) packed.add(h.entries[0])
  }
  assert.equal(packed.size, 1)
  assert.deepEqual(
    [...store.samples('/a')].map((x) => [x.timestampMs, x.cpu?.usageNs, x.memory?.usageBytes]),
    [
      [320_000, 7, 3],
      [360_000, 7, 3],
      [400_000, 7, 3],
    ],
  )
})

test('an idle container read every second keeps its two minutes as a run: four entries, not one a sample', () => {
  const store = new Store({maxAgeMs: 120_000, maxSamples: 256})
  const cpu = {usageNs: 7}
  const memory = {usageBytes: 3, workingSetBytes: 2}
  for (let t = 0; t <= 600_000; t += 1000) store.add({name: '/a', timestampMs: t, cpu, memory})
  const h = store.samples('/a') as unknown as {entries: unknown[]}
  assert.equal(store.samples('/a').length, 120)
  assert.equal(h.entries.length, 4)
  assert.equal(h.entries[1], 117)
  assert.deepEqual(
    [...store.samples('/a')].map((x) => x.timestampMs),
    Array.from({length: 120}, (_, i) => 481_000 + i * 1000),
  )
})

test('runs of equal numbers read back as a plain list would: random adds, gaps, out of order, by age and by count', () => {
  // A small deterministic generator: the same sequence on every run.
  let seed = 12345
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    return seed % n
  }
  for (const options of [
    {maxAgeMs: 20_000, maxSamples: 256},
    {maxAgeMs: 60_000, maxSamples: 7},
    {maxAgeMs: 5000, maxSamples: 3},
  ]) {
    const store = new Store(options)
    // The reference: every sample in a plain array, kept by the store's rules.
    let ref: Array<{t: number; v: number}> = []
    let t = 0
    let v = 0
    const parts = new Map<number, {usageNs: number}>()
    for (let step = 0; step < 3000; step++) {
      const r = rand(100)
      let at = t
      if (r < 5) at = t - rand(10_000)
      else if (r < 8) t = at = t + 1000 * rand(40)
      else t = at = t + 1000
      if (rand(10) < 2) v = rand(4)
      // The same part object for the same value, as the collector shares unchanged parts.
      const cpu = parts.get(v) ?? {usageNs: v}
      parts.set(v, cpu)
      store.add({name: '/a', timestampMs: at, cpu})
      let lo = 0
      while (lo < ref.length && ref[lo]!.t <= at) lo++
      ref.splice(lo, 0, {t: at, v})
      const newest = ref[ref.length - 1]!.t
      let drop = 0
      while (drop < ref.length - 1 && ref[drop]!.t <= newest - options.maxAgeMs) drop++
      ref = ref.slice(Math.max(drop, ref.length - options.maxSamples))
      const list = store.samples('/a')
      const want = ref.map((x) => [x.t, x.v])
      assert.equal(list.length, ref.length, `step ${step}`)
      assert.deepEqual(
        [...list].map((x) => [x.timestampMs, x.cpu!.usageNs]),
        want,
        `step ${step}: iteration`,
      )
      const i = rand(ref.length)
      assert.deepEqual([list.at(i)!.timestampMs, list.at(i)!.cpu!.usageNs], want[i], `step ${step}: at(${i})`)
      assert.deepEqual(
        [list.at(-1 - i)!.timestampMs, list.at(-1 - i)!.cpu!.usageNs],
        want[ref.length - 1 - i],
        `step ${step}: at(-${1 + i})`,
      )
      const a = rand(ref.length + 2) - 1
      const b = rand(ref.length + 2) - 1
      assert.deepEqual(
        list.slice(a, b).map((x) => [x.timestampMs, x.cpu!.usageNs]),
        want.slice(a, b),
        `step ${step}: slice(${a}, ${b})`,
      )
      assert.equal(store.latest('/a'), list.at(-1), `step ${step}: latest`)
    }
  }
})

test('deepEqual compares plain data by value: key sets, undefined members, arrays, nesting', () => {
  assert.ok(deepEqual({a: 1, b: [1, {c: 'x'}]}, {b: [1, {c: 'x'}], a: 1}))
  assert.ok(!deepEqual({a: 1, b: 2}, {a: 1, c: 2}), 'same count, other keys')
  assert.ok(!deepEqual({a: 1}, {a: 1, b: 2}))
  assert.ok(!deepEqual({a: 1, b: 2}, {a: 1}))
  assert.ok(deepEqual({a: 1, b: undefined}, {a: 1, b: undefined}))
  assert.ok(!deepEqual({a: 1, b: undefined}, {a: 1}), 'a member set to undefined is still a member')
  assert.ok(!deepEqual([1, 2], {0: 1, 1: 2}))
  assert.ok(!deepEqual({0: 1, 1: 2}, [1, 2]))
  assert.ok(!deepEqual([1, [2, 3]], [1, [2, 4]]))
  assert.ok(!deepEqual({a: {b: {c: 1}}}, {a: {b: {c: 2}}}))
  assert.ok(!deepEqual({a: null}, {a: {}}))
  assert.ok(deepEqual({}, {}))
})
