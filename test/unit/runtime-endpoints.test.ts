// Runtime endpoint flags are checked when parsed: a value that cannot be an endpoint is bad
// input (one line, exit 2) before any name is resolved, not an "unreachable" line per name.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'

import {checkEndpoint, EndpointError} from '../../src/lib/app/index.js'

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
