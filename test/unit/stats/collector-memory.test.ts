// What a collector holds for each container, measured: at 1,000 containers every small structure
// a collector keeps is a fraction of a MiB of the serve process (issue 16: < 100 MiB).
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {fileURLToPath} from 'node:url'

import {MEASURE_FLAGS, runNodeScript, settledUsedSource} from '../../helpers/node-script.js'

const src = (p: string): string => fileURLToPath(new URL(`../../../src/lib/${p}`, import.meta.url))
const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url))

/**
 * Run with MEASURE_FLAGS: 1,000 collectors of the v1 fixture's container read twice; then the
 * bytes their small lists take: kept paths, absent files, logs and quiet logs by reader, quiet
 * parts kept. What the lists hold is held elsewhere meanwhile (as OpenFiles holds the paths in
 * cadv): only the lists' own memory is measured.
 */
const SCRIPT = `
import {discoverCgroups} from ${JSON.stringify(src('cgroups/index.ts'))}
import {ALL_KINDS, ContainerCollector, OpenFiles} from ${JSON.stringify(src('stats/index.ts'))}
const layout = discoverCgroups({cgroupRoot: ${JSON.stringify(FIXTURES + 'cgroup_v1/separate')}, procRoot: ${JSON.stringify(FIXTURES + 'proc/basic')}})
const files = new OpenFiles(64)
const kinds = new Set(ALL_KINDS)
const N = 1000
// The heap after full collections (the least reading, once two in a row agree).
${settledUsedSource(['heapUsed'])}
const LISTS = ['kept', 'absent', 'logs', 'quietLogs', 'quietKept']
// The collectors and what their lists hold, alive through both readings: held here, not only by a
// local of measure() (compiled code may drop a local past its last use: the collectors freed
// with their lists read 3,970 bytes a collector).
const alive = []
/** One measure: the lists' bytes a collector, and how many paths each keeps. */
const measure = () => {
  const cs = []
  for (let i = 0; i < N; i++) {
    const c = new ContainerCollector('/docker/c1', {layout, kinds, files})
    c.collect(1_000_000)
    c.collect(1_001_000)
    cs.push(c)
  }
  const held = []
  let kept = 0
  for (const c of cs)
    for (const k of LISTS) {
      const list = c[k]
      if (typeof list !== 'object' || list === null) continue
      for (const x of list instanceof Map ? list.keys() : list) held.push(x)
      if (k === 'kept') kept += list instanceof Map ? list.size : list.length
    }
  alive.push(cs, held)
  const before = used()
  for (const c of cs) for (const k of LISTS) c[k] = undefined
  const bytes = (before - used()) / N
  alive.length = 0
  return {bytes, kept: kept / N}
}
// Three measures: the test takes the least, a figure each printed.
const all = [measure(), measure(), measure()]
console.log(JSON.stringify({bytes: all.map((m) => m.bytes), kept: all[0].kept}))
`

test('a collector’s small lists are exactly their length: about 690 bytes with every kind, not 1,970', async () => {
  const stdout = await runNodeScript(MEASURE_FLAGS, SCRIPT)
  const {bytes: all, kept} = JSON.parse(stdout) as {bytes: number[]; kept: number}
  const bytes = Math.min(...all)
  const figures = all.map((b) => b.toFixed(0)).join(', ')
  assert.ok(kept >= 5, `${kept} kept paths a collector: the fixture reads its hot files`)
  assert.ok(bytes > 40, `${figures} bytes: the measure measured nothing`)
  // All kinds (20 readers): kept paths in a Map (about 1,000 bytes for the fixture's 18) and
  // lists grown by push or assignment: about 1,970; with the Map a list, 1,190. Exact lists
  // (and quiet parts a bit each): about 690.
  assert.ok(bytes < 900, `${figures} bytes a collector`)
})
