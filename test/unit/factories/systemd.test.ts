// The systemd factory: it claims .mount cgroups, to ignore them.
import {test, describe} from 'node:test'
import assert from 'node:assert/strict'

import {SystemdFactory} from '../../../src/lib/factories/index.js'

describe('systemd', () => {
  test('systemd ignores .mount cgroups and nothing else', async () => {
    const f = new SystemdFactory()
    assert.deepEqual(Object.values(await f.canHandleAndAccept('/system.slice/var-lib-docker.mount')).slice(0, 2), [true, false])
    assert.equal((await f.canHandleAndAccept('/system.slice/ssh.service')).canHandle, false)
  })
})
