// The benchmarks' child processes run the built code (dist/), outside the type checker: this
// runs each on two real cgroups so that a moved module breaks here, not at `npm run bench`.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {promisify} from 'node:util'

import {TestCgroups, realCgroupSkipReason} from '../helpers/cgroups.js'

const run = promisify(execFile)
const CHILD = new URL('../../bench/lib/stats-child.mjs', import.meta.url).pathname

test('bench/lib/stats-child.mjs: the store and the live manager on real cgroups', {skip: realCgroupSkipReason()}, async () => {
  const tc = new TestCgroups('cadvt-bench')
  try {
    tc.mkdir()
    tc.mkdir('c0')
    tc.mkdir('c1')
    const store = await run(process.execPath, ['--expose-gc', CHILD, 'store', tc.root, '2', 'idle'], {timeout: 120_000})
    const s = JSON.parse(store.stdout) as {samples: number}
    // 121 rounds a second apart into a 2-minute store: about 120 kept of each.
    assert.ok(s.samples >= 2 * 115 && s.samples <= 2 * 121, store.stdout)
    const live = await run(process.execPath, ['--expose-gc', CHILD, 'live', tc.root, '2', '1', '0'], {timeout: 120_000})
    const l = JSON.parse(live.stdout) as {samples: number}
    assert.ok(l.samples > 0, live.stdout)
  } finally {
    await tc.cleanup()
  }
})
