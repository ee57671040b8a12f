// The CRI-O factory against a scripted CRI-O client, under both cgroup drivers.
import {test, describe} from 'node:test'
import assert from 'node:assert/strict'

import {CrioFactory} from '../../../../src/lib/factories/index.js'
import {crio, ID, NAMES, opts} from '../../../helpers/factories.js'

describe('crio', () => {
  test('crio-conmon is not a container', async () => {
    const a = await new CrioFactory(opts(), crio('systemd')).canHandleAndAccept(NAMES.crioConmon)
    assert.deepEqual([a.canHandle, a.accept], [false, false])
    assert.match(a.reason, /conmon/)
  })

  test('system-systemd* is ignored when CRI-O runs, falls through when it does not', async () => {
    const n = '/system.slice/system-systemd\\x2dfsck.slice'
    const up = await new CrioFactory(opts(), crio('systemd')).canHandleAndAccept(n)
    assert.deepEqual([up.canHandle, up.accept], [true, false])
    const down = await new CrioFactory(opts(), crio('systemd', [], true)).canHandleAndAccept(n)
    assert.equal(down.canHandle, false)
    assert.match(down.reason, /^unreachable: /)
  })

  test('names not starting with crio, or without an id, fall through without asking CRI-O', async () => {
    const api = crio('cgroupfs')
    const f = new CrioFactory(opts(), api)
    assert.match((await f.canHandleAndAccept(NAMES.dockerCgroupfs)).reason, /does not start with "crio"/)
    assert.match((await f.canHandleAndAccept('/kubepods/crio-short')).reason, /no 64-character/)
    assert.equal(api.infoCalls, 0)
  })

  test('systemd driver: .scope is a container, the rest is a pod sandbox (ignored)', async () => {
    const f = new CrioFactory(opts(), crio('systemd'))
    const c = await f.canHandleAndAccept(NAMES.crioSystemd)
    assert.deepEqual([c.canHandle, c.accept], [true, true])
    assert.deepEqual(c.info?.aliases, ['k8s_app_pod_ns_uid_0', ID])
    assert.equal(c.info?.restartCount, 2)
    assert.equal(c.info?.hasNetwork, false)
    const sandbox = await f.canHandleAndAccept(`/kubepods.slice/crio-${ID}`)
    assert.deepEqual([sandbox.canHandle, sandbox.accept], [true, false])
    assert.match(sandbox.reason, /pod sandbox/)
  })

  test('cgroupfs driver: crio-<id> is a container', async () => {
    const a = await new CrioFactory(opts(), crio('cgroupfs')).canHandleAndAccept(NAMES.crioCgroupfs)
    assert.deepEqual([a.canHandle, a.accept], [true, true])
  })

  test('metadata that cannot be fetched does not change the decision', async () => {
    const a = await new CrioFactory(opts(), crio('cgroupfs', [])).canHandleAndAccept(NAMES.crioCgroupfs)
    assert.equal(a.accept, true)
    assert.match(a.reason, /404/)
  })
})
