// Every container's state keeps V8's fast properties (one shape shared by all states), with
// its creation time still read only when first asked (manager.ts, createdWhenAsked): a state
// whose accessors were functions of its own became a dictionary of properties, about 450
// bytes more a container and slower reads for the exposition and the API.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {fileURLToPath} from 'node:url'

import {runNodeScript} from '../../helpers/node-script.js'

const src = (p: string): string => fileURLToPath(new URL(`../../../src/lib/${p}`, import.meta.url))
const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url))

/** Run with --allow-natives-syntax: each state's fast-properties flag and keys, before and after its creation time is read. */
const SCRIPT = `
import {discoverCgroups} from ${JSON.stringify(src('cgroups/index.ts'))}
import {createResolver} from ${JSON.stringify(src('factories/index.ts'))}
import {createManager} from ${JSON.stringify(src('manager/index.ts'))}
const fast = new Function('o', 'return %HasFastProperties(o)')
const layout = discoverCgroups({cgroupRoot: ${JSON.stringify(FIXTURES + 'cgroup_v2/basic')}, procRoot: ${JSON.stringify(FIXTURES + 'proc/basic')}})
const manager = createManager({layout, resolver: createResolver({offline: true})})
const out = {added: [], read: []}
manager.on('add', (s) => out.added.push({name: s.name, fast: fast(s)}))
await manager.start()
// The fixture's root, /docker and /docker/c1 (the others come once the offline resolver answered).
for (let i = 0; i < 600 && [...manager.containers()].length < 3; i++) await new Promise((r) => setTimeout(r, 50))
const states = [...manager.containers()]
for (const s of states) out.read.push({name: s.name, created: typeof s.cgroupCreatedMs, fast: fast(s), keys: Object.keys(s).includes('cgroupCreatedMs')})
await manager.stop()
console.log(JSON.stringify(out))
`

test('container states share one fast shape, before and after their creation time is read', async () => {
  const stdout = await runNodeScript(['--allow-natives-syntax'], SCRIPT)
  const {added, read} = JSON.parse(stdout) as {
    added: Array<{name: string; fast: boolean}>
    read: Array<{name: string; created: string; fast: boolean; keys: boolean}>
  }
  // More than one state, so a shape is shared.
  assert.ok(added.length >= 3, stdout)
  assert.deepEqual(
    added.filter((s) => !s.fast),
    [],
    'states made with dictionary properties',
  )
  assert.equal(read.length, added.length, stdout)
  for (const s of read) {
    assert.equal(s.created, 'number', `${s.name}: the fixture's directories have a creation time`)
    assert.ok(s.keys, `${s.name}: the creation time is an own enumerable property once read`)
    assert.ok(s.fast, `${s.name}: dictionary properties once its creation time was read`)
  }
})
