// serve's heap compaction (app/heap-compaction.ts): when it is due, and that the collection it
// makes right after a full collection gives back the pages that one kept.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {fileURLToPath} from 'node:url'

import {compactionDue, DEFAULT_POLICY, HeapCompaction, type SpaceReading} from '../../../src/lib/app/heap-compaction.js'
import {runNodeScript} from '../../helpers/node-script.js'

const MB = 1024 * 1024
const r = (usedMb: number, committedMb: number): SpaceReading => ({used: usedMb * MB, committed: committedMb * MB})

test('due only after a full collection (use fell) that left a gap worth emptying, not too often, not in a big heap', () => {
  const long = 60_000
  // V8's collection: 31 -> 23 MB used in 33 MB of pages (1,000 containers).
  assert.equal(compactionDue(r(31, 33), r(23, 33), long), true)
  // Use grew (promotions): no collection ran, the pages' figures are stale.
  assert.equal(compactionDue(r(23, 33), r(24, 33), long), false)
  // A collection that left the pages nearly full: nothing to give back.
  assert.equal(compactionDue(r(31, 33), r(23, 25), long), false)
  // A gap of 4 MiB is not enough where 15 % of the use is more.
  assert.equal(compactionDue(r(50, 60), r(40, 45), long), false)
  // Too soon after the last one.
  assert.equal(compactionDue(r(31, 33), r(23, 33), DEFAULT_POLICY.minIntervalMs - 1), false)
  // A heap past maxUsedBytes (10,000 containers: 105 MB used in 125 MB): the pause would grow with it.
  assert.equal(compactionDue(r(120, 125), r(105, 125), long), false)
  assert.equal(compactionDue(r(120, 125), r(105, 125), long, {...DEFAULT_POLICY, maxUsedBytes: 200 * MB}), true)
})

test('polls: one collection when due, then compares with the heap as compacted', () => {
  const readings = [r(31, 33), r(23, 33), r(23, 24), r(24, 24), r(23, 24)]
  let collections = 0
  let ms = 0
  const seen: number[] = []
  const c = new HeapCompaction(() => collections++, {
    pollMs: 3_600_000,
    read: () => readings.shift()!,
    now: () => (ms += 100_000),
    onCompaction: (_, before) => seen.push(before.used / MB),
  })
  try {
    c.poll() // 31 -> 23 in 33: due; after it, 23 in 24
    c.poll() // 24: grew
    c.poll() // 23 in 24: fell a little, no gap
    assert.equal(collections, 1)
    assert.equal(c.compactions, 1)
    assert.deepEqual(seen, [23])
  } finally {
    c.stop()
  }
})

// In a node of its own, in V8's memory-saving mode as serve runs: a third of many small objects
// stays alive, spread over every page, and a full collection frees the rest but keeps the pages
// (it chose what to empty before it knew). The compaction's collection empties them; without it
// (a collect that does nothing) the pages stay.
const script = (compact: boolean): string => `
import {setFlagsFromString} from 'node:v8'
import {HeapCompaction, readOldSpace} from ${JSON.stringify(fileURLToPath(new URL('../../../src/lib/app/heap-compaction.ts', import.meta.url)))}
setFlagsFromString('--optimize-for-size')
let objs = []
for (let i = 0; i < 300000; i++) objs.push({i, s: 'x' + i, a: [i]})
gc(); gc()
const c = new HeapCompaction(${compact ? '() => gc()' : '() => {}'}, {pollMs: 3600000, policy: {minIntervalMs: 0}})
c.poll()
objs = objs.filter((_, i) => i % 3 === 0)
gc()
const left = readOldSpace()
c.poll()
const after = readOldSpace()
c.stop()
console.log(JSON.stringify({left, after, compactions: c.compactions, kept: objs.length}))
`

test('the collection made after a full collection gives back the partly empty pages it kept', async () => {
  type Out = {left: SpaceReading; after: SpaceReading; compactions: number; kept: number}
  const [withIt, without] = (
    await Promise.all([runNodeScript(['--expose-gc'], script(true)), runNodeScript(['--expose-gc'], script(false))])
  ).map((out) => JSON.parse(out) as Out)
  const gap = (x: SpaceReading): number => x.committed - x.used
  for (const o of [withIt!, without!]) {
    assert.equal(o.kept, 100000)
    // The full collection kept pages two thirds empty: over 12 MB of them (26 MB measured).
    assert.ok(gap(o.left) > 12 * MB, `gap left by the full collection: ${gap(o.left)}`)
    assert.equal(o.compactions, 1)
  }
  // Given back: at least half of the gap (26.9 -> 7.5 MB measured); without it, the gap stays.
  assert.ok(gap(withIt!.after) < gap(withIt!.left) / 2, `compacted: ${JSON.stringify(withIt)}`)
  assert.ok(gap(without!.after) > gap(without!.left) * 0.9, `not compacted: ${JSON.stringify(without)}`)
})
