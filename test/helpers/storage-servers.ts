/*
 * Real storage backends for tests, each on 127.0.0.1 with free ports and a private temporary
 * directory: redis-server (append-only file, so a restart keeps what it had), Debian's influxd
 * 1.x (reporting off), and Etsy's statsd daemon from npm (its admin port answers `gauges`).
 * Started and stopped by pid; stop() then start() brings one back on the same ports and data,
 * which is how the outage tests take a backend away.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {connect} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {createClient} from '@redis/client'

import {freePort} from './prometheus.js'
import {until} from './wait.js'

const STATSD = fileURLToPath(new URL('../../node_modules/statsd/stats.js', import.meta.url))

export function redisSkipReason(): string | undefined {
  return existsSync('/usr/bin/redis-server') ? undefined : 'redis-server is not installed (Debian package redis-server)'
}
export function influxdSkipReason(): string | undefined {
  return existsSync('/usr/bin/influxd') ? undefined : 'influxd is not installed (Debian package influxdb)'
}
export function statsdSkipReason(): string | undefined {
  return existsSync(STATSD) ? undefined : 'the statsd daemon is not installed (npm devDependency statsd)'
}

/** One server process: started with a command line, stopped by pid (SIGTERM, then SIGKILL). */
abstract class TestServer {
  protected child?: ChildProcess
  readonly dir = mkdtempSync(join(tmpdir(), 'cadv-storage-'))
  log = ''

  protected abstract command(): [string, string[]]
  protected abstract ready(): Promise<boolean>
  abstract readonly name: string

  async start(): Promise<void> {
    const [cmd, args] = this.command()
    const child = spawn(cmd, args, {stdio: ['ignore', 'pipe', 'pipe']})
    this.child = child
    const keep = (d: Buffer): void => {
      this.log = (this.log + d.toString()).slice(-20_000)
    }
    child.stdout!.on('data', keep)
    child.stderr!.on('data', keep)
    try {
      await until(
        `${this.name} to start`,
        async () => {
          if (child.exitCode !== null) throw new Error(`${this.name} exited ${child.exitCode}: ${this.log.slice(-2000)}`)
          return this.ready().catch(() => false)
        },
        30_000,
      )
    } catch (err) {
      await this.stop()
      throw err
    }
  }

  get pid(): number | undefined {
    return this.child?.pid
  }

  async stop(): Promise<void> {
    const c = this.child
    if (!c || c.exitCode !== null || c.signalCode !== null) return
    const exited = new Promise((r) => c.once('exit', r))
    c.kill('SIGTERM')
    const timer = setTimeout(() => c.kill('SIGKILL'), 10_000)
    await exited
    clearTimeout(timer)
  }

  /** Freezes or thaws the server (a backend that accepts connections and never answers). */
  signal(sig: 'SIGSTOP' | 'SIGCONT'): void {
    this.child?.kill(sig)
  }

  async remove(): Promise<void> {
    this.signal('SIGCONT')
    await this.stop()
    rmSync(this.dir, {recursive: true, force: true})
  }
}

export class TestRedis extends TestServer {
  readonly name = 'redis-server'
  port = 0

  static async create(): Promise<TestRedis> {
    const r = new TestRedis()
    r.port = await freePort()
    return r
  }

  protected command(): [string, string[]] {
    return [
      '/usr/bin/redis-server',
      [
        '--bind',
        '127.0.0.1',
        '--port',
        String(this.port),
        '--dir',
        this.dir,
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--daemonize',
        'no',
      ],
    ]
  }

  protected async ready(): Promise<boolean> {
    return (await this.command1(['PING'])) === 'PONG'
  }

  /** One command on a fresh connection (tests read rarely). */
  async command1(args: string[]): Promise<unknown> {
    const c = createClient({url: `redis://127.0.0.1:${this.port}`, socket: {reconnectStrategy: false, connectTimeout: 2000}})
    c.on('error', () => undefined)
    await c.connect()
    try {
      return await c.sendCommand(args)
    } finally {
      c.destroy()
    }
  }

  /** A list, oldest pushed first. */
  async list(key: string): Promise<string[]> {
    const newestFirst = (await this.command1(['LRANGE', key, '0', '-1'])) as string[]
    return newestFirst.reverse()
  }
}

export class TestInfluxd extends TestServer {
  readonly name = 'influxd'
  httpPort = 0
  private rpcPort = 0

  static async create(options: {auth?: boolean} = {}): Promise<TestInfluxd> {
    const s = new TestInfluxd()
    s.httpPort = await freePort()
    s.rpcPort = await freePort()
    writeFileSync(
      join(s.dir, 'influxdb.conf'),
      [
        'reporting-disabled = true',
        `bind-address = "127.0.0.1:${s.rpcPort}"`,
        '[meta]',
        `  dir = "${s.dir}/meta"`,
        '[data]',
        `  dir = "${s.dir}/data"`,
        `  wal-dir = "${s.dir}/wal"`,
        '  query-log-enabled = false',
        '[http]',
        `  bind-address = "127.0.0.1:${s.httpPort}"`,
        '  log-enabled = false',
        `  auth-enabled = ${options.auth === true}`,
        '[monitor]',
        '  store-enabled = false',
        '[continuous_queries]',
        '  enabled = false',
        '',
      ].join('\n'),
    )
    return s
  }

  get address(): string {
    return `127.0.0.1:${this.httpPort}`
  }

  protected command(): [string, string[]] {
    return ['/usr/bin/influxd', ['-config', join(this.dir, 'influxdb.conf')]]
  }

  protected async ready(): Promise<boolean> {
    return (await fetch(`http://${this.address}/ping`)).status === 204
  }

  /** An InfluxQL query; the first statement's series. */
  async query(
    q: string,
    db = 'cadvisor',
    auth = '',
  ): Promise<Array<{name: string; columns: string[]; values: unknown[][]; tags?: Record<string, string>}>> {
    const res = await fetch(`http://${this.address}/query?db=${db}&epoch=ms${auth}`, {
      method: 'POST',
      headers: {'Content-Type': 'application/x-www-form-urlencoded'},
      body: new URLSearchParams({q}),
    })
    const body = (await res.json()) as {
      error?: string
      results?: Array<{error?: string; series?: Array<{name: string; columns: string[]; values: unknown[][]}>}>
    }
    const err = body.error ?? body.results?.[0]?.error
    if (err) throw new Error(`influx ${q}: ${err}`)
    return body.results?.[0]?.series ?? []
  }
}

export class TestStatsd extends TestServer {
  readonly name = 'statsd'
  port = 0
  mgmtPort = 0

  static async create(): Promise<TestStatsd> {
    const s = new TestStatsd()
    s.port = await freePort()
    s.mgmtPort = await freePort()
    writeFileSync(
      join(s.dir, 'config.js'),
      `{port: ${s.port}, address: '127.0.0.1', mgmt_port: ${s.mgmtPort}, mgmt_address: '127.0.0.1', backends: [], flushInterval: 1000}\n`,
    )
    return s
  }

  protected command(): [string, string[]] {
    return [process.execPath, [STATSD, join(this.dir, 'config.js')]]
  }

  protected async ready(): Promise<boolean> {
    return (await this.admin('health')).includes('up')
  }

  /** One admin command's answer, up to its END line. */
  admin(command: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const sock = connect(this.mgmtPort, '127.0.0.1')
      let out = ''
      const timer = setTimeout(() => sock.destroy(new Error('statsd admin: no answer')), 5000)
      sock.on('connect', () => sock.write(`${command}\n`))
      sock.on('data', (d) => {
        out += d.toString()
        if (/END\n\n$/.test(out) || (command === 'health' && out.includes('\n'))) sock.end()
      })
      sock.on('close', () => {
        clearTimeout(timer)
        resolve(out)
      })
      sock.on('error', (err) => {
        clearTimeout(timer)
        reject(err)
      })
    })
  }

  /** The gauges statsd holds, by (sanitized) key. */
  async gauges(): Promise<Map<string, number>> {
    const text = await this.admin('gauges')
    const out = new Map<string, number>()
    for (const m of text.matchAll(/'([^']+)':\s*(-?[\d.e+]+)/g)) out.set(m[1]!, Number(m[2]))
    return out
  }
}
