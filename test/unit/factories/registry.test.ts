// The fixed factory order and the first-that-handles-decides rule.
import {test, describe} from 'node:test'
import assert from 'node:assert/strict'

import {
  ContainerdFactory,
  CrioFactory,
  DockerFactory,
  FACTORY_ORDER,
  PodmanFactory,
  RawFactory,
  SystemdFactory,
  createFactories,
  decide,
  type Factory,
} from '../../../src/lib/factories/index.js'
import {containerd, crio, engine, engineContainer, ID, NAMES, opts} from '../../helpers/factories.js'

describe('registry', () => {
  test('the order is fixed and documented', () => {
    assert.deepEqual([...FACTORY_ORDER], ['docker', 'podman', 'containerd', 'crio', 'systemd', 'raw'])
    assert.deepEqual(
      createFactories(opts()).map((f) => f.name),
      [...FACTORY_ORDER],
    )
  })

  test('the first factory that handles decides; every factory asked is listed with its reason', async () => {
    const factories: Factory[] = [
      new DockerFactory(engine({}), opts()),
      new PodmanFactory(engine({[ID]: engineContainer({name: 'pm'})}), opts()),
      new ContainerdFactory(opts(), containerd({[ID]: {}})),
      new CrioFactory(opts(), crio('cgroupfs')),
      new SystemdFactory(),
      new RawFactory(opts()),
    ]
    const r = await decide(factories, NAMES.podmanCgroupfs)
    assert.equal(r.decision.factory, 'podman')
    assert.equal(r.decision.accepted, true)
    assert.equal(r.decision.id, ID)
    assert.deepEqual(
      r.decision.checks.map((c) => c.factory),
      ['docker', 'podman'],
    )
    assert.ok(r.decision.checks.every((c) => c.reason.length > 0))
    assert.equal(r.info?.factory, 'podman')

    const mount = await decide(factories, '/system.slice/x.mount')
    assert.deepEqual([mount.decision.factory, mount.decision.accepted, mount.info], ['systemd', false, undefined])

    const pod = await decide(factories, NAMES.podSystemd)
    assert.equal(pod.decision.factory, 'raw')
    assert.equal(pod.decision.checks.length, 6)
    assert.deepEqual(pod.info?.aliases, [])
  })

  test('a throwing factory counts as "cannot handle"', async () => {
    const broken: Factory = {
      name: 'docker',
      canHandleAndAccept: async () => {
        throw new Error('boom')
      },
    }
    const r = await decide([broken, new RawFactory(opts())], '/x')
    assert.equal(r.decision.factory, 'raw')
    assert.equal(r.decision.checks[0]!.reason, 'error: boom')
  })
})
