// The cost of each metric kind per container per housekeeping tick, against a C program doing
// the same system calls (open/read/close of the same files, readdir and readlink where the kind
// does them) in the same run; then cAdvisor's default set and the full set of 22 kinds; then
// the disk kind's background walk of 1,000 writable layers and the event-loop delay while it
// runs. 1,000 real test cgroups, 100 of them with a process in a network namespace of its own
// (so tcp, udp and advtcp read a namespace that is not the host's). Needs root.
//
// perf_event counts in a perf(1) child: its CPU and cadv's share (parsing perf's lines, the
// reads) are measured over 10 s of counting two software events for every cgroup.
//
//   npm run bench -- kinds          (BENCH_CGROUPS=1000 BENCH_ROUNDS=10 BENCH_REPEATS=3)
import {spawnSync} from 'node:child_process'
import fs, {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {syncBuiltinESMExports} from 'node:module'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {monitorEventLoopDelay} from 'node:perf_hooks'
import {fileURLToPath} from 'node:url'

import {selectHierarchies, unifiedHierarchy} from '../src/lib/cgroups/index.js'
import {
  ALL_KINDS,
  ContainerCollector,
  controllerHierarchies,
  controllersForKinds,
  DiskUsage,
  KINDS,
  selectKinds,
  type KindDefinition,
  type KindOptions,
  type MetricKind,
} from '../src/lib/stats/index.js'
import {PerfCounter} from '../src/lib/stats/kinds/perf/counter.js'
import {TestCgroups, realCgroupSkipReason} from '../test/helpers/cgroups.js'
import {cleanupOnInterrupt, once} from './lib/interrupt.js'
import {cReaderCpuNs, collectRoundsCpuNs, ownCpuNs} from './lib/c-reader.js'
import {RecordingFiles} from './lib/recording-files.js'

const N = Number(process.env.BENCH_CGROUPS ?? 1000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10)
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3)
const WITH_PROCESS_EVERY = 10

const skip = realCgroupSkipReason()
if (skip) {
  console.log(`kinds bench skipped: ${skip}`)
  process.exit(0)
}

/** What one tick did, in the C baseline's list syntax. */
let recording: string[] | undefined

// readdir and readlink happen through node:fs directly (descriptors, sub-cgroups): recorded by
// wrapping them; syncBuiltinESMExports makes the readers' named imports see the wrappers.
const realReaddir = fs.readdirSync
const realReadlink = fs.readlinkSync
fs.readdirSync = function (this: unknown, ...args: Parameters<typeof realReaddir>) {
  recording?.push(`D\t${String(args[0])}`)
  return realReaddir.apply(this, args)
} as typeof realReaddir
fs.readlinkSync = function (this: unknown, ...args: Parameters<typeof realReadlink>) {
  recording?.push(`L\t${String(args[0])}`)
  return realReadlink.apply(this, args)
} as typeof realReadlink
syncBuiltinESMExports()

const fmt = (n: number, d = 1): string => n.toFixed(d)
const best = (xs: number[]): number => Math.min(...xs)

const tmp = mkdtempSync(join(tmpdir(), 'cadv-bench-kinds-'))
const tc = new TestCgroups('cadvb-kinds')
const cleanup = once(async () => {
  await tc.cleanup()
  rmSync(tmp, {recursive: true, force: true})
})
cleanupOnInterrupt('kinds bench', tc.root, cleanup)
const layout = tc.layout
const all = selectKinds([...ALL_KINDS])
const hierarchies = [
  ...new Set([...selectHierarchies(layout, controllersForKinds(all)), ...[unifiedHierarchy(layout)].filter((h) => h !== undefined)]),
]

try {
  tc.mkdir('', hierarchies)
  const names: string[] = []
  for (let i = 0; i < N; i++) {
    tc.mkdir(`c${i}`, hierarchies)
    names.push(tc.name(`c${i}`))
  }
  for (let i = 0; i < N; i += WITH_PROCESS_EVERY) tc.spawnIn(`c${i}`, 'unshare', ['--net', 'sleep', '3600'])
  await new Promise((r) => setTimeout(r, 1000))
  const bin = join(tmp, 'read-files')
  const cc = spawnSync('gcc', ['-O2', '-o', bin, fileURLToPath(new URL('baseline/read-files.c', import.meta.url))], {encoding: 'utf8'})
  if (cc.status !== 0) throw new Error(`gcc failed: ${cc.stderr}`)
  const shared = controllerHierarchies(layout)

  /** cadv's and C's CPU per container per tick for a set of kinds, best of REPEATS alternating runs. */
  const measure = (kinds: ReadonlySet<MetricKind>, kindOptions: KindOptions = {}): {cadv: number; c: number; ops: number} => {
    const files = new RecordingFiles(16384)
    files.onRead = (path, _keep, found) => {
      if (found) recording?.push(path)
    }
    // Every kind's files read at every tick (quietParts: false), as the C reader reads them.
    const collectors = names.map(
      (name) => new ContainerCollector(name, {layout, kinds, files, hierarchies: shared, kindOptions, quietParts: false}),
    )
    let now = Date.now()
    for (const c of collectors) c.readSpec(now)
    // One tick to open what is kept open, then one recorded: what a steady tick does.
    now += 1000
    for (const c of collectors) c.collect(now)
    recording = []
    now += 1000
    for (const c of collectors) c.collect(now)
    const ops = recording
    recording = undefined
    const list = join(tmp, 'ops')
    writeFileSync(list, ops.join('\n') + '\n')
    const runC = (): number => cReaderCpuNs(bin, list, ROUNDS, false) / (ROUNDS * N)
    const runCadv = (): number => {
      const ns = collectRoundsCpuNs(collectors, ROUNDS, now)
      now += ROUNDS * 1000
      return ns / (ROUNDS * N)
    }
    const c: number[] = []
    const js: number[] = []
    for (let k = 0; k < REPEATS; k++) {
      c.push(runC())
      js.push(runCadv())
    }
    for (const col of collectors) col.close()
    files.closeAll()
    return {cadv: best(js), c: best(c), ops: ops.length / N}
  }

  console.log(
    `${N} cgroups in ${hierarchies.map((h) => h.id).join(' ')}, ${N / WITH_PROCESS_EVERY} with a process in its own network namespace`,
  )
  console.log(`\nCPU per container per tick (best of ${REPEATS} alternating runs, ${ROUNDS} rounds × ${N}):`)
  console.log('| kinds | operations per container | cadv µs | C µs (same calls, no parsing) | cadv / C |')
  console.log('|---|---|---|---|---|')
  const row = (label: string, kinds: ReadonlySet<MetricKind>, options?: KindOptions): void => {
    const m = measure(kinds, options)
    // A kind that made no system call (disk: its walks are measured below) has no ratio.
    const ratio = m.ops > 0 ? `${fmt(m.cadv / m.c, 2)}×` : '–'
    console.log(`| ${label} | ${fmt(m.ops)} | ${fmt(m.cadv / 1000, 2)} | ${fmt(m.c / 1000, 2)} | ${ratio} |`)
  }
  for (const kind of ALL_KINDS) {
    const def = KINDS[kind] as KindDefinition
    if (!def.reader) continue
    // Named alone, as in --enable-metrics cpuLoad: its task reader is on.
    row(`\`${kind}\``, new Set([kind]), {loadReader: true})
  }
  row("cAdvisor's default set (as `cadv serve` reads it)", selectKinds())
  row('all 22 kinds (cpuLoad on)', all, {loadReader: true})

  // --- The disk kind's walker: 1,000 layers of 20 files each, walked once, concurrency 2.
  const layers = join(tmp, 'layers')
  for (let i = 0; i < N; i++) {
    mkdirSync(join(layers, `l${i}/etc`), {recursive: true})
    for (let f = 0; f < 20; f++) writeFileSync(join(layers, `l${i}/etc/f${f}`), 'x'.repeat(4096))
  }
  const delay = monitorEventLoopDelay({resolution: 1})
  delay.enable()
  const start = ownCpuNs()
  const t0 = performance.now()
  await new Promise<void>((resolve) => {
    let left = N
    const usage = new DiskUsage({intervalMs: 3_600_000, concurrency: 2}, () => {
      if (--left === 0) {
        usage.stop()
        resolve()
      }
    })
    for (let i = 0; i < N; i++) usage.track(`l${i}`, [join(layers, `l${i}`)])
  })
  const wallMs = performance.now() - t0
  delay.disable()
  console.log(`\nDisk kind: walking ${N} writable layers of 20 files (22 inodes each), 2 walks at a time:`)
  console.log(`| CPU per layer walk | wall for all | event-loop delay p99 / max while walking |`)
  console.log(`|---|---|---|`)
  console.log(
    `| ${fmt((ownCpuNs() - start) / N / 1000)} µs | ${fmt(wallMs / 1000, 2)} s | ${fmt(delay.percentile(99) / 1e6, 1)} / ${fmt(delay.max / 1e6, 1)} ms |`,
  )

  // --- perf_event: one perf stat counting two software events for every cgroup, each second.
  if (spawnSync('perf', ['--version']).status === 0) {
    const counter = new PerfCounter([
      {name: 'context-switches', spec: 'context-switches'},
      {name: 'cpu-migrations', spec: 'cpu-migrations'},
    ])
    const tick = (): number => names.filter((n) => counter.counts(n, Date.now()) !== undefined).length
    /** user + system time of a process from /proc/<pid>/stat, in ns (clock ticks of 10 ms). */
    const procCpuNs = (pid: number): number => {
      const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
      return (Number(f[11]) + Number(f[12])) * 1e7
    }
    tick()
    const started = Date.now()
    while (tick() < N && Date.now() - started < 120_000) await new Promise((r) => setTimeout(r, 1000))
    const pid = counter.pid
    if (pid === undefined || tick() < N)
      console.log(`\nperf_event: perf stat did not count the ${N} cgroups (${counter.problem ?? 'no reason given'})`)
    else {
      const SECONDS = 10
      const perf0 = procCpuNs(pid)
      const self0 = ownCpuNs()
      for (let s = 0; s < SECONDS; s++) {
        await new Promise((r) => setTimeout(r, 1000))
        tick()
      }
      const perfUs = (procCpuNs(pid) - perf0) / (N * SECONDS) / 1000
      const selfUs = (ownCpuNs() - self0) / (N * SECONDS) / 1000
      console.log(`\nperf_event: 2 software events for each of ${N} cgroups, counted every second for ${SECONDS} s:`)
      console.log('| CPU per container per second | perf stat (its reads and output) | cadv (its lines, the reads) | together |')
      console.log('|---|---|---|---|')
      console.log(`| | ${fmt(perfUs, 2)} µs | ${fmt(selfUs, 2)} µs | ${fmt(perfUs + selfUs, 2)} µs |`)
    }
    counter.stop()
  }
} finally {
  await cleanup()
}
