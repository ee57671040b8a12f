// Runtime endpoint flags are checked when parsed: a value that cannot be an endpoint is bad
// input (one line, exit 2) before any name is resolved, not an "unreachable" line per name.
// checkEndpoint itself is tested in test/unit/app/options.test.ts.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'

import {runCli} from '../../helpers/cli.js'

describe('on the command line', () => {
  test('cadv resolve --docker ftp://x: one line, exit 2, nothing resolved', async () => {
    const r = await runCli(['resolve', '--docker', 'ftp://x', '/'])
    assert.equal(r.code, 2)
    assert.equal(r.stdout, '')
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr)
    assert.match(r.stderr, /"ftp:\/\/x" is not a docker endpoint/)
  })

  test('a bad endpoint from the environment is refused too (cadv watch)', async () => {
    const r = await runCli(['watch', '--resolve'], {env: {...process.env, CADV_CRIO: 'crio.sock'}})
    assert.equal(r.code, 2)
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr)
    assert.match(r.stderr, /"crio\.sock" is not a crio endpoint/)
  })
})
