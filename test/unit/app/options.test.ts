// Flag values turned into options: runtime endpoints are checked when parsed (a value that cannot
// be an endpoint is bad input, exit 2, before any name is resolved), housekeeping flags become
// manager options. The command-line side: test/integration/cli/runtime-endpoints.test.ts.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'

import {checkEndpoint, EndpointError, housekeepingOptionsFrom} from '../../../src/lib/app/index.js'

describe('checkEndpoint', () => {
  test('HTTP runtimes: unix sockets, bare paths, tcp and http', () => {
    for (const v of ['unix:///var/run/docker.sock', '/run/podman/podman.sock', 'tcp://127.0.0.1:2375', 'http://localhost']) {
      assert.equal(checkEndpoint('docker', v), v)
      assert.equal(checkEndpoint('crio', v), v)
    }
  })

  test('containerd: unix sockets, bare paths and host:port', () => {
    for (const v of ['unix:///run/containerd/containerd.sock', '/run/containerd/containerd.sock', '127.0.0.1:10010', '[::1]:10010']) {
      assert.equal(checkEndpoint('containerd', v), v)
    }
  })

  test('anything else is bad input, exitCode 2', () => {
    const bad: Array<['docker' | 'podman' | 'containerd' | 'crio', string]> = [
      ['docker', 'ftp://x'],
      ['podman', 'docker.sock'],
      ['crio', 'unix://'],
      ['docker', ''],
      ['containerd', 'tcp://127.0.0.1:1'],
      ['containerd', 'containerd.sock'],
    ]
    for (const [flag, v] of bad) {
      assert.throws(
        () => checkEndpoint(flag, v),
        (e: unknown) => e instanceof EndpointError && e.exitCode === 2 && e.message.includes(`"${v}"`),
        `${flag} ${v}`,
      )
    }
  })
})

test('housekeeping flags become manager options; a maximum below the base is refused', () => {
  assert.deepEqual(
    housekeepingOptionsFrom({
      'housekeeping-interval': 1000,
      'max-housekeeping-interval': 60000,
      'allow-dynamic-housekeeping': false,
      'storage-duration': 120000,
      'max-open-files': 10,
    }),
    {housekeeping: {intervalMs: 1000, maxIntervalMs: 60000, dynamic: false}, store: {maxAgeMs: 120000}, maxOpenFiles: 10},
  )
  assert.throws(
    () =>
      housekeepingOptionsFrom({
        'housekeeping-interval': 5000,
        'max-housekeeping-interval': 1000,
        'allow-dynamic-housekeeping': true,
        'storage-duration': 0,
      }),
    (e: Error & {exitCode?: number}) => e.exitCode === 2 && /shorter than --housekeeping-interval/.test(e.message),
  )
})
