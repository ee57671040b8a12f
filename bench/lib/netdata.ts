/*
 * Debian's netdata beside cadv in a benchmark: its cgroups plugin alone (every other plugin,
 * health, ML and the cloud off), on loopback, with a private config, cache, lib and log
 * directory, memory mode "ram" with cadv's 2-minute retention. It reads the benchmark's parent
 * cgroup as its cgroup root in every hierarchy, as the benchmark's cadv serve does through its
 * scoped root (scoped-root.ts): the same cgroups, named the same (`/c0` …), none of the shared
 * machine's others. Stopped by its pid.
 *
 * Why the mount namespace with a /dev/shm of its own: netdata 1.37's cgroups plugin opens a
 * named semaphore and a shared memory segment for its eBPF plugin in /dev/shm, system-wide, and
 * takes the semaphore before its first discovery. A netdata killed while holding it (a
 * benchmark interrupted, a stop that timed out) leaves it taken for good, and every later
 * netdata on the host waits on it for ever: its cgroups plugin never reads a cgroup and the log
 * says nothing. Two benchmarks at once would also share that segment. A private tmpfs there
 * goes away with the process.
 */
import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import type {TestCgroups} from '../../test/helpers/cgroups.js'
import {getText} from './http-text.js'

export const NETDATA = '/usr/sbin/netdata'

export function netdataSkipReason(): string | undefined {
  return existsSync(NETDATA) ? undefined : `${NETDATA} is not installed (apt-get install netdata)`
}

/** The `[plugin:cgroups]` path keys of netdata 1.37 for a v1 host, by the controller each reads. */
const V1_PATHS = ['cpuacct', 'cpuset', 'blkio', 'memory', 'devices'] as const

/** `netdata -v`, for the report. */
export function netdataVersion(): string {
  return spawnSync(NETDATA, ['-v'], {encoding: 'utf8'}).stdout.trim()
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

export class Netdata {
  readonly child: ChildProcess
  readonly url: string
  private readonly dir: string
  private readonly startedAt = performance.now()
  output = ''

  /**
   * `tc` is the benchmark's parent cgroup, read as netdata's root in every hierarchy;
   * `expected` how many cgroups it holds below it; `dir` a private directory.
   */
  constructor(dir: string, tc: TestCgroups, port: number, expected: number) {
    this.dir = dir
    for (const d of ['etc', 'cache', 'lib', 'log']) mkdirSync(join(dir, d), {recursive: true})
    // No anonymous statistics (it would try to reach the internet).
    writeFileSync(join(dir, 'etc', '.opt-out-from-anonymous-statistics'), '')
    // Where the controllers are in v1 hierarchies (v1 or hybrid host) netdata reads those; on a
    // pure v2 host the unified tree. A v1 controller without a hierarchy here gets a directory
    // that does not exist (netdata then leaves its readings out) rather than the host's tree.
    const v1 = tc.hierarchies.filter((h) => h.version === 1)
    const unified = !v1.some((h) => h.controllers.includes('cpuacct'))
    const absent = join(dir, 'absent')
    const paths = unified
      ? [`path to unified cgroups = ${tc.dir(tc.hierarchy('unified'))}`]
      : V1_PATHS.map((c) => {
          const h = v1.find((x) => x.controllers.includes(c))
          return `path to /sys/fs/cgroup/${c} = ${h ? tc.dir(h) : absent}`
        })
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
    // Every cgroup below the root is charted from its first discovery (within "check for new
    // cgroups every", 10 s by default): no renaming script (cgroup-name.sh asks container
    // runtimes for names; these are plain cgroups), and charts even while every value is zero
    // (by default an empty cgroup's CPU and memory charts wait for a non-zero reading, so 900
    // of 1,000 empty cgroups would have none; cadv exposes every container's series).
    const conf = `[global]
	run as user = root
	hostname = cadv-bench
[db]
	mode = ram
	retention = 120
	update every = 1
	enable zero metrics = yes
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
${paths.map((p) => `\t${p}`).join('\n')}
	max cgroups to allow = ${expected + 10}
	enable by default cgroups matching = !/ *
	run script to rename cgroups matching = !*
	enable systemd services = no
`
    writeFileSync(join(dir, 'etc', 'netdata.conf'), conf)
    this.url = `http://127.0.0.1:${port}`
    // unshare execs in place, so the child's pid is netdata's.
    const shm = 'mount -t tmpfs -o mode=1777,size=256m cadv-bench-netdata-shm /dev/shm && exec "$0" "$@"'
    this.child = spawn(
      'unshare',
      ['--mount', '--propagation', 'private', 'sh', '-c', shm, NETDATA, '-D', '-c', join(dir, 'etc', 'netdata.conf')],
      {
        cwd: dir,
        env: {...process.env, DO_NOT_TRACK: '1'},
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    const keep = (d: Buffer): void => {
      this.output = (this.output + d.toString()).slice(-4000)
    }
    this.child.stdout!.on('data', keep)
    this.child.stderr!.on('data', keep)
  }

  /**
   * How many cgroups have a CPU chart (`cgroup_<name>.cpu`). Every cgroup netdata sees is the
   * benchmark's. The chart list is large at 1,000 cgroups and netdata's web server answers in its
   * own process: ask outside a measured window.
   */
  async cgroupCharts(): Promise<number> {
    const text = await getText(`${this.url}/api/v1/charts`)
    const charts = (JSON.parse(text) as {charts: Record<string, unknown>}).charts
    let n = 0
    for (const id of Object.keys(charts)) if (id.startsWith('cgroup_') && id.endsWith('.cpu')) n++
    return n
  }

  /**
   * Waits until `expected` cgroups have a CPU chart, netdata exits, or `timeoutMs` passes.
   * Slow by nature: netdata charts what one discovery pass found only when the whole pass ends,
   * the first pass starts 10 s after its start, and the pass runs its cgroup-network helper
   * (a program and a shell script) once for each new cgroup: over a minute for 1,000 at load 10.
   * Returns the last count and the seconds from netdata's start.
   */
  async waitForCharts(expected: number, timeoutMs: number): Promise<{charted: number; seconds: number}> {
    let charted = 0
    for (;;) {
      await sleep(5000)
      if (this.child.exitCode !== null || this.child.signalCode !== null) break
      charted = await this.cgroupCharts().catch(() => charted)
      if (charted >= expected || performance.now() - this.startedAt > timeoutMs) break
    }
    return {charted, seconds: (performance.now() - this.startedAt) / 1000}
  }

  /** Milliseconds since it was started. */
  ageMs(): number {
    return performance.now() - this.startedAt
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
