// `cadv serve` as a network service: exporter-toolkit web config (TLS, client certificates,
// bcrypt basic auth, reload on change), --max-requests, --request-timeout and graceful
// shutdown on SIGTERM. All on 127.0.0.1 with certificates made by openssl in the test.
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {request as httpsRequest} from 'node:https'
import {connect, type Socket} from 'node:net'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import bcrypt from 'bcryptjs'

import {runCli} from '../helpers/cli.js'
import {ServeProcess} from '../helpers/serve.js'
import {until} from '../helpers/wait.js'
import {makeTestPki, opensslSkipReason, type TestPki} from '../helpers/tls.js'

const skipTls = opensslSkipReason()
/** These tests need a server, not the machine's cgroups: only `/` is tracked. */
const ONLY_ROOT = ['--raw-cgroup-prefix-whitelist', '/cadv-serve-web-tracks-no-raw-cgroups']
let pki: TestPki
let dir: string

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'cadv-web-'))
  if (!skipTls) pki = makeTestPki()
})

after(() => {
  rmSync(dir, {recursive: true, force: true})
  pki?.cleanup()
})

interface Reply {
  status: number
  body: string
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
}

/** One HTTPS GET with the given client identity; rejects when the server refuses the connection. */
function get(port: number, path: string, opts: {cert?: string; key?: string; auth?: string} = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        ca: pki.read(pki.caCert),
        ...(opts.cert ? {cert: pki.read(opts.cert), key: pki.read(opts.key!)} : {}),
        headers: opts.auth ? {Authorization: opts.auth} : {},
        agent: false,
      },
      (res) => {
        let body = ''
        res.on('data', (d: Buffer) => (body += d.toString()))
        res.on('end', () => resolve({status: res.statusCode ?? 0, body}))
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end()
  })
}

function writeWebConfig(file: string, users: Record<string, string>, clientAuth = 'RequireAndVerifyClientCert'): void {
  const lines = [
    'tls_server_config:',
    `  cert_file: ${pki.serverCert}`,
    `  key_file: ${pki.serverKey}`,
    `  client_auth_type: ${clientAuth}`,
    `  client_ca_file: ${pki.caCert}`,
    'http_server_config:',
    '  headers:',
    '    X-Frame-Options: deny',
    'basic_auth_users:',
    ...Object.entries(users).map(([u, h]) => `  ${u}: ${JSON.stringify(h)}`),
  ]
  writeFileSync(file, `${lines.join('\n')}\n`)
}

test(
  'TLS with client certificates and bcrypt basic auth: the right client in, the wrong ones out; reload on change',
  {skip: skipTls},
  async () => {
    const file = join(dir, 'web.yml')
    writeWebConfig(file, {prom: bcrypt.hashSync('s3cret', 10)})
    const serve = await new ServeProcess(['--web-config-file', file, '--housekeeping-interval', '500ms', ...ONLY_ROOT]).ready()
    try {
      assert.match(serve.url, /^https:/)
      const good = {cert: pki.clientCert, key: pki.clientKey}
      const ok = await get(serve.port, '/metrics', {...good, auth: basic('prom', 's3cret')})
      assert.equal(ok.status, 200)
      assert.match(ok.body, /^container_last_seen\{id="\/"\}/m)
      for (const auth of [basic('prom', 'wrong'), basic('nobody', 's3cret'), undefined]) {
        const denied = await get(serve.port, '/metrics', {...good, ...(auth ? {auth} : {})})
        assert.equal(denied.status, 401)
        assert.equal(denied.body, 'Unauthorized\n', 'a 401 says nothing else')
      }
      assert.equal((await get(serve.port, '/healthz', good)).status, 401, 'every route needs credentials')
      await assert.rejects(
        get(serve.port, '/metrics', {cert: pki.wrongCert, key: pki.wrongKey, auth: basic('prom', 's3cret')}),
        'a client certificate from another CA is refused',
      )
      await assert.rejects(get(serve.port, '/metrics', {auth: basic('prom', 's3cret')}), 'no client certificate is refused')
      // Plain HTTP on the TLS port gets no metrics.
      const plain = await fetch(`http://127.0.0.1:${serve.port}/metrics`).then(
        (r) => r.status,
        () => 0,
      )
      assert.notEqual(plain, 200)

      // Change the password; the file is re-read within about a second.
      writeWebConfig(file, {prom: bcrypt.hashSync('n3w', 10)})
      const accepted = await until(
        'the new password',
        async () => (await get(serve.port, '/healthz', {...good, auth: basic('prom', 'n3w')})).status === 200,
        {timeoutMs: 10_000, everyMs: 200},
      ).catch(() => false)
      assert.ok(accepted, 'new password never accepted')
      assert.equal((await get(serve.port, '/healthz', {...good, auth: basic('prom', 's3cret')})).status, 401)
      writeFileSync(file, 'tls_server_config: [not, a, mapping\n')
      // The file is looked at again at most once a second, by a request: poll until one finds
      // it broken. It is refused: the previous config stays in force (never a config with
      // fewer protections, never nothing at all), and it is said on stderr.
      await until(
        'the broken file to be refused',
        async () => {
          assert.equal((await get(serve.port, '/healthz', good)).status, 401)
          return /the previous config stays in force/.test(serve.stderr)
        },
        {timeoutMs: 10_000, everyMs: 200},
      )
      assert.equal((await get(serve.port, '/healthz', {...good, auth: basic('prom', 'n3w')})).status, 200)
      assert.match(serve.stderr, /web config .*: .*the previous config stays in force/)
    } finally {
      assert.equal(await serve.stop(), 0)
    }
  },
)

test('a bad web config is refused at start with one line and exit 2', async () => {
  const file = join(dir, 'bad.yml')
  writeFileSync(file, 'basic_auth_users:\n  prom: not-a-hash\n')
  const serve = new ServeProcess(['--web-config-file', file])
  await assert.rejects(serve.ready(), /not a bcrypt hash/)
  assert.equal(serve.child.exitCode, 2)
  assert.equal(serve.stderr.trim().split('\n').length, 1)
})

test('rate_limit is applied before the password check: a flood of bad passwords gets 429, not bcrypt', async () => {
  const file = join(dir, 'rate.yml')
  const hash = bcrypt.hashSync('secret', 4)
  // One token an hour after a burst of two: the third request is over the limit whatever the timing.
  writeFileSync(file, `basic_auth_users:\n  prom: "${hash}"\nrate_limit:\n  interval: 1h\n  burst: 2\n`)
  const serve = await new ServeProcess(['--web-config-file', file, ...ONLY_ROOT]).ready()
  try {
    const statuses: number[] = []
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${serve.url}/healthz`, {headers: {Authorization: basic('prom', 'wrong')}})
      statuses.push(res.status)
    }
    assert.deepEqual(statuses, [401, 401, 429])
  } finally {
    await serve.stop()
  }
})

/** Starts a scrape whose request body never finishes arriving: it holds a --max-requests slot. */
function holdScrape(port: number): Promise<{socket: Socket; reply: Promise<string>}> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write('GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\n')
      let data = ''
      const reply = new Promise<string>((r) => {
        socket.on('data', (d: Buffer) => (data += d.toString()))
        socket.on('close', () => r(data))
        socket.on('end', () => r(data))
      })
      // Give the server a moment to take the request in.
      setTimeout(() => resolve({socket, reply}), 300)
    })
    socket.on('error', reject)
  })
}

test('--max-requests: scrapes beyond the limit get 503; a slow request times out', async () => {
  const serve = await new ServeProcess(['--max-requests', '1', '--request-timeout', '2s', ...ONLY_ROOT]).ready()
  try {
    const held = await holdScrape(serve.port)
    const over = await fetch(`${serve.url}/metrics`)
    assert.equal(over.status, 503)
    assert.match(await over.text(), /--max-requests 1/)
    assert.equal((await fetch(`${serve.url}/healthz`)).status, 200, 'the limit is for scrapes only')
    // The held request finishes: its scrape is answered and the slot frees up.
    held.socket.write('hello')
    const reply = await Promise.race([held.reply, new Promise<string>((r) => setTimeout(() => r(''), 3000))]).then(
      async (first) => first || (held.socket.end(), held.reply),
    )
    assert.match(reply, /^HTTP\/1\.1 200/)
    // The refusal is counted, as promhttp counts its own.
    assert.match(reply, /^cadv_metric_handler_requests_total\{code="503"\} 1$/m)
    held.socket.destroy()
    assert.equal((await fetch(`${serve.url}/metrics`)).status, 200)
    // A request that never completes is cut off by --request-timeout.
    const stuck = await holdScrape(serve.port)
    const answer = await Promise.race([stuck.reply, new Promise<string>((r) => setTimeout(() => r('still open'), 10_000))])
    assert.notEqual(answer, 'still open')
    assert.doesNotMatch(answer, /^HTTP\/1\.1 200/)
  } finally {
    await serve.stop()
  }
})

test('SIGTERM: stops listening, lets the scrape in progress finish, exits 0', async () => {
  const serve = await new ServeProcess(['--request-body-timeout', '60s', ...ONLY_ROOT]).ready()
  const exited = new Promise<number | null>((r) => serve.child.once('exit', (code) => r(code)))
  let held: Awaited<ReturnType<typeof holdScrape>> | undefined
  try {
    held = await holdScrape(serve.port)
    // SIGTERM only once the server is serving the held scrape: it is then in flight along
    // with the scrape that asks.
    const inFlight = async (): Promise<number> =>
      Number(/^cadv_metric_handler_requests_in_flight (\d+)/m.exec(await (await fetch(`${serve.url}/metrics`)).text())?.[1] ?? 0)
    await until('the held scrape in flight', async () => (await inFlight()) >= 2, 15_000).catch(() => undefined)
    serve.child.kill('SIGTERM')
    // New connections are refused while the old request is still served: poll until the
    // listener is closed instead of trusting a fixed pause.
    const refused = await until(
      'the listener to close',
      () =>
        fetch(`${serve.url}/healthz`).then(
          () => false,
          () => true,
        ),
      15_000,
    ).catch(() => false)
    assert.ok(refused, 'still accepting connections after SIGTERM')
    assert.equal(serve.child.exitCode, null, 'exited before the held scrape finished')
    held.socket.write('hello')
    const reply = await held.reply
    assert.match(reply, /^HTTP\/1\.1 200/)
    assert.match(reply, /container_last_seen/)
    assert.equal(await exited, 0)
  } finally {
    held?.socket.destroy()
    if (serve.child.exitCode === null) {
      serve.child.kill('SIGKILL')
      await exited
    }
  }
})

test('--listen is repeatable: every address answers', async () => {
  const serve = await new ServeProcess(['--listen', '127.0.0.1:0', '--telemetry-path', '/m', ...ONLY_ROOT]).ready()
  try {
    const listening = () => [...serve.stderr.matchAll(/listening on http:\/\/127\.0\.0\.1:(\d+)\/m/g)].map((m) => Number(m[1]))
    await until('both listeners', () => listening().length >= 2, 5_000).catch(() => undefined)
    const ports = listening()
    assert.equal(ports.length, 2)
    for (const port of ports) {
      const res = await fetch(`http://127.0.0.1:${port}/m`)
      assert.equal(res.status, 200)
      assert.match(await res.text(), /^machine_cpu_cores/m)
    }
    assert.equal((await fetch(`http://127.0.0.1:${ports[0]}/metrics`)).status, 404)
  } finally {
    await serve.stop()
  }
})

test('a port in use: one line, exit 2, before any cgroup is read', async () => {
  const {createServer} = await import('node:net')
  const blocker = createServer()
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()))
  try {
    const port = (blocker.address() as {port: number}).port
    const res = await runCli(['serve', '--listen', `127.0.0.1:${port}`, ...ONLY_ROOT])
    assert.equal(res.code, 2, res.stderr)
    assert.match(res.stderr, /^cadv serve: cannot listen on 127\.0\.0\.1:\d+: address already in use\n$/)
  } finally {
    blocker.close()
  }
})
