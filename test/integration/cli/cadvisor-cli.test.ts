// cAdvisor's command lines through the built binaries: the `cadvisor` entry point with cAdvisor's
// own Kubernetes example arguments (in a network namespace of its own, so port 8080 is ours),
// Go's flag syntax on `cadv serve`, --port/--listen_ip/--url_base_prefix/--disable_root_cgroup_stats
// honoured, refused flags as one line and exit 2, -help and -version; every flag of the table
// through the cadvisor binary as `cadvisor -help` documents it (refused, accepted with a notice,
// or taken); the event store's per-type limits in cAdvisor's syntax.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {execFile, spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'

import Serve from '../../../src/commands/serve.js'
import {CADVISOR_FLAGS} from '../../../src/lib/cli/index.js'
import {KUBERNETES_EXAMPLE_ARGS} from '../../helpers/cadvisor-args.js'
import {TestCgroups, realCgroupSkipReason} from '../../helpers/cgroups.js'
import {runCli} from '../../helpers/cli.js'
import {ownLines} from '../../helpers/host-warnings.js'
import {EventStream} from '../../helpers/event-stream.js'
import {ServeProcess} from '../../helpers/serve.js'
import {until} from '../../helpers/wait.js'

const CADVISOR = fileURLToPath(new URL('../../../bin/cadvisor.js', import.meta.url))
const run = promisify(execFile)

function runCadvisor(args: string[]): Promise<{code: number | null; stdout: string; stderr: string}> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CADVISOR, ...args], {timeout: 60_000}, (err, stdout, stderr) => {
      const code = err ? ((err as NodeJS.ErrnoException & {code?: number}).code as unknown as number) : 0
      resolve({code: typeof code === 'number' ? code : 1, stdout, stderr})
    })
  })
}

/** A running `cadvisor`, its stderr, and a way to stop it by pid. */
class Running {
  stderr = ''
  constructor(readonly child: ChildProcess) {
    child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()))
  }
  async listening(): Promise<string> {
    return until(
      'the listening line',
      () => {
        if (this.child.exitCode !== null) throw new Error(`exited ${this.child.exitCode}: ${this.stderr}`)
        return /listening on (\S+)/.exec(this.stderr)?.[1]
      },
      // cadvisor watches the whole host: its first scan of a busy shared host takes a while.
      {timeoutMs: 90_000, detail: () => this.stderr},
    )
  }
  async stop(): Promise<number | null> {
    const c = this.child
    if (c.exitCode !== null || c.signalCode !== null) return c.exitCode
    const done = new Promise<number | null>((r) => c.once('exit', (code) => r(code)))
    c.kill('SIGTERM')
    const killer = setTimeout(() => c.kill('SIGKILL'), 15_000)
    const code = await done
    clearTimeout(killer)
    return code
  }
}

function netnsSkipReason(): string | undefined {
  const why = realCgroupSkipReason()
  if (why) return why
  for (const tool of ['unshare', 'nsenter', 'ip', 'curl'])
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is missing (util-linux, iproute2, curl)`
  const r = spawnSync('unshare', ['--net', 'true'])
  return r.status === 0 ? undefined : 'cannot make a network namespace'
}

describe('cadvisor: the Kubernetes example arguments, unchanged', {skip: netnsSkipReason()}, () => {
  test('start and serve /metrics on port 8080 of every interface', async () => {
    // A network namespace of our own: port 8080 there is free whatever else runs on this host.
    const child = spawn(
      'unshare',
      ['--net', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', process.execPath, CADVISOR, ...KUBERNETES_EXAMPLE_ARGS],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    )
    const c = new Running(child)
    try {
      const url = await c.listening()
      assert.match(url, /^http:\/\/(0\.0\.0\.0|\[::\]):8080\/metrics$/)
      const inside = (path: string) =>
        run('nsenter', ['-t', String(child.pid), '-n', 'curl', '-s', '-w', '\n%{http_code}', `http://127.0.0.1:8080${path}`], {
          maxBuffer: 64 << 20,
        })
      const metrics = await until('/metrics with the root cgroup', async () => {
        const {stdout} = await inside('/metrics')
        return stdout.endsWith('\n200') && /^container_cpu_usage_seconds_total\{[^}]*id="\/"/m.test(stdout) ? stdout : undefined
      })
      assert.match(metrics, /^container_memory_working_set_bytes\{/m)
      assert.equal((await inside('/healthz')).stdout, 'ok\n\n200')
      // event_storage_*=default=0: nothing is kept, the API says so with an empty list.
      assert.equal((await inside('/api/v1.3/events?all_events=true&subcontainers=true')).stdout, '[]\n200')
      // Every flag was honoured: no notice, no refusal; only the open-port warning.
      const lines = ownLines(c.stderr).filter((l) => !/listening on/.test(l))
      // (A line about a metric kind of the example that cadv does not collect would be fair too.)
      assert.ok(
        lines.every((l) => /every interface, without authentication|\b(app|disk)\b/.test(l)),
        c.stderr,
      )
    } finally {
      assert.equal(await c.stop(), 0)
    }
  })
})

describe('cAdvisor flags on the command line', {skip: realCgroupSkipReason()}, () => {
  test('--port, --listen_ip, --url_base_prefix, --disable_root_cgroup_stats are honoured', async () => {
    // A cgroup of our own, and only it watched: a fresh host may have no cgroup but the root with
    // CPU used (cAdvisor, and cadv, leave out a zero cpu="total" series), and a busy host has
    // thousands to scan first. container_last_seen is there for every container, idle or not.
    const tc = new TestCgroups('cadvt-cflags')
    tc.mkdir()
    const c = new Running(
      spawn(
        process.execPath,
        [
          CADVISOR,
          '-listen_ip=127.0.0.1',
          '--port',
          '0',
          '--url_base_prefix=/cadvisor/',
          '-disable_root_cgroup_stats',
          '--housekeeping_interval=500ms',
          `--raw_cgroup_prefix_whitelist=${tc.root}`,
        ],
        {stdio: ['ignore', 'ignore', 'pipe']},
      ),
    )
    try {
      const url = await c.listening()
      const m = /^http:\/\/127\.0\.0\.1:(\d+)\/cadvisor\/metrics$/.exec(url)
      assert.ok(m, url)
      const base = `http://127.0.0.1:${m[1]}`
      assert.equal((await fetch(`${base}/metrics`)).status, 404, 'outside the prefix')
      assert.equal(
        await (await fetch(`${base}/cadvisor/api/v2.0/version`)).json(),
        (await runCli(['--version'])).stdout.match(/^cadv (\d+\.\d+\.\d+) /)?.[1],
      )
      const ours = `container_last_seen{`
      const metrics = await until('our cgroup in /cadvisor/metrics', async () => {
        const text = await (await fetch(`${base}/cadvisor/metrics`)).text()
        return text.split('\n').some((l) => l.startsWith(ours) && l.includes(`id="${tc.root}"`)) ? text : undefined
      })
      assert.doesNotMatch(metrics, /id="\/"[,}]/, 'no root cgroup')
      assert.equal((await fetch(`${base}/cadvisor/api/v1.3/containers/`)).status, 404)
    } finally {
      try {
        assert.equal(await c.stop(), 0)
      } finally {
        await tc.cleanup()
      }
    }
  })

  test("cadv serve takes Go's syntax and cAdvisor's names; a flag that changes nothing says so once", async () => {
    const r = await runCli([
      'serve',
      '--once',
      '-housekeeping_interval',
      '1s',
      '-docker_only',
      '--store_container_labels=false',
      '--log_dir=/var/log/x',
      '--v=2',
    ])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^# HELP container_cpu_usage_seconds_total /m)
    assert.deepEqual(ownLines(r.stderr), [
      'cadv serve: warning: --log_dir: ignored: cadv logs to stderr, as cAdvisor does with its default --logtostderr',
    ])
  })

  test('a flag cadv cannot honour: one line, exit 2, nothing started', async () => {
    const refused = [
      '--http_auth_file=/etc/htpasswd',
      '--profiling',
      '-docker-tls',
      '--logtostderr=false',
      '--container_hints=/etc/hints.json',
      '--boot_id_file=/x',
    ]
    const results = await Promise.all([...refused.map((f) => runCadvisor([f])), ...refused.map((f) => runCli(['serve', '--once', f]))])
    results.forEach((r, i) => {
      const flag = refused[i % refused.length]!
      assert.equal(r.code, 2, `${flag}: ${r.stderr}`)
      assert.equal(r.stdout, '')
      const lines = r.stderr.split('\n').filter(Boolean)
      assert.equal(lines.length, 1, r.stderr)
      assert.match(lines[0]!, new RegExp(`^(cadvisor|cadv serve): ${flag.split('=')[0]}(=\\S+)?: not supported: `))
    })
    const unknown = await runCadvisor(['--bogus_flag=1'])
    assert.equal(unknown.code, 2)
    assert.equal(unknown.stderr, 'cadvisor: flag provided but not defined: --bogus_flag (cadvisor -help lists the flags)\n')
  })

  test('-help lists every cAdvisor flag and what cadv does with it; -version', async () => {
    const help = await runCadvisor(['-help'])
    assert.equal(help.code, 0)
    for (const name of Object.keys(CADVISOR_FLAGS)) assert.match(help.stderr, new RegExp(`^  -${name} `, 'm'), name)
    const version = await runCadvisor(['-version'])
    assert.equal(version.code, 0)
    assert.match(version.stdout, /^cadv \d+\.\d+\.\d+ \(cAdvisor's command line\)\n$/)
  })
})

/** What `cadvisor -help` says cadv does with a flag: take it, accept it with a notice, refuse it. */
function fate(name: string): 'taken' | 'noticed' | 'refused' {
  const use = CADVISOR_FLAGS[name]!.use
  if (!use) return Object.hasOwn(Serve.flags, name.replace(/_/g, '-')) ? 'taken' : 'refused'
  if ('unsupported' in use) return 'refused'
  return 'ignored' in use ? 'noticed' : 'taken'
}

/** A value of the flag's type other than cAdvisor's default, written Go's way. */
function otherThanDefault(name: string): string {
  const f = CADVISOR_FLAGS[name]!
  const value = {
    bool: f.default === 'true' ? 'false' : 'true',
    duration: '7s',
    int: '7',
    uint: '7',
    float: '0.5',
    kinds: 'cpu',
    level: '3',
  }[f.type as string]
  return `--${name}=${value ?? '/nonexistent/x'}`
}

/** Runs at most `n` at a time (each is a process of its own). */
async function inBatches<T, R>(items: T[], n: number, f: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = []
  for (let i = 0; i < items.length; i += n) out.push(...(await Promise.all(items.slice(i, i + n).map(f))))
  return out
}

describe('every cAdvisor flag through the cadvisor binary, as cadvisor -help says', {skip: realCgroupSkipReason()}, () => {
  const names = Object.keys(CADVISOR_FLAGS)

  test('each flag -help calls refused: one line naming it, exit 2, nothing started', async () => {
    const refused = names.filter((n) => fate(n) === 'refused')
    assert.ok(refused.length >= 15, refused.join(' '))
    const results = await inBatches(refused, 4, (n) => runCadvisor([otherThanDefault(n)]))
    results.forEach((r, i) => {
      const name = refused[i]!
      assert.equal(r.code, 2, `${name}: ${r.stderr}`)
      assert.equal(r.stdout, '', name)
      assert.equal(r.stderr.split('\n').filter(Boolean).length, 1, r.stderr)
      assert.match(r.stderr, new RegExp(`^cadvisor: --${name}: (not supported: |cadv has no --)`), name)
    })
  })

  test('the flags -help calls accepted but changing nothing: one warning each, and cadvisor runs', async () => {
    const noticed = names.filter((n) => fate(n) === 'noticed')
    const r = await runCadvisor(['--once', '--raw_cgroup_prefix_whitelist=/nonexistent-cadv', ...noticed.map(otherThanDefault)])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^# HELP machine_cpu_cores /m)
    assert.deepEqual(
      ownLines(r.stderr).map((l) => /^cadvisor: warning: --(\S+?): ignored: ./.exec(l)?.[1] ?? l),
      noticed,
    )
  })

  test('every flag -help calls taken, all at once with values of their own: cadvisor runs with no complaint', async (ctx) => {
    const dir = mkdtempSync(join(tmpdir(), 'cadv-flags-'))
    ctx.after(() => rmSync(dir, {recursive: true, force: true}))
    const perfConfig = join(dir, 'perf.json')
    writeFileSync(perfConfig, JSON.stringify({events: [['context-switches']]}))
    const values: Record<string, string> = {
      listen_ip: '127.0.0.1',
      port: '0',
      prometheus_endpoint: '/prom',
      url_base_prefix: '/cadvisor',
      store_container_labels: 'false',
      whitelisted_container_labels: 'io.kubernetes.pod.name, io.kubernetes.pod.namespace',
      env_metadata_whitelist: 'HOME',
      docker_env_metadata_whitelist: 'LANG',
      containerd_env_metadata_whitelist: 'PATH',
      raw_cgroup_prefix_whitelist: '/nonexistent-cadv',
      disable_metrics: 'tcp,udp',
      enable_metrics: 'cpu,memory,oom_event',
      docker: 'unix:///nonexistent/docker.sock',
      podman: 'unix:///nonexistent/podman.sock',
      containerd: '/nonexistent/containerd.sock',
      'containerd-namespace': 'k8s.io',
      crio_client_timeout: '3s',
      storage_driver: '',
      storage_driver_host: 'localhost:8087',
      storage_driver_db: 'db',
      storage_driver_table: 'tbl',
      storage_driver_user: 'u',
      storage_driver_password: 'p',
      storage_driver_influxdb_retention_policy: 'rp',
      event_storage_age_limit: 'default=1h,oom=72h',
      event_storage_event_limit: 'default=10,oomKill=1000',
      perf_events_config: perfConfig,
      v: '2',
    }
    const taken = names.filter((n) => fate(n) === 'taken' && n !== 'version')
    const args = taken.map((n) => (n in values ? `--${n}=${values[n]}` : otherThanDefault(n)))
    const r = await runCadvisor(['--once', ...args])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^# HELP machine_cpu_cores /m)
    assert.doesNotMatch(r.stderr, /warning: --|not supported|cadv has no/, r.stderr)
  })
})

describe("the event store's limits per type, in cAdvisor's syntax", {skip: realCgroupSkipReason()}, () => {
  test('containerCreation=2 keeps the newest two, default=0 keeps no deletions (streams still get them)', async () => {
    const tc = new TestCgroups('cadvt-evlimit')
    tc.mkdir()
    const serve = await new ServeProcess([
      '--event_storage_event_limit=default=0,containerCreation=2',
      '-event_storage_age_limit',
      'default=24h',
      '--housekeeping_interval=250ms',
      '--raw_cgroup_prefix_whitelist',
      tc.root,
    ]).ready()
    const events = async (query: string): Promise<string[]> =>
      (
        (await (await fetch(`${serve.url}/api/v1.3/events${tc.root}?${query}&subcontainers=true&max_events=-1`)).json()) as Array<{
          container_name: string
        }>
      ).map((e) => e.container_name)
    let stream: EventStream | undefined
    try {
      for (const n of ['a', 'b', 'c']) {
        tc.mkdir(n)
        await until(`${n} created`, async () => (await events('creation_events=true')).includes(tc.name(n)))
      }
      assert.deepEqual(await events('creation_events=true'), [tc.name('b'), tc.name('c')])
      stream = await new EventStream(serve.url, `/api/v1.3/events${tc.root}?stream=true&deletion_events=true&subcontainers=true`).opened()
      tc.rmdir('c')
      await until('the deletion on the stream', () => stream!.events('containerDeletion').length === 1)
      assert.deepEqual(await events('deletion_events=true'), [], 'not stored')
      assert.deepEqual(
        ownLines(serve.stderr).filter((l) => l.includes('warning')),
        [],
      )
    } finally {
      stream?.close()
      await serve.stop()
      await tc.cleanup()
    }
  })
})
