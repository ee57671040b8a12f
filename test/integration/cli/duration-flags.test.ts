// One duration syntax everywhere (Go's, as cAdvisor's flags): a runtime timeout is refused or
// taken the same way on the fast `cadv resolve` path and through oclif.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {runCli} from '../../helpers/cli.js'

test('a runtime timeout takes the same syntax as --interval: a bare number is refused', async () => {
  // `resolve` goes through the fast path first, `watch` through oclif: both refuse it alike.
  for (const args of [
    ['resolve', '--offline', '--docker-timeout', '2', '/'],
    ['watch', '--resolve', '--podman-timeout', '2'],
  ]) {
    const r = await runCli(args)
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr)
    assert.match(r.stderr, /invalid duration "2": missing unit/)
  }
  const zero = await runCli(['resolve', '--offline', '--crio-timeout', '0', '/'])
  assert.equal(zero.code, 2)
  assert.match(zero.stderr, /must be at least 1ms/)
  const ok = await runCli(['resolve', '--offline', '--docker-timeout', '1m30s', '--containerd-timeout', '250ms', '/'])
  assert.equal(ok.code, 0, ok.stderr)
})
