// What a collector holds for each container, measured: at 1,000 containers every small structure
// a collector keeps is a fraction of a MiB of the serve process (issue 16: < 100 MiB).
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {fileURLToPath} from 'node:url'

const src = (p: string): string => fileURLToPath(new URL(`../../../src/lib/${p}`, import.meta.url))
const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url))

/**
 * Run with --expose-gc: 2,000 collectors of the v1 fixture's container read twice; then the
 * bytes their lists of kept paths take (the paths themselves held elsewhere, as OpenFiles holds
 * them in cadv: only the lists' own memory is measured).
 */
const SCRIPT = `
import {discoverCgroups} from ${JSON.stringify(src('cgroups/index.ts'))}
import {ALL_KINDS, ContainerCollector, OpenFiles} from ${JSON.stringify(src('stats/index.ts'))}
const layout = discoverCgroups({cgroupRoot: ${JSON.stringify(FIXTURES + 'cgroup_v1/separate')}, procRoot: ${JSON.stringify(FIXTURES + 'proc/basic')}})
const files = new OpenFiles(64)
const N = 2000
const cs = []
for (let i = 0; i < N; i++) {
  const c = new ContainerCollector('/docker/c1', {layout, kinds: new Set(ALL_KINDS), files})
  c.collect(1_000_000)
  c.collect(1_001_000)
  cs.push(c)
}
const paths = []
let count = 0
for (const c of cs) {
  const kept = c.kept
  for (const p of kept instanceof Map ? kept.keys() : kept) { paths.push(p); count++ }
}
const used = () => { gc(); gc(); return process.memoryUsage().heapUsed }
const before = used()
for (const c of cs) c.kept = undefined
// paths used after the measure: else V8 may collect it as dead before it.
console.log(JSON.stringify({bytes: (before - used()) / N, paths: count / N, held: paths.length}))
`

test('a collector keeps the paths it reads in a list of 8 bytes a path, not a Map of about 50', async () => {
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', SCRIPT],
      {timeout: 120_000},
      (err, out, stderr) => (err ? reject(new Error(`${err.message}: ${stderr}`)) : resolve(out)),
    ),
  )
  const {bytes, paths} = JSON.parse(stdout) as {bytes: number; paths: number}
  assert.ok(paths >= 5, `${paths} kept paths a collector: the fixture reads its hot files`)
  assert.ok(bytes > 40, `${bytes.toFixed(0)} bytes: the measure measured nothing`)
  // A Map: about 980 bytes for the fixture's 18 paths; a list of exactly them: about 200.
  assert.ok(bytes < 300, `${bytes.toFixed(0)} bytes a collector for ${paths} kept paths`)
})
