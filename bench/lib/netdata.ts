/*
 * Debian's netdata beside cadv in a benchmark: its cgroups plugin alone (every other plugin,
 * health, ML and the cloud off), on loopback, with a private config, cache, lib and log
 * directory, memory mode "ram" with cadv's 2-minute retention, and only the benchmark's cgroups
 * enabled (netdata still walks the whole tree to find them, as cadv watches the whole tree).
 * Stopped by its pid.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {existsSync, mkdirSync, readFileSync, statfsSync, writeFileSync} from 'node:fs'
import {get} from 'node:http'
import {join} from 'node:path'

export const NETDATA = '/usr/sbin/netdata'

export function netdataSkipReason(): string | undefined {
  return existsSync(NETDATA) ? undefined : `${NETDATA} is not installed (apt-get install netdata)`
}

function getText(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let text = ''
      res.on('data', (d: Buffer) => (text += d.toString()))
      res.on('end', () => resolve(text))
    }).on('error', reject)
  })
}

export class Netdata {
  readonly child: ChildProcess
  readonly url: string
  private readonly dir: string
  output = ''

  /**
   * `root` is the benchmark's parent cgroup (`/cadvb-…`); `dir` a private directory. netdata
   * counts every cgroup it finds on the host against `maxCgroups`, enabled or not.
   */
  constructor(dir: string, root: string, port: number, maxCgroups: number) {
    this.dir = dir
    // On a hybrid host the controllers are in the v1 hierarchies (netdata 1.37 picks the empty
    // unified tree there by itself); only a pure v2 host is read as unified.
    const unified = statfsSync('/sys/fs/cgroup').type === 0x63677270
    for (const d of ['etc', 'cache', 'lib', 'log']) mkdirSync(join(dir, d), {recursive: true})
    const off = [
      'proc',
      'diskspace',
      'tc',
      'idlejitter',
      'apps',
      'python.d',
      'charts.d',
      'go.d',
      'node.d',
      'ebpf',
      'statsd',
      'timex',
      'checks',
      'perf',
      'slabinfo',
      'fping',
      'ioping',
      'cups',
      'freeipmi',
      'nfacct',
      'xenstat',
    ]
    const conf = `[global]
	run as user = root
	hostname = cadv-bench
[db]
	mode = ram
	retention = 120
	update every = 1
[directories]
	config = ${dir}/etc
	stock config = /usr/lib/netdata/conf.d
	cache = ${dir}/cache
	lib = ${dir}/lib
	home = ${dir}/lib
	log = ${dir}/log
[logs]
	debug log = ${dir}/log/debug.log
	error log = ${dir}/log/error.log
	access log = none
[web]
	bind to = 127.0.0.1:${port}
[plugins]
${off.map((p) => `\t${p} = no`).join('\n')}
	cgroups = yes
[health]
	enabled = no
[ml]
	enabled = no
[cloud]
	statistics = no
[plugin:cgroups]
	update every = 1
	use unified cgroups = ${unified ? 'yes' : 'no'}
	max cgroups to allow = ${maxCgroups}
	enable by default cgroups matching = ${root}/* !*
	run script to rename cgroups matching = !*
`
    writeFileSync(join(dir, 'etc', 'netdata.conf'), conf)
    this.url = `http://127.0.0.1:${port}`
    this.child = spawn(NETDATA, ['-D', '-c', join(dir, 'etc', 'netdata.conf')], {cwd: dir, stdio: ['ignore', 'pipe', 'pipe']})
    const keep = (d: Buffer): void => {
      this.output = (this.output + d.toString()).slice(-4000)
    }
    this.child.stdout!.on('data', keep)
    this.child.stderr!.on('data', keep)
  }

  /** How many cgroups under `root` have a CPU chart. */
  async cgroupCharts(label: string): Promise<number> {
    const text = await getText(`${this.url}/api/v1/charts`)
    const charts = (JSON.parse(text) as {charts: Record<string, unknown>}).charts
    const ids = new Set<string>()
    for (const id of Object.keys(charts)) if (id.startsWith('cgroup_') && id.includes(label)) ids.add(id.slice(0, id.indexOf('.')))
    return ids.size
  }

  /** The end of its error log, for a failure message. */
  logTail(): string {
    try {
      return readFileSync(join(this.dir, 'log', 'error.log'), 'utf8')
        .split('\n')
        .slice(-15)
        .join('\n')
    } catch {
      return this.output
    }
  }

  async stop(): Promise<void> {
    const c = this.child
    if (c.exitCode !== null || c.signalCode !== null) return
    const exited = new Promise((r) => c.once('exit', r))
    c.kill('SIGTERM')
    const timer = setTimeout(() => c.kill('SIGKILL'), 15_000)
    await exited
    clearTimeout(timer)
  }
}
