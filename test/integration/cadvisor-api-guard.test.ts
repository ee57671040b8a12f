// cAdvisor's REST API sits behind what guards every path of `cadv serve`: the web config's
// basic auth, TLS with client certificates and rate limit, and --max-requests shared with the
// scrapes (an open event stream holds its slot; over TLS it still delivers as things happen).
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {request} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import bcrypt from 'bcryptjs'

import {cadvisorShapeProblems} from '../helpers/cadvisor-schema.js'
import {TestCgroups, realCgroupSkipReason} from '../helpers/cgroups.js'
import {EventStream} from '../helpers/event-stream.js'
import {get} from '../helpers/http-client.js'
import {ServeProcess} from '../helpers/serve.js'
import {makeTestPki, opensslSkipReason} from '../helpers/tls.js'
import {until} from '../helpers/wait.js'

const skip = realCgroupSkipReason()

test('basic auth of the web config covers the API; --max-requests counts an open stream', {skip}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cadv-api-guard-'))
  const config = join(dir, 'web.yml')
  writeFileSync(config, `basic_auth_users:\n  prom: ${bcrypt.hashSync('s3cret', 10)}\n`)
  const serve = await new ServeProcess([
    '--web-config-file',
    config,
    '--max-requests',
    '1',
    '--raw-cgroup-prefix-whitelist',
    '/nonexistent-prefix',
  ]).ready()
  const auth = `Basic ${Buffer.from('prom:s3cret').toString('base64')}`
  let stream: ReturnType<typeof request> | undefined
  try {
    assert.equal((await fetch(`${serve.url}/api/v2.0/version`)).status, 401)
    assert.equal((await fetch(`${serve.url}/api/v2.0/version`, {headers: {authorization: auth}})).status, 200)
    // A stream holds the one slot until it closes.
    let open = false
    stream = request(`${serve.url}/api/v1.3/events?stream=true&all_events=true`, {headers: {authorization: auth}}, (res) => {
      open = res.statusCode === 200
      res.resume()
    })
    stream.on('error', () => undefined)
    stream.end()
    await until('the stream to open', () => open)
    const busy = await fetch(`${serve.url}/api/v2.0/version`, {headers: {authorization: auth}})
    assert.equal(busy.status, 503)
    assert.deepEqual(await busy.json(), {error: 'too many concurrent requests (--max-requests 1)', status: 503})
    assert.equal((await fetch(`${serve.url}/metrics`, {headers: {authorization: auth}})).status, 503, 'scrapes share the limit')
    stream.destroy()
    await until(
      'the slot freed',
      async () => (await fetch(`${serve.url}/api/v2.0/version`, {headers: {authorization: auth}})).status === 200,
    )
  } finally {
    stream?.destroy()
    await serve.stop()
    rmSync(dir, {recursive: true, force: true})
  }
})

test(
  'TLS with client certificates and rate_limit cover the API; an event stream over TLS delivers as it happens',
  {skip: skip ?? opensslSkipReason()},
  async () => {
    const pki = makeTestPki()
    const tc = new TestCgroups('cadvt-apitls')
    tc.mkdir()
    const config = join(pki.dir, 'web.yml')
    // A burst of 5, then one request an hour: the sixth is over the limit whatever the timing.
    writeFileSync(
      config,
      `tls_server_config:\n  cert_file: ${pki.serverCert}\n  key_file: ${pki.serverKey}\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ${pki.caCert}\nrate_limit:\n  interval: 1h\n  burst: 5\n`,
    )
    const serve = await new ServeProcess([
      '--web-config-file',
      config,
      '--housekeeping-interval',
      '250ms',
      '--raw-cgroup-prefix-whitelist',
      tc.root,
    ]).ready()
    const tls = {ca: pki.read(pki.caCert), cert: pki.read(pki.clientCert), key: pki.read(pki.clientKey)}
    let stream: EventStream | undefined
    try {
      assert.match(serve.url, /^https:/)
      // 1: the stream.
      stream = await new EventStream(serve.url, `/api/v1.3/events${tc.root}?stream=true&creation_events=true&subcontainers=true`, {
        tls,
      }).opened()
      assert.equal(stream.status, 200)
      tc.mkdir('late')
      const created = await until('the creation on the TLS stream', () =>
        stream!.events('containerCreation').find((e) => e.container_name === tc.name('late')),
      )
      assert.deepEqual(cadvisorShapeProblems(created, 'Event', 'v1'), [])
      // 2-5: within the burst.
      for (const path of [
        '/api/v2.0/version',
        '/api/v1.3/machine',
        `/api/v2.0/spec${tc.root}`,
        `/api/v1.3/events${tc.root}?all_events=true`,
      ])
        assert.equal((await get(`${serve.url}${path}`, {tls})).status, 200, path)
      // 6: over it.
      assert.equal((await get(`${serve.url}/api/v2.0/version`, {tls})).status, 429)
      // Without a client certificate, or without TLS: no answer at all.
      await assert.rejects(get(`${serve.url}/api/v2.0/version`, {tls: {ca: tls.ca}}))
      await assert.rejects(get(`http://127.0.0.1:${serve.port}/api/v2.0/version`))
    } finally {
      stream?.close()
      await serve.stop()
      await tc.cleanup()
      pki.cleanup()
    }
  },
)
