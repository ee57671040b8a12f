// The resolver: decisions from names alone (--offline), one lookup per name, absent runtimes.
import {test, describe} from 'node:test'
import assert from 'node:assert/strict'

import {createResolver} from '../../../src/lib/factories/index.js'
import {ID, NAMES} from '../../helpers/factories.js'

describe('offline: decided from names alone', () => {
  const expected: Record<keyof typeof NAMES, [string | null, boolean]> = {
    dockerCgroupfs: ['docker', true],
    dockerSystemd: ['docker', true],
    criContainerdCgroupfs: ['containerd', true],
    criContainerdSystemd: ['containerd', true],
    ctrNamespace: ['containerd', true],
    crioCgroupfs: ['crio', true],
    crioSystemd: ['crio', true],
    crioConmon: ['raw', true],
    podmanSystemd: ['podman', true],
    podmanCgroupfs: ['podman', true],
    podmanConmon: ['raw', true],
    podmanRootless: ['podman', true],
    podCgroupfs: ['raw', true],
    podSystemd: ['raw', true],
  }
  for (const [key, [factory, accepted]] of Object.entries(expected)) {
    test(`${key} → ${factory}`, async () => {
      const r = createResolver({offline: true, docker: {endpoint: 'unix:///nonexistent/docker.sock'}})
      try {
        const {decision} = await r.resolve(NAMES[key as keyof typeof NAMES])
        assert.equal(decision.factory, factory, JSON.stringify(decision.checks))
        assert.equal(decision.accepted, accepted)
        const skipped = decision.checks.filter((c) => /skipped/.test(c.reason))
        if (factory !== 'raw') assert.ok(skipped.length > 0, 'says which runtime call it skipped')
        for (const c of skipped) assert.match(c.reason, /\(--offline\)/)
      } finally {
        r.close()
      }
    })
  }

  test('a CRI-O pod sandbox under the systemd driver is ignored offline too', async () => {
    const r = createResolver({offline: true})
    const {decision} = await r.resolve(`/kubepods.slice/kubepods-besteffort.slice/crio-${ID}`)
    assert.deepEqual([decision.factory, decision.accepted], ['crio', false])
    r.close()
  })
})

describe('resolver', () => {
  test('one lookup per name until forget(); concurrent asks share it', async () => {
    const r = createResolver({offline: true})
    const name = `/docker/${ID}`
    const [a, b] = await Promise.all([r.resolve(name), r.resolve(name)])
    assert.equal(a, b)
    const c = await r.resolve(name)
    assert.equal(c, a)
    r.forget(name)
    const d = await r.resolve(name)
    assert.notEqual(d, a)
    assert.deepEqual(d.decision, a.decision)
    r.close()
  })

  test('a malformed name gets an empty decision, not an exception', async () => {
    const r = createResolver({offline: true})
    const {decision} = await r.resolve('no-slash')
    assert.deepEqual(decision, {name: 'no-slash', factory: null, accepted: false, id: null, checks: []})
    r.close()
  })

  test('absent runtimes: every runtime factory says unreachable and the name falls to raw', async () => {
    const r = createResolver({
      docker: {endpoint: 'unix:///nonexistent/docker.sock'},
      podman: {endpoint: 'unix:///nonexistent/podman.sock'},
      containerd: {endpoint: '/nonexistent/containerd.sock'},
    })
    try {
      const {decision} = await r.resolve(`/docker/${ID}`)
      assert.equal(decision.factory, 'raw')
      assert.match(decision.checks[0]!.reason, /^unreachable: unix:\/\/\/nonexistent\/docker\.sock \(connect ENOENT\)$/)
      assert.match(decision.checks[1]!.reason, /^unreachable: unix:\/\/\/nonexistent\/podman\.sock/)
      assert.match(decision.checks[2]!.reason, /^unreachable: \/nonexistent\/containerd\.sock \(connect ENOENT\)$/)
    } finally {
      r.close()
    }
  })
})
