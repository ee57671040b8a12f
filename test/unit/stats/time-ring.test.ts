// A History's sample times as 32-bit offsets in a ring (time-ring.ts): exact whatever the times,
// and 4 bytes a time where an array of numbers took 8 and a quarter spare.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {fileURLToPath} from 'node:url'

import {TimeRing} from '../../../src/lib/stats/time-ring.js'
import {MEASURE_FLAGS, runNodeScript, settledUsedSource} from '../../helpers/node-script.js'

const ring = (r: TimeRing): number[] => Array.from({length: r.length}, (_, i) => r.at(i))

test('times read back exactly as an array would hold them: pushes, drops, inserts, far apart, fractional', () => {
  // A deterministic pseudo-random walk (no Math.random: a failure repeats).
  let seed = 42
  const rnd = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n
  const day = 86_400_000
  for (let round = 0; round < 60; round++) {
    const r = new TimeRing()
    const model: number[] = []
    let t = 1_796_000_000_000 + rnd(1000)
    for (let op = 0; op < 400; op++) {
      const k = rnd(20)
      if (k < 12) {
        // Mostly a second on; now and then 60 days (past 2^32 ms from the oldest) or a fraction.
        t += round % 3 === 1 && k === 0 ? 60 * day : round % 3 === 2 && k === 1 ? 0.25 : 1000 + rnd(7)
        r.push(t)
        model.push(t)
      } else if (k < 17 && model.length > 1) {
        const n = 1 + rnd(Math.min(model.length - 1, 90))
        r.dropOldest(n)
        model.splice(0, n)
      } else if (model.length > 0) {
        // Out of order: between two held times, or before the oldest.
        const i = rnd(model.length + 1)
        const lo = i === 0 ? model[0]! - 5000 : model[i - 1]!
        const x = i === model.length ? model[i - 1]! : lo + rnd(Math.max(1, model[i]! - lo))
        r.insert(i, x)
        model.splice(i, 0, x)
      }
      assert.equal(r.length, model.length)
      if (model.length > 0) assert.equal(r.last(), model.at(-1))
    }
    assert.deepEqual(ring(r), model, `round ${round}`)
  }
})

test('a whole time is never rounded: before the base, past 2^32 ms, then fractional', () => {
  const r = new TimeRing()
  const base = 1_796_000_000_000
  r.push(base)
  r.insert(0, base - 3)
  r.push(base + 2 ** 32 + 5)
  assert.deepEqual(ring(r), [base - 3, base, base + 2 ** 32 + 5])
  r.push(base + 2 ** 32 + 5.5)
  r.dropOldest(1)
  assert.deepEqual(ring(r), [base, base + 2 ** 32 + 5, base + 2 ** 32 + 5.5])
})

const STORE = fileURLToPath(new URL('../../../src/lib/stats/store.ts', import.meta.url))

/** Run with MEASURE_FLAGS: bytes a container of a store holding 2 minutes at 1 s of idle containers (heap and outside it). */
const SCRIPT = `
const {Store} = await import(${JSON.stringify(STORE)})
const N = 1000
// Heap and outside it after full collections (the least reading, once two in a row agree).
${settledUsedSource(['heapUsed', 'external'])}
const cpu = {usageNs: 7}, memory = {usageBytes: 1, workingSetBytes: 2}
const fill = () => {
  const store = new Store({maxAgeMs: 120_000, maxSamples: 122})
  for (let t = 0; t < 130; t++) for (let i = 0; i < N; i++) store.add({name: '/c' + i, timestampMs: 1_796_000_000_000 + t * 1000 + (i % 7), cpu, memory})
  return store
}
const keep = [fill()]
const measure = () => {
  const before = used()
  keep.push(fill())
  return (used() - before) / N
}
// Three measures: the test takes the least, a figure each printed.
console.log(JSON.stringify([measure(), measure(), measure()]))
`

test('a container read every second for two minutes costs the store about 1.5 KiB, its times 4 bytes each', async () => {
  const all = JSON.parse(await runNodeScript(MEASURE_FLAGS, SCRIPT)) as number[]
  const bytes = Math.min(...all)
  const figures = all.map((b) => b.toFixed(0)).join(', ')
  // Times as an array of numbers: about 1,800 bytes (1,100 of them the times); as a ring of
  // 32-bit offsets: about 1,480.
  assert.ok(bytes < 1650, `${figures} bytes a container`)
  assert.ok(bytes > 500, `${figures} bytes a container: the measure measured nothing`)
})
