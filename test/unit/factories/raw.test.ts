// The raw factory: the last one asked; --docker-only and the raw cgroup prefix whitelist.
import {test, describe} from 'node:test'
import assert from 'node:assert/strict'

import {RawFactory} from '../../../src/lib/factories/index.js'
import {NAMES, opts} from '../../helpers/factories.js'

describe('raw', () => {
  test('raw: / always; everything by default', async () => {
    const f = new RawFactory(opts())
    assert.equal((await f.canHandleAndAccept('/')).accept, true)
    assert.equal((await f.canHandleAndAccept('/system.slice/ssh.service')).accept, true)
  })

  test('raw: --docker-only without a whitelist ignores all but /', async () => {
    const f = new RawFactory(opts({dockerOnly: true}))
    assert.equal((await f.canHandleAndAccept('/')).accept, true)
    const a = await f.canHandleAndAccept('/system.slice/ssh.service')
    assert.deepEqual([a.canHandle, a.accept], [true, false])
  })

  test('raw: a whitelist restricts with or without --docker-only (string prefixes)', async () => {
    for (const dockerOnly of [false, true]) {
      const f = new RawFactory(opts({dockerOnly, rawCgroupPrefixWhitelist: ['/kubepods,/system.slice/ssh']}))
      assert.equal((await f.canHandleAndAccept(NAMES.podCgroupfs)).accept, true)
      assert.equal((await f.canHandleAndAccept('/system.slice/ssh.service')).accept, true, 'plain string prefix')
      assert.equal((await f.canHandleAndAccept('/user.slice')).accept, false)
      assert.equal((await f.canHandleAndAccept('/')).accept, true)
    }
  })
})
