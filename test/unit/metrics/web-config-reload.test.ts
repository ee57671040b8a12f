// The web config: a reload takes effect only when the new version is complete, valid and keeps
// every protection in force; files are read bounded; bad certificates and headers are one line
// naming what is wrong.
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {loadWebConfig, WebConfigError, WebConfigWatcher} from '../../../src/lib/metrics/index.js'
import {makeTestPki, opensslSkipReason, type TestPki} from '../../helpers/tls.js'

const skipTls = opensslSkipReason()
const HASH = '$2b$04$' + 'a'.repeat(53)
const HASH2 = '$2b$04$' + 'b'.repeat(53)
let dir: string
let pki: TestPki

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'cadv-webreload-'))
  if (!skipTls) pki = makeTestPki()
})
after(() => {
  rmSync(dir, {recursive: true, force: true})
  pki?.cleanup()
})

let n = 0
/** A watcher on a fresh file, with what it said on refusals. */
function watch(yaml: string): {file: string; w: WebConfigWatcher; said: string[]} {
  const file = join(dir, `web-${n++}.yml`)
  writeFileSync(file, yaml)
  const w = new WebConfigWatcher(file)
  const said: string[] = []
  w.onRefused = (e) => said.push(e.message)
  return {file, w, said}
}

const auth = (hash = HASH) => `basic_auth_users:\n  prom: "${hash}"\n`
const rate = 'rate_limit:\n  interval: 1s\n  burst: 5\n'

test('an empty, partial or invalid file never replaces a config with basic auth; a complete one does', () => {
  const {file, w, said} = watch(auth() + rate)
  for (const broken of [
    '',
    '\n',
    rate,
    'basic_auth_users:\n',
    'basic_auth_users:\n  prom: "$2b$04$aaa',
    'basic_auth_users: [not, closed\n',
  ]) {
    writeFileSync(file, broken)
    assert.equal(w.reload(), false, JSON.stringify(broken))
    assert.equal(w.current().users?.get('prom'), HASH, 'the previous config stays in force')
    assert.equal(w.reloads.lastSuccessful, false)
  }
  assert.equal(said.length, 6)
  for (const line of said) {
    assert.equal(line.split('\n').length, 1)
    assert.ok(line.startsWith(`web config ${file}: `), line)
    assert.match(line, /the previous config stays in force$/)
  }
  assert.match(said[0]!, /reload refused: it drops basic_auth_users, rate_limit.*write it atomically/)
  writeFileSync(file, auth(HASH2) + rate)
  assert.equal(w.reload(), true)
  assert.equal(w.current().users?.get('prom'), HASH2)
  assert.deepEqual(w.reloads, {successes: 1, refusals: 6, lastSuccessful: true})
})

test('a refused version is said once when found by polling, and again on an explicit reload (SIGHUP)', () => {
  const {file, w, said} = watch(auth())
  writeFileSync(file, '')
  let t = Date.now() + 10_000
  w.current(t)
  w.current((t += 1000))
  w.current((t += 1000))
  assert.equal(said.length, 1)
  w.reload()
  assert.equal(said.length, 2)
})

test('TLS: removing it, turning it on, or weakening the client certificate check needs a restart', {skip: skipTls}, () => {
  const tls = (clientAuth: string) =>
    `tls_server_config:\n  cert_file: ${pki.serverCert}\n  key_file: ${pki.serverKey}\n  client_auth_type: ${clientAuth}\n  client_ca_file: ${pki.caCert}\n`
  const on = watch(tls('RequireAndVerifyClientCert'))
  for (const [next, why] of [
    ['', /it drops TLS/],
    [auth(), /it drops TLS/],
    [tls('NoClientCert'), /it drops client_auth_type RequireAndVerifyClientCert \(now NoClientCert\)/],
    [tls('VerifyClientCertIfGiven'), /client_auth_type/],
  ] as const) {
    writeFileSync(on.file, next)
    assert.equal(on.w.reload(), false, next)
    assert.ok(on.w.current().tls, 'TLS stays on')
    assert.match(on.said.at(-1)!, why)
  }
  writeFileSync(on.file, tls('RequireAndVerifyClientCert') + 'http_server_config:\n  headers:\n    X-Frame-Options: deny\n')
  assert.equal(on.w.reload(), true, 'same protections, a new header: fine')

  const off = watch(auth())
  writeFileSync(off.file, auth() + tls('NoClientCert'))
  assert.equal(off.w.reload(), false)
  assert.equal(off.w.current().tls, undefined)
  assert.match(off.said.at(-1)!, /it turns TLS on, which needs a restart/)
})

test('a CR or LF in a header value is refused when loaded, naming the header', () => {
  const file = join(dir, 'headers.yml')
  writeFileSync(file, 'http_server_config:\n  headers:\n    X-Evil: "a\\r\\nSet-Cookie: x=1"\n')
  assert.throws(
    () => loadWebConfig(file),
    (e: unknown) =>
      e instanceof WebConfigError && e.exitCode === 2 && /headers: "X-Evil" is not a valid header name and value/.test(e.message),
  )
  writeFileSync(file, 'http_server_config:\n  headers:\n    "Bad Name": x\n')
  assert.throws(() => loadWebConfig(file), /"Bad Name" is not a valid header/)
})

test('files are read bounded: a FIFO or a device as the config or a certificate, an oversized file', {skip: skipTls}, () => {
  const fifo = join(dir, 'fifo.yml')
  execFileSync('mkfifo', [fifo])
  assert.throws(() => loadWebConfig(fifo), /web config .*fifo\.yml: is a FIFO, not a regular file/)
  const big = join(dir, 'big.yml')
  writeFileSync(big, '#'.repeat(2 * 1024 * 1024))
  assert.throws(() => loadWebConfig(big), /big\.yml: larger than 1 MiB/)
  const file = join(dir, 'devcert.yml')
  writeFileSync(file, `tls_server_config:\n  cert_file: /dev/zero\n  key_file: ${pki.serverKey}\n`)
  assert.throws(() => loadWebConfig(file), /cannot read cert_file \/dev\/zero: is a character device, not a regular file/)
})

test('bad certificates and keys: one line naming the file', {skip: skipTls}, () => {
  const garbage = join(dir, 'garbage.pem')
  writeFileSync(garbage, 'not a certificate\n')
  const file = join(dir, 'certs.yml')
  const check = (cert: string, key: string, ca: string | undefined, re: RegExp) => {
    writeFileSync(
      file,
      `tls_server_config:\n  cert_file: ${cert}\n  key_file: ${key}\n` +
        (ca ? `  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ${ca}\n` : ''),
    )
    assert.throws(
      () => loadWebConfig(file),
      (e: unknown) => e instanceof WebConfigError && e.message.split('\n').length === 1 && re.test(e.message),
    )
  }
  check(garbage, pki.serverKey, undefined, new RegExp(`cert_file ${garbage}: not a PEM certificate \\(no start line\\)`))
  check(pki.serverCert, garbage, undefined, new RegExp(`key_file ${garbage}: not a PEM private key`))
  check(pki.serverCert, pki.clientKey, undefined, new RegExp(`key_file ${pki.clientKey} does not belong to cert_file ${pki.serverCert}`))
  check(pki.serverCert, pki.serverKey, garbage, new RegExp(`client_ca_file ${garbage}: not a PEM certificate`))
})
