// The containerd factory against a scripted containerd client.
import {test, describe} from 'node:test'
import assert from 'node:assert/strict'

import {ContainerdFactory} from '../../../../src/lib/factories/index.js'
import {containerd, ID, NAMES, opts} from '../../../helpers/factories.js'

describe('containerd', () => {
  test('CRI cgroupfs and systemd names are accepted when containerd knows the id; the id is alias 0', async () => {
    const f = new ContainerdFactory(
      opts({envMetadataWhitelist: ['CADV_']}),
      containerd({[ID]: {pid: 77, labels: {'io.kubernetes.container.name': 'app', 'io.cri-containerd.kind': 'container'}}}),
    )
    for (const n of [NAMES.criContainerdCgroupfs, NAMES.criContainerdSystemd, NAMES.ctrNamespace]) {
      const a = await f.canHandleAndAccept(n)
      assert.equal(a.accept, true, n)
      assert.deepEqual(a.info?.aliases, [ID, n])
      assert.equal(a.info?.pid, 77)
      assert.deepEqual(a.info?.env, {CADV_A: '1'})
      assert.equal(a.info?.hasNetwork, false, 'only the sandbox owns the pod network')
      assert.match(a.reason, /namespace k8s\.io, task running, pid 77/)
    }
  })

  test('no running check: a container without a task is still accepted', async () => {
    const a = await new ContainerdFactory(opts(), containerd({[ID]: {}})).canHandleAndAccept(NAMES.ctrNamespace)
    assert.equal(a.accept, true)
    assert.match(a.reason, /no task/)
    assert.equal(a.info?.pid, 0)
  })

  test('an id containerd does not know falls through', async () => {
    const a = await new ContainerdFactory(opts(), containerd({})).canHandleAndAccept(NAMES.ctrNamespace)
    assert.equal(a.canHandle, false)
    assert.match(a.reason, /no container .* in namespace k8s\.io/)
  })
})
