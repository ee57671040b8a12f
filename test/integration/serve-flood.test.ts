// `cadv serve` stays reachable for an authorised client under floods, on loopback and bounded
// to a few seconds each: wrong passwords from another address (the rate limit is per client,
// bcrypt runs off the event loop) and idle connections past the descriptor limit (connection
// caps, a descriptor reserve for cgroup reads). 127.0.0.2 stands for the attacker.
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {spawn, type ChildProcess} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import bcrypt from 'bcryptjs'

import {TestCgroups, realCgroupSkipReason} from '../helpers/cgroups.js'
import {CADV} from '../helpers/cli.js'
import {basic, get, idleConnections, stillOpen} from '../helpers/http-client.js'
import {ServeProcess} from '../helpers/serve.js'
import {until} from '../helpers/wait.js'

const ONLY_ROOT = ['--raw-cgroup-prefix-whitelist', '/cadv-serve-flood-tracks-no-raw-cgroups']
let dir: string

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'cadv-flood-'))
})
after(() => rmSync(dir, {recursive: true, force: true}))

test('a flood of wrong passwords from another address: the authorised client is never limited nor refused', async () => {
  const file = join(dir, 'web.yml')
  writeFileSync(file, `basic_auth_users:\n  prom: "${bcrypt.hashSync('s3cret', 8)}"\nrate_limit:\n  interval: 1s\n  burst: 5\n`)
  const serve = await new ServeProcess(['--web-config-file', file, ...ONLY_ROOT]).ready()
  const good = basic('prom', 's3cret')
  try {
    assert.equal((await get(`${serve.url}/healthz`, {auth: good})).status, 200)
    const attacker: number[] = []
    let stop = false
    const flood = async (from: string): Promise<void> => {
      for (let i = 0; !stop && i < 40; i++) {
        const r = await get(`${serve.url}/metrics`, {auth: basic(i % 2 ? 'prom' : 'admin', `guess${i}`), localAddress: from}).catch(() => ({
          status: 0,
        }))
        attacker.push(r.status)
      }
    }
    // 20 at a time from 127.0.0.2, and a few from the authorised client's own address.
    const floods = [...Array.from({length: 20}, () => flood('127.0.0.2')), flood('127.0.0.1'), flood('127.0.0.1')]
    const mine: number[] = []
    for (let i = 0; i < 20; i++) mine.push((await get(`${serve.url}/healthz`, {auth: good})).status)
    stop = true
    await Promise.all(floods)
    assert.deepEqual(new Set(mine), new Set([200]), `authorised client got ${mine.join(',')}`)
    assert.ok(attacker.includes(429), 'the flood is rate limited')
    assert.ok(!attacker.includes(200), 'no wrong password got in')
  } finally {
    await serve.stop()
  }
})

/** `cadv serve` with an open-file limit of `limit` (soft and hard: Node raises the soft one to the hard one). */
class LimitedServe {
  readonly child: ChildProcess
  stderr = ''
  url = ''
  port = 0

  constructor(limit: number, args: string[]) {
    this.child = spawn(
      'sh',
      ['-c', `ulimit -n ${limit} && exec "$@"`, 'sh', process.execPath, CADV, 'serve', '--listen', '127.0.0.1:0', ...args],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    )
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()))
  }

  async ready(): Promise<this> {
    const m = await until(
      'cadv serve to listen',
      () => {
        if (this.child.exitCode !== null) throw new Error(`cadv serve exited ${this.child.exitCode}: ${this.stderr}`)
        return /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(this.stderr) ?? undefined
      },
      // As test/helpers/serve.ts: node's start and the scan of a busy shared host can take most of a minute.
      60_000,
    )
    this.port = Number(m[1])
    this.url = `http://127.0.0.1:${this.port}`
    return this
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()))
    this.child.kill('SIGTERM')
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000)
    await exited
    clearTimeout(timer)
  }
}

const skipCgroups = realCgroupSkipReason()

test('1,100 idle connections with a 1,024 descriptor limit: /healthz answers, and a new cgroup is seen at once', async () => {
  const t = skipCgroups ? undefined : new TestCgroups('cadvflood')
  const args = t ? ['--raw-cgroup-prefix-whitelist', t.root, '--housekeeping-interval', '200ms'] : ONLY_ROOT
  // Enough containers that kept cgroup files fill their share of the descriptors.
  if (t) for (let i = 0; i < 60; i++) t.mkdir(`c${i}`)
  const serve = await new LimitedServe(1024, args).ready()
  let sockets: Awaited<ReturnType<typeof idleConnections>> = []
  try {
    if (t)
      await until(
        'the containers to be tracked',
        async () => (await get(`${serve.url}/api/v1/containers`)).body.includes(`"${t.name('c59')}"`),
        30_000,
      )
    sockets = await idleConnections(serve.port, 1100)
    const statuses: number[] = []
    for (let i = 0; i < 20; i++)
      statuses.push(
        await get(`${serve.url}/healthz`).then(
          (r) => r.status,
          () => 0,
        ),
      )
    assert.deepEqual(new Set(statuses), new Set([200]), `/healthz: ${statuses.join(',')}`)
    const m = (await get(`${serve.url}/metrics`)).body
    const open = Number(/^cadv_http_connections (\d+)/m.exec(m)?.[1])
    const max = Number(/^cadv_http_connections_max (\d+)/m.exec(m)?.[1])
    assert.ok(open <= max && max < 1024, `${open} open, cap ${max}`)
    assert.ok(stillOpen(sockets) <= max, 'idle connections past the cap were closed')
    if (t) {
      // Created while the idle connections are held: seen by its inotify event, not a rescan.
      t.mkdir('new')
      await until('the new cgroup', async () => (await get(`${serve.url}/api/v1/containers`)).body.includes(`"${t.name('new')}"`))
    }
    assert.doesNotMatch(serve.stderr, /EMFILE|out of file descriptors/)
  } finally {
    for (const s of sockets) s.destroy()
    await serve.stop()
    await t?.cleanup()
  }
})

test('--max-connections-per-client: one address cannot hold more, and the oldest idle one goes first', async () => {
  const serve = await new ServeProcess(['--max-connections-per-client', '4', ...ONLY_ROOT]).ready()
  let sockets: Awaited<ReturnType<typeof idleConnections>> = []
  try {
    sockets = await idleConnections(serve.port, 10)
    await until('idle connections over the cap to be closed', () => stillOpen(sockets) <= 4)
    assert.equal(
      (await get(`${serve.url}/healthz`, {localAddress: '127.0.0.2'})).status,
      200,
      'a new one from the same address still gets in',
    )
    const m = (await get(`${serve.url}/metrics`)).body
    assert.ok(Number(/^cadv_http_connections_closed_total\{reason="evicted"\} (\d+)/m.exec(m)?.[1]) >= 6, m.slice(0, 200))
  } finally {
    for (const s of sockets) s.destroy()
    await serve.stop()
  }
})
