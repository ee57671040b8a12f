// The docker factory against a scripted Engine API client.
import {test, describe} from 'node:test'
import assert from 'node:assert/strict'

import {DockerFactory, RuntimeUnreachable} from '../../../../src/lib/factories/index.js'
import {engine, engineContainer, ID, ID2, NAMES, opts} from '../../../helpers/factories.js'

describe('docker', () => {
  test('a running container is accepted with its metadata; name first in aliases', async () => {
    const f = new DockerFactory(engine({[ID]: engineContainer()}), opts({envMetadataWhitelist: ['CADV_']}))
    const a = await f.canHandleAndAccept(NAMES.dockerCgroupfs)
    assert.equal(a.canHandle, true)
    assert.equal(a.accept, true)
    assert.equal(a.id, ID)
    assert.match(a.reason, /running docker container "web"/)
    assert.deepEqual(a.info?.aliases, ['web', ID])
    assert.deepEqual(a.info?.env, {CADV_ENV: '1'})
    assert.equal(a.info?.image, 'localhost/cadv-busybox:latest')
    assert.equal(a.info?.pid, 4242)
    assert.equal(a.info?.hasNetwork, true)
  })

  test('the systemd-driver name asks docker for the same id', async () => {
    const client = engine({[ID]: engineContainer()})
    const a = await new DockerFactory(client, opts()).canHandleAndAccept(NAMES.dockerSystemd)
    assert.equal(a.accept, true)
    assert.deepEqual(client.calls, [ID])
  })

  test('unknown, stopped and unreachable fall through with the reason', async () => {
    const f = new DockerFactory(
      engine({[ID]: engineContainer({running: false, status: 'exited'}), [ID2]: new RuntimeUnreachable('unix:///x', 'connect ENOENT')}),
      opts(),
    )
    const stopped = await f.canHandleAndAccept(NAMES.dockerCgroupfs)
    assert.deepEqual([stopped.canHandle, stopped.accept], [false, false])
    assert.match(stopped.reason, /not running \(status exited\)/)
    const gone = await f.canHandleAndAccept(`/docker/${'c'.repeat(64)}`)
    assert.match(gone.reason, /has no container .*404/)
    const down = await f.canHandleAndAccept(`/docker/${ID2}`)
    assert.equal(down.reason, 'unreachable: unix:///x (connect ENOENT)')
  })

  test('a container still starting is asked again until it runs', async () => {
    const client = engine({[ID]: [engineContainer({running: false, status: 'created'}), engineContainer()]})
    const a = await new DockerFactory(client, opts()).canHandleAndAccept(NAMES.dockerCgroupfs)
    assert.equal(a.accept, true)
    assert.equal(client.calls.length, 2)
  })

  test('a container sharing another network namespace has no network of its own', async () => {
    const a = await new DockerFactory(engine({[ID]: engineContainer({networkMode: `container:${ID2}`})}), opts()).canHandleAndAccept(
      NAMES.dockerCgroupfs,
    )
    assert.equal(a.info?.hasNetwork, false)
  })

  test('names without an id are not sent to the daemon', async () => {
    const client = engine({})
    const a = await new DockerFactory(client, opts()).canHandleAndAccept(NAMES.podCgroupfs)
    assert.equal(a.canHandle, false)
    assert.deepEqual(client.calls, [])
  })
})
