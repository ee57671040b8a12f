// The scan of selected hierarchies into one name per cgroup, on the discovery fixture trees.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {join} from 'node:path'

import {discoverCgroups, selectHierarchies} from '../../../src/lib/cgroups/index.js'
import {controllersForKinds, selectKinds} from '../../../src/lib/stats/index.js'
import {scanHierarchies} from '../../../src/lib/watch/index.js'
import {DISCOVERY, DISCOVERY_ID} from '../../helpers/discovery.js'

test('prefixes limit the scan to subtrees, walking through their parents only', () => {
  const layout = discoverCgroups({cgroupRoot: join(DISCOVERY, 'v1-comounted')})
  const hs = selectHierarchies(layout, controllersForKinds(selectKinds()))
  assert.deepEqual([...scanHierarchies(hs, ['/kubepods/burstable/pod1234']).keys()].sort(), [
    '/kubepods/burstable/pod1234',
    `/kubepods/burstable/pod1234/${DISCOVERY_ID}`,
  ])
  assert.deepEqual([...scanHierarchies(hs, ['/kube']).keys()], [])
})
