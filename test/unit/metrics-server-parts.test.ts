// Small parts of `cadv serve`: Accept negotiation, --listen parsing, Go-style boolean flags,
// web config validation.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {normalizeBooleanArgs} from '../../src/lib/cli/boolean-args.js'
import {loadWebConfig, negotiateFormat, parseListen} from '../../src/lib/metrics/index.js'

test('Accept negotiation: OpenMetrics when preferred, text 0.0.4 otherwise', () => {
  assert.equal(negotiateFormat(undefined), 'prometheus')
  assert.equal(negotiateFormat('*/*'), 'prometheus')
  assert.equal(negotiateFormat('text/plain;version=0.0.4'), 'prometheus')
  // Prometheus 2.x
  assert.equal(
    negotiateFormat(
      'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
    ),
    'openmetrics',
  )
  // Any OpenMetrics version is served 1.0.0 (clients disagree about versions).
  assert.equal(negotiateFormat('application/openmetrics-text; version=0.0.1'), 'openmetrics')
  assert.equal(negotiateFormat('application/openmetrics-text;q=0.2, text/plain;q=0.9'), 'prometheus')
  assert.equal(negotiateFormat('application/openmetrics-text;q=0'), 'prometheus')
  assert.equal(negotiateFormat('application/json'), 'prometheus')
})

test('--listen values', () => {
  assert.deepEqual(parseListen('127.0.0.1:8080'), {host: '127.0.0.1', port: 8080})
  assert.deepEqual(parseListen(':9100'), {host: undefined, port: 9100})
  assert.deepEqual(parseListen('[::1]:0'), {host: '::1', port: 0})
  assert.deepEqual(parseListen('localhost:80'), {host: 'localhost', port: 80})
  for (const bad of ['8080', 'host', '1.2.3.4:99999', '::1:80', 'a:b']) assert.throws(() => parseListen(bad), /--listen/, bad)
})

test('Go-style --flag=false for boolean flags', () => {
  const flags = ['store-container-labels']
  assert.deepEqual(normalizeBooleanArgs(['--store-container-labels=false', '--x=false'], flags), [
    '--no-store-container-labels',
    '--x=false',
  ])
  assert.deepEqual(normalizeBooleanArgs(['--store-container-labels=TRUE'], flags), ['--store-container-labels'])
  assert.deepEqual(normalizeBooleanArgs(['--', '--store-container-labels=false'], flags), ['--', '--store-container-labels=false'])
})

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
