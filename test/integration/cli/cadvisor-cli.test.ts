// cAdvisor's command lines through the built binaries: the `cadvisor` entry point with cAdvisor's
// own Kubernetes example arguments (in a network namespace of its own, so port 8080 is ours),
// Go's flag syntax on `cadv serve`, --port/--listen_ip/--url_base_prefix/--disable_root_cgroup_stats
// honoured, refused flags as one line and exit 2, -help and -version.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {execFile, spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'

import {CADVISOR_FLAGS} from '../../../src/lib/cli/index.js'
import {KUBERNETES_EXAMPLE_ARGS} from '../../helpers/cadvisor-args.js'
import {realCgroupSkipReason} from '../../helpers/cgroups.js'
import {runCli} from '../../helpers/cli.js'
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
      const lines = c.stderr.split('\n').filter((l) => l && !/listening on/.test(l))
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
      await until('a container in /cadvisor/metrics', async () =>
        /^container_cpu_usage_seconds_total\{/m.test(await (await fetch(`${base}/cadvisor/metrics`)).text()),
      )
      assert.doesNotMatch(await (await fetch(`${base}/cadvisor/metrics`)).text(), /id="\/"[,}]/, 'no root cgroup')
      assert.equal((await fetch(`${base}/cadvisor/api/v1.3/containers/`)).status, 404)
    } finally {
      assert.equal(await c.stop(), 0)
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
    assert.deepEqual(r.stderr.split('\n').filter(Boolean), [
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
