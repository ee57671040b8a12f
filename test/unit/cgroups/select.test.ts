// Which hierarchies the enabled kinds (or --hierarchy) pick from a discovered layout.
import {test} from 'node:test'
import {join} from 'node:path'

import {discoverCgroups, selectHierarchies} from '../../../src/lib/cgroups/index.js'
import {controllersForKinds, selectKinds} from '../../../src/lib/stats/index.js'
import {DISCOVERY, discoveryError} from '../../helpers/discovery.js'

test('errors: unknown --hierarchy names the available ones', () => {
  const layout = discoverCgroups({cgroupRoot: join(DISCOVERY, 'v1-comounted')})
  discoveryError(
    () => selectHierarchies(layout, controllersForKinds(selectKinds()), ['blkio']),
    /--hierarchy blkio: no such hierarchy \(available: cpu,cpuacct memory net_cls,net_prio systemd\)/,
  )
})
