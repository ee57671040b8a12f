// `cadv serve` against a hostile operator environment and hostile clients, through the built
// CLI on 127.0.0.1: web config reloads that would drop a protection, signals, bad certificates,
// request bodies that never come. Every server is stopped by pid.
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {connect} from 'node:net'
import {mkdtempSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import bcrypt from 'bcryptjs'

import {runCli} from '../helpers/cli.js'
import {basic, get} from '../helpers/http-client.js'
import {ServeProcess} from '../helpers/serve.js'
import {makeTestPki, opensslSkipReason, type TestPki} from '../helpers/tls.js'
import {until} from '../helpers/wait.js'

const skipTls = opensslSkipReason()
/** These tests need a server, not the machine's cgroups: only `/` is tracked. */
const ONLY_ROOT = ['--raw-cgroup-prefix-whitelist', '/cadv-serve-hardening-tracks-no-raw-cgroups']
let dir: string
let pki: TestPki
const HASH = bcrypt.hashSync('s3cret', 4)

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'cadv-harden-'))
  if (!skipTls) pki = makeTestPki()
})
after(() => {
  rmSync(dir, {recursive: true, force: true})
  pki?.cleanup()
})

/** Writes a file the way it should be written: a new file renamed over the old one. */
function writeAtomically(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text)
  renameSync(`${file}.tmp`, file)
}

function metric(text: string, name: string): number | undefined {
  const m = new RegExp(`^${name.replace(/[{}"=]/g, (c) => `\\${c}`)} (\\S+)$`, 'm').exec(text)
  return m ? Number(m[1]) : undefined
}

test('a truncated or partial web config never removes basic auth; SIGHUP reloads; TLS cannot be turned on by reload', async () => {
  const file = join(dir, 'auth.yml')
  writeFileSync(file, `basic_auth_users:\n  prom: "${HASH}"\n`)
  const serve = await new ServeProcess(['--web-config-file', file, '-v', ...ONLY_ROOT]).ready()
  const good = basic('prom', 's3cret')
  try {
    // What a non-atomic rewrite leaves for a moment, then a valid file that lacks the users.
    for (const [i, broken] of ['', 'rate_limit:\n  interval: 1s\n  burst: 100\n'].entries()) {
      writeFileSync(file, broken)
      // Files are looked at when a request comes (at most once a second): ask until it is seen.
      await until(
        'the refused reload',
        async () => {
          assert.equal((await get(`${serve.url}/healthz`)).status, 401, 'no credentials, no entry, at any moment')
          return serve.stderr.split('reload refused').length > i + 1
        },
        20_000,
      )
      assert.equal((await get(`${serve.url}/metrics`)).status, 401)
      assert.equal((await get(`${serve.url}/api/v1/containers`)).status, 401)
      assert.equal((await get(`${serve.url}/healthz`, {auth: good})).status, 200, 'the previous config stays in force')
    }
    assert.match(
      serve.stderr,
      /^cadv serve: warning: web config .*auth\.yml: reload refused: it drops basic_auth_users, .*; the previous config stays in force$/m,
    )
    const m = (await get(`${serve.url}/metrics`, {auth: good})).body
    assert.equal(metric(m, 'cadv_web_config_last_reload_successful'), 0)
    assert.ok((metric(m, 'cadv_web_config_reloads_total{result="refused"}') ?? 0) >= 2)

    // SIGHUP reloads at once, without a request to notice the change.
    writeAtomically(file, `basic_auth_users:\n  prom: "${bcrypt.hashSync('n3w', 4)}"\n`)
    serve.child.kill('SIGHUP')
    await until('the reload on SIGHUP', () => /web config reloaded/.test(serve.stderr))
    assert.equal((await get(`${serve.url}/healthz`, {auth: basic('prom', 'n3w')})).status, 200)
    assert.equal((await get(`${serve.url}/healthz`, {auth: good})).status, 401)
    assert.equal(serve.child.exitCode, null, 'SIGHUP does not end the process')

    if (!skipTls) {
      const before = serve.stderr.length
      writeAtomically(
        file,
        `basic_auth_users:\n  prom: "${HASH}"\ntls_server_config:\n  cert_file: ${pki.serverCert}\n  key_file: ${pki.serverKey}\n`,
      )
      serve.child.kill('SIGHUP')
      await until('the refusal to turn TLS on', () => /it turns TLS on, which needs a restart/.test(serve.stderr.slice(before)))
      assert.equal((await get(`${serve.url}/healthz`, {auth: basic('prom', 'n3w')})).status, 200, 'still plain HTTP, previous users')
    }
  } finally {
    assert.equal(await serve.stop(), 0)
  }
})

test('TLS with client certificates: an emptied web config keeps TLS and the certificate check', {skip: skipTls}, async () => {
  const file = join(dir, 'tls.yml')
  writeFileSync(
    file,
    `tls_server_config:\n  cert_file: ${pki.serverCert}\n  key_file: ${pki.serverKey}\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ${pki.caCert}\n`,
  )
  const serve = await new ServeProcess(['--web-config-file', file, ...ONLY_ROOT]).ready()
  const tls = {ca: pki.read(pki.caCert), cert: pki.read(pki.clientCert), key: pki.read(pki.clientKey)}
  try {
    assert.equal((await get(`${serve.url}/healthz`, {tls})).status, 200)
    writeFileSync(file, '')
    await until('the refused reload', async () => {
      assert.equal((await get(`${serve.url}/healthz`, {tls})).status, 200, 'the right client keeps being served')
      return /reload refused: it drops TLS/.test(serve.stderr)
    })
    await assert.rejects(get(`${serve.url}/healthz`, {tls: {ca: tls.ca}}), 'no client certificate: still refused')
    await assert.rejects(get(`http://127.0.0.1:${serve.port}/healthz`), 'no plain HTTP')
  } finally {
    assert.equal(await serve.stop(), 0)
  }
})

test('signals: SIGUSR1 opens no debugger, SIGUSR2 is ignored, SIGQUIT stops gracefully', async () => {
  const serve = await new ServeProcess(['-v', ...ONLY_ROOT]).ready()
  try {
    serve.child.kill('SIGUSR1')
    serve.child.kill('SIGUSR2')
    await until('SIGUSR2 to be handled', () => /SIGUSR2: ignored/.test(serve.stderr))
    // Signals are handled in order of arrival: SIGUSR1 came first.
    assert.equal((await get(`${serve.url}/healthz`)).status, 200)
    assert.doesNotMatch(serve.stderr, /Debugger|inspector/i)
    assert.equal(serve.child.exitCode, null)
  } finally {
    assert.equal(await serve.stop('SIGQUIT'), 0)
  }
  assert.match(serve.stderr, /SIGQUIT: finishing requests in progress/)
})

test('an inspector opened by NODE_OPTIONS is closed before serving', async () => {
  const serve = new ServeProcess(['-v', ...ONLY_ROOT], {env: {...process.env, NODE_OPTIONS: '--inspect=127.0.0.1:0'}})
  await serve.ready()
  try {
    const port = Number(/Debugger listening on ws:\/\/127\.0\.0\.1:(\d+)\//.exec(serve.stderr)?.[1])
    assert.ok(port > 0, serve.stderr)
    assert.match(serve.stderr, /warning: closed the Node inspector that NODE_OPTIONS or --inspect opened/)
    const connected = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        s.destroy()
        resolve(true)
      })
      s.on('error', () => resolve(false))
    })
    assert.equal(connected, false, 'the inspector port is closed')
  } finally {
    await serve.stop()
  }
})

test('a scrape whose body never comes frees its --max-requests slot after the body timeout', async () => {
  const serve = await new ServeProcess(['--max-requests', '1', '--request-timeout', '60s', ...ONLY_ROOT]).ready()
  const held = connect(serve.port, '127.0.0.1')
  let reply = ''
  held.on('data', (d: Buffer) => (reply += d.toString()))
  held.on('error', () => undefined)
  try {
    await new Promise<void>((r) => held.once('connect', () => r()))
    held.write('GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\n')
    // The slot is free again long before --request-timeout (60 s): scrapes are answered.
    await until('a scrape to be served', async () => (await get(`${serve.url}/metrics`)).status === 200)
    await until('the held request to be answered', () => reply !== '')
    assert.match(reply, /^HTTP\/1\.1 408 /)
    assert.match(reply, /request body not received within 2000 ms/)
    let m = (await get(`${serve.url}/metrics`)).body
    assert.equal(metric(m, 'cadv_http_body_timeouts_total'), 1)

    // The same for an API that reads its body itself (cAdvisor's v1 POST): 408, slot freed.
    const post = connect(serve.port, '127.0.0.1')
    let answer = ''
    post.on('data', (d: Buffer) => (answer += d.toString()))
    post.on('error', () => undefined)
    await new Promise<void>((r) => post.once('connect', () => r()))
    post.write('POST /api/v1.3/containers/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{')
    await until('the held POST to be answered', () => answer !== '')
    assert.match(answer, /^HTTP\/1\.1 408 /)
    post.destroy()
    m = (await get(`${serve.url}/metrics`)).body
    assert.equal(metric(m, 'cadv_http_body_timeouts_total'), 2)
    assert.doesNotMatch(serve.stderr, /Premature close|request \/api/)
  } finally {
    held.destroy()
    await serve.stop()
  }
})

test('bad certificates, a device as a certificate, a CR/LF header: one line naming the file, exit 2', {skip: skipTls}, async () => {
  const garbage = join(dir, 'garbage.crt')
  writeFileSync(garbage, 'hello\n')
  const cases: Array<[string, RegExp]> = [
    [
      `tls_server_config:\n  cert_file: ${garbage}\n  key_file: ${pki.serverKey}\n`,
      new RegExp(`cert_file ${garbage}: not a PEM certificate`),
    ],
    [`tls_server_config:\n  cert_file: ${pki.serverCert}\n  key_file: ${pki.clientKey}\n`, /does not belong to cert_file/],
    [
      `tls_server_config:\n  cert_file: /dev/zero\n  key_file: ${pki.serverKey}\n`,
      /cannot read cert_file \/dev\/zero: is a character device, not a regular file/,
    ],
    ['http_server_config:\n  headers:\n    X-Evil: "a\\r\\nb"\n', /"X-Evil" is not a valid header/],
  ]
  for (const [i, [yaml, re]] of cases.entries()) {
    const file = join(dir, `bad-${i}.yml`)
    writeFileSync(file, yaml)
    for (const once of [false, true]) {
      const r = await runCli(['serve', '--listen', '127.0.0.1:0', '--web-config-file', file, ...(once ? ['--once'] : []), ...ONLY_ROOT], {
        timeoutMs: 30_000,
      })
      assert.equal(r.code, 2, r.stderr)
      assert.equal(r.stderr.split('\n').length, 2, r.stderr)
      assert.match(r.stderr, /^cadv serve: web config /)
      assert.match(r.stderr, re)
    }
  }
})
