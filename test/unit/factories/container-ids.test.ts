// The one container-id test every runtime factory shares, and the env whitelist.
import {test, describe} from 'node:test'
import assert from 'node:assert/strict'

import {containerIdTest, filterEnv} from '../../../src/lib/factories/index.js'
import {ID, NAMES} from '../../helpers/factories.js'

describe('shared name test', () => {
  test('finds the 64-character id in every runtime naming style', () => {
    for (const key of [
      'dockerCgroupfs',
      'dockerSystemd',
      'criContainerdCgroupfs',
      'criContainerdSystemd',
      'ctrNamespace',
      'crioCgroupfs',
      'crioSystemd',
      'crioConmon',
      'podmanSystemd',
      'podmanCgroupfs',
    ] as const) {
      const t = containerIdTest(NAMES[key])
      assert.ok(t.ok, key)
      assert.equal(t.ok && t.id, ID, key)
    }
  })

  test('pod cgroups, conmon and the root have no id', () => {
    for (const n of [NAMES.podCgroupfs, NAMES.podSystemd, NAMES.podmanConmon, '/', '/docker']) {
      const t = containerIdTest(n)
      assert.equal(t.ok, false, n)
      assert.match(t.ok ? '' : t.reason, /no 64-character/)
    }
  })

  test('the run is [a-z0-9] (not only hex), unanchored, and the first run wins', () => {
    const z = 'z'.repeat(64)
    const t = containerIdTest(`/x/pre-${z}-post`)
    assert.ok(t.ok && t.id === z)
    assert.equal(containerIdTest(`/x/${'A'.repeat(64)}`).ok, false)
    assert.equal(containerIdTest(`/x/${'a'.repeat(63)}`).ok, false)
    const long = `/x/${'1'.repeat(70)}`
    assert.ok(containerIdTest(long).ok)
  })

  test('.mount names are refused even with an id', () => {
    const t = containerIdTest(`/system.slice/var-lib-docker-${ID}.mount`)
    assert.equal(t.ok, false)
    assert.match(t.ok ? '' : t.reason, /\.mount/)
  })

  test('env whitelist keeps only keys with a listed prefix', () => {
    assert.deepEqual(filterEnv(['PATH=/bin', 'CADV_ENV=1', 'CADV_X=a=b', 'SECRET=x'], ['CADV_']), {CADV_ENV: '1', CADV_X: 'a=b'})
    assert.deepEqual(filterEnv(['PATH=/bin'], []), {})
  })
})
