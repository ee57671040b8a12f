// The web config file (exporter-toolkit's format): what is accepted, and one line for each mistake.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {loadWebConfig} from '../../../src/lib/metrics/index.js'

test('web config: exporter-toolkit fields accepted, mistakes refused with one line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cadv-webcfg-'))
  try {
    const file = join(dir, 'web.yml')
    const load = (yaml: string) => {
      writeFileSync(file, yaml)
      return loadWebConfig(file)
    }
    const hash = '$2b$10$' + 'a'.repeat(53)
    const ok = load(
      `basic_auth_users:\n  prom: "${hash}"\nhttp_server_config:\n  headers:\n    X-Frame-Options: deny\nrate_limit:\n  interval: 1s\n  burst: 5\n`,
    )
    assert.equal(ok.users?.get('prom'), hash)
    assert.deepEqual(ok.headers, {'X-Frame-Options': 'deny'})
    assert.deepEqual(ok.rateLimit, {intervalMs: 1000, burst: 5})
    assert.equal(load('').tls, undefined)
    const cases: Array<[string, RegExp]> = [
      ['basic_auth_users:\n  prom: plain\n', /not a bcrypt hash/],
      ['tls_server_config:\n  key_file: k\n', /cert_file/],
      [`tls_server_config:\n  cert_file: ${file}\n  key_file: ${file}\n  client_auth_type: Sometimes\n`, /client_auth_type "Sometimes"/],
      [
        `tls_server_config:\n  cert_file: ${file}\n  key_file: ${file}\n  client_auth_type: RequireAndVerifyClientCert\n`,
        /needs client_ca_file/,
      ],
      ['tls_server_config:\n  cert_file: missing.pem\n  key_file: missing.key\n', /cannot read cert_file .*missing\.pem: ENOENT/],
      ['unknown_thing: 1\n', /unknown field "unknown_thing"/],
      ['rate_limit:\n  interval: soon\n  burst: 1\n', /rate_limit.interval/],
      ['a: [b\n', /web config/],
    ]
    for (const [yaml, re] of cases) {
      assert.throws(
        () => load(yaml),
        (err: Error & {exitCode?: number}) => re.test(err.message) && err.exitCode === 2 && !err.message.includes('\n'),
        yaml,
      )
    }
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})
