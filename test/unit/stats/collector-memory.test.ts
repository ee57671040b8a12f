// What a collector holds for each container, measured: at 1,000 containers every small structure
// a collector keeps is a fraction of a MiB of the serve process (issue 16: < 100 MiB).
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {fileURLToPath} from 'node:url'

import {runNodeScript, settledUsedSource} from '../../helpers/node-script.js'

const src = (p: string): string => fileURLToPath(new URL(`../../../src/lib/${p}`, import.meta.url))
const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url))

/**
 * Run with --expose-gc: 2,000 collectors of the v1 fixture's container read twice; then the
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
const N = 2000
// The heap after full collections, once two in a row agree.
${settledUsedSource(['heapUsed'])}
const LISTS = ['kept', 'absent', 'logs', 'quietLogs', 'quietKept']
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
  const before = used()
  for (const c of cs) for (const k of LISTS) c[k] = undefined
  const bytes = (before - used()) / N
  // held used after the measure: else V8 may collect it as dead before it.
  return {bytes, kept: kept / N, held: held.length}
}
// Now and then a measure reads megabytes more (what else a collection freed then): the least of three.
const all = [measure(), measure(), measure()]
console.log(JSON.stringify(all.reduce((a, b) => (b.bytes < a.bytes ? b : a))))
`

test('a collector’s small lists are exactly their length: about 690 bytes with every kind, not 1,970', async () => {
  const stdout = await runNodeScript(['--expose-gc'], SCRIPT)
  const {bytes, kept} = JSON.parse(stdout) as {bytes: number; kept: number}
  assert.ok(kept >= 5, `${kept} kept paths a collector: the fixture reads its hot files`)
  assert.ok(bytes > 40, `${bytes.toFixed(0)} bytes: the measure measured nothing`)
  // All kinds (20 readers): kept paths in a Map (about 1,000 bytes for the fixture's 18) and
  // lists grown by push or assignment: about 1,970; with the Map a list, 1,190. Exact lists
  // (and quiet parts a bit each): about 690.
  assert.ok(bytes < 900, `${bytes.toFixed(0)} bytes a collector`)
})
