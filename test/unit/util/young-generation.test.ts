// The young generation serve holds (util/young-generation.ts) stays at its first size across a
// worker thread's start, which sets V8's growth factor back; without holding it grows. Each case
// runs in a node of its own: a heap's young generation, once grown, is not the test's to shrink.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'

const MODULE = new URL('../../../src/lib/util/young-generation.ts', import.meta.url).href

/** The largest young generation (MiB) a fresh node reaches while keeping a slice of what it allocates. */
function largestYoung(mode: 'free' | 'held' | 'held, no re-hold'): number {
  const script = `
    import {getHeapSpaceStatistics} from 'node:v8'
    import {Worker} from 'node:worker_threads'
    import {holdYoungGeneration, keepYoungGenerationAcross} from ${JSON.stringify(MODULE)}
    const young = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size
    if (${JSON.stringify(mode)} !== 'free') holdYoungGeneration()
    const first = young()
    const w = new Worker('setTimeout(() => {}, 60000)', {eval: true})
    if (${JSON.stringify(mode)} === 'held') keepYoungGenerationAcross(w)
    await new Promise((r) => w.once('online', () => setImmediate(r)))
    const keep = []
    let most = 0
    for (let i = 0; i < 3e6; i++) {
      keep.push({i, s: 'x' + i})
      if (keep.length > 200000) keep.splice(0, 100000)
      if (i % 10000 === 0) most = Math.max(most, young())
    }
    await w.terminate()
    console.log(JSON.stringify({first, most}))
  `
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {encoding: 'utf8', timeout: 120_000})
  assert.equal(r.status, 0, r.stderr)
  const {first, most} = JSON.parse(r.stdout) as {first: number; most: number}
  return most / first
}

test('held, the young generation keeps its first size across a worker start', () => {
  assert.equal(largestYoung('held'), 1)
})

test('without holding it, or when a worker start undoes the hold, it grows', () => {
  assert.ok(largestYoung('free') >= 4)
  assert.ok(largestYoung('held, no re-hold') >= 4)
})
