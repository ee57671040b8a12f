// The watcher's initial listing on a fixture tree, on every backend (live events on real
// cgroups: test/integration/watch.test.ts).
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {join} from 'node:path'

import {discoverCgroups, selectHierarchies} from '../../../src/lib/cgroups/index.js'
import {controllersForKinds, selectKinds} from '../../../src/lib/stats/index.js'
import {createWatcher} from '../../../src/lib/watch/index.js'
import {DISCOVERY, scannedNames} from '../../helpers/discovery.js'

test('the watcher lists a fixture tree like the scan does, on every backend', async () => {
  const layout = discoverCgroups({cgroupRoot: join(DISCOVERY, 'v1-separate')})
  const hierarchies = selectHierarchies(layout, controllersForKinds(selectKinds()))
  for (const backend of ['inotify', 'poll'] as const) {
    const w = createWatcher({hierarchies, backend})
    const seen: string[] = []
    w.on('event', (e) => seen.push(`${e.type} ${e.name} ${e.initial}`))
    await w.start()
    await w.stop()
    assert.deepEqual(
      seen.sort(),
      scannedNames(layout).map((n) => `ContainerAdd ${n} true`),
    )
  }
})
