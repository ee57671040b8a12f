// The podman factory against a scripted Engine API client (podman speaks docker's API).
import {test, describe} from 'node:test'
import assert from 'node:assert/strict'

import {DockerFactory, PodmanFactory} from '../../../../src/lib/factories/index.js'
import {engine, engineContainer, ID, NAMES, opts} from '../../../helpers/factories.js'

describe('podman', () => {
  test('rootful cgroupfs and systemd names are accepted when running', async () => {
    const f = new PodmanFactory(engine({[ID]: engineContainer({name: 'pm'})}), opts())
    for (const n of [NAMES.podmanCgroupfs, NAMES.podmanSystemd]) {
      const a = await f.canHandleAndAccept(n)
      assert.equal(a.accept, true, n)
      assert.deepEqual(a.info?.aliases, ['pm', ID])
      assert.equal(a.info?.name, n)
    }
  })

  test('rootless: the `container` leaf is dropped before the id test', async () => {
    const client = engine({[ID]: engineContainer({name: 'pm'})})
    const a = await new PodmanFactory(client, opts()).canHandleAndAccept(NAMES.podmanRootless)
    assert.equal(a.accept, true)
    assert.equal(a.info?.name, NAMES.podmanRootless)
    assert.deepEqual(client.calls, [ID])
    // docker has no such rule: `container` has no id.
    const d = await new DockerFactory(engine({[ID]: engineContainer()}), opts()).canHandleAndAccept(NAMES.podmanRootless)
    assert.equal(d.canHandle, false)
  })

  test("conmon's cgroup has no id and falls through", async () => {
    const a = await new PodmanFactory(engine({}), opts()).canHandleAndAccept(NAMES.podmanConmon)
    assert.equal(a.canHandle, false)
    assert.match(a.reason, /"conmon" holds no 64-character/)
  })
})
