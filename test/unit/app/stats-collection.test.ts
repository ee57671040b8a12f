// `cadv stats` looks for a container's directories only in the hierarchies of STATS_CONTROLLERS
// and reads with its own kind options: on fixture trees with every controller, what it reads
// with that narrower set is what it reads looking everywhere.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {JSON_KINDS, STATS_CONTROLLERS, STATS_KINDS, statsKindOptions} from '../../../src/lib/app/stats.js'
import {discoverCgroups} from '../../../src/lib/cgroups/index.js'
import {ContainerCollector, controllerHierarchies, OpenFiles} from '../../../src/lib/stats/index.js'
import {FIXTURES} from '../../helpers/collect.js'

for (const tree of ['cgroup_v1/kinds', 'cgroup_v2/kinds', 'cgroup_v2/basic']) {
  for (const [format, kinds] of [
    ['table', STATS_KINDS],
    ['json', JSON_KINDS],
  ] as const) {
    test(`stats (${format}) reads the same with its controllers as with all of them: ${tree}`, () => {
      const layout = discoverCgroups({cgroupRoot: `${FIXTURES}${tree}`, procRoot: `${FIXTURES}host/kinds/proc`})
      const read = (hierarchies: ReturnType<typeof controllerHierarchies>): unknown => {
        const c = new ContainerCollector('/docker/c1', {
          layout,
          kinds: new Set(kinds),
          files: new OpenFiles(64),
          hierarchies,
          kindOptions: statsKindOptions(format),
        })
        const s = c.collect(1_000_000)
        c.close()
        return {sample: s, spec: c.spec}
      }
      const all = controllerHierarchies(layout)
      const narrow = controllerHierarchies(layout, STATS_CONTROLLERS)
      assert.ok(narrow.size < all.size, `the tree has hierarchies stats does not look in (${[...all.keys()].join(' ')})`)
      const everywhere = read(all) as {sample: Record<string, unknown>}
      const parts = ['cpu', 'memory', 'diskio', 'processes'].filter((k) => everywhere.sample[k] !== undefined)
      assert.ok(parts.length >= 3, `the fixture container has most of what stats shows (${parts.join(' ')})`)
      assert.deepEqual(read(narrow), everywhere)
    })
  }
}
