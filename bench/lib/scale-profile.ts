// Development helper: where `cadv serve` spends its steady state at N idle cgroups (the scale
// benchmark's case). It makes N empty test cgroups where the default kinds read, starts serve
// under --cpu-prof, waits for the warm-up (idle containers backed off to the 60 s ceiling),
// scrapes every 15 s as Prometheus would, takes a heap snapshot at the end of the window and
// prints the functions that took the CPU within the window only (self and total time), the
// process CPU and RSS, and the heap by constructor. serve sees only these cgroups (a mount
// namespace of its own, scoped-root.ts), as in the scale benchmark.
//   node --import tsx bench/lib/scale-profile.ts [n] [warm s] [window s] [-- serve flags…]
import {mkdtempSync, readdirSync, readFileSync, statSync} from 'node:fs'
import {get} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {selectHierarchies, unifiedHierarchy} from '../../src/lib/cgroups/index.js'
import {controllersForKinds, selectKinds} from '../../src/lib/stats/index.js'
import {TestCgroups} from '../../test/helpers/cgroups.js'
import {ServeProcess} from '../../test/helpers/serve.js'
import {cleanupOnInterrupt, once} from './interrupt.js'
import {cpuNsOf, loadAverage, rssMiBOf} from './proc.js'
import {scopedRoot} from './scoped-root.js'

const argv = process.argv.slice(2)
const dash = argv.indexOf('--')
const own = dash < 0 ? argv : argv.slice(0, dash)
const extra = dash < 0 ? [] : argv.slice(dash + 1)
const N = Number(own[0] ?? 10_000)
const WARM_MS = Number(own[1] ?? 180) * 1000
const WINDOW_MS = Number(own[2] ?? 120) * 1000
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

interface ProfileNode {
  id: number
  callFrame: {functionName: string; url: string; lineNumber: number}
  children?: number[]
}
interface CpuProfile {
  nodes: ProfileNode[]
  startTime: number
  samples: number[]
  timeDeltas: number[]
}

function scrape(url: string): Promise<number> {
  const t0 = performance.now()
  return new Promise((resolve, reject) => {
    // A connection per scrape, as in the scale benchmark (a kept-alive one may be closed meanwhile).
    get(url, {agent: false, headers: {'Accept-Encoding': 'gzip'}}, (res) => {
      res.on('data', () => undefined)
      res.on('end', () => resolve(performance.now() - t0))
    }).on('error', reject)
  })
}

function frameName(n: ProfileNode): string {
  const f = n.callFrame
  const file = f.url.replace(/^.*\/(dist|node_modules)\//, '$1/').replace(/^node:/, '')
  return `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}`
}

/** Self and total µs per function between two wall-clock times (µs, the profile's clock). */
function profileWindow(p: CpuProfile, fromUs: number, toUs: number): void {
  const parent = new Map<number, number>()
  const byId = new Map(p.nodes.map((n) => [n.id, n]))
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const self = new Map<string, number>()
  const total = new Map<string, number>()
  let t = p.startTime
  let sum = 0
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i]!
    if (t < fromUs || t > toUs) continue
    const dt = p.timeDeltas[i + 1] ?? 0
    const node = byId.get(p.samples[i]!)!
    const name = frameName(node)
    sum += dt
    self.set(name, (self.get(name) ?? 0) + dt)
    const seen = new Set<string>()
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const k = frameName(byId.get(id)!)
      if (seen.has(k)) continue
      seen.add(k)
      total.set(k, (total.get(k) ?? 0) + dt)
    }
  }
  const idle = self.get('(idle) :0') ?? 0
  const busy = sum - idle
  console.log(
    `profile window ${((toUs - fromUs) / 1e6).toFixed(0)} s: busy ${(busy / 1000).toFixed(0)} ms (${((busy / (toUs - fromUs)) * 100).toFixed(2)} % of one core, main thread)`,
  )
  const top = (m: Map<string, number>, title: string): void => {
    console.log(`\n${title}`)
    for (const [k, v] of [...m]
      .filter(([k]) => k !== '(idle) :0' && k !== '(root) :0')
      .sort((a, b) => b[1] - a[1])
      .slice(0, 40))
      console.log(`${((v / busy) * 100).toFixed(1).padStart(5)} %  ${(v / 1000).toFixed(0).padStart(6)} ms  ${k}`)
  }
  top(self, 'self time')
  top(total, 'total time')
}

interface Snapshot {
  snapshot: {meta: {node_fields: string[]; node_types: [string[]]}}
  nodes: number[]
  strings: string[]
}

function heapByName(file: string): void {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot
  const fields = snap.snapshot.meta.node_fields
  const types = snap.snapshot.meta.node_types[0]
  const typeAt = fields.indexOf('type')
  const nameAt = fields.indexOf('name')
  const sizeAt = fields.indexOf('self_size')
  const by = new Map<string, {bytes: number; count: number}>()
  let all = 0
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    const type = types[snap.nodes[i + typeAt]!]!
    let name = type === 'object' || type === 'native' || type === 'closure' ? snap.strings[snap.nodes[i + nameAt]!]! : ''
    if (name.length > 60) name = `${name.slice(0, 60)}…`
    const key = `${type} ${name}`
    const size = snap.nodes[i + sizeAt]!
    all += size
    const e = by.get(key) ?? {bytes: 0, count: 0}
    e.bytes += size
    e.count++
    by.set(key, e)
  }
  console.log(`\nheap snapshot: ${(all / 1048576).toFixed(1)} MiB`)
  for (const [k, v] of [...by].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, 30))
    console.log(`${(v.bytes / 1048576).toFixed(1).padStart(7)} MiB ${String(v.count).padStart(8)}  ${k}`)
}

const tc = new TestCgroups('cadvb-prof')
let serve: ServeProcess | undefined
const cleanup = once(async () => {
  if (serve && serve.child.exitCode === null) serve.child.kill('SIGKILL')
  await tc.cleanup()
})
cleanupOnInterrupt('scale profile', tc.root, cleanup)
try {
  // The scale benchmark's layout: cpuset and pids hold every container too (the collector reads
  // the spec's CPUs and pids.current there), or the profile shows absent-file looks it never pays.
  const alsoRead = ['cpuset', 'pids'].map((c) => tc.layout.hierarchies.find((h) => h.controllers.includes(c)))
  const hierarchies = [
    ...new Set([
      ...selectHierarchies(tc.layout, controllersForKinds(selectKinds())),
      ...[unifiedHierarchy(tc.layout), ...alsoRead].filter((h) => h !== undefined),
    ]),
  ]
  tc.mkdir('')
  for (let i = 0; i < N; i++) tc.mkdir(`c${i}`, hierarchies)
  const dir = mkdtempSync(join(tmpdir(), 'cadv-prof-'))
  const scoped = scopedRoot(tc, join(dir, 'root'))
  serve = new ServeProcess(
    ['--cgroup-root', scoped.cgroupRoot, ...extra],
    {cwd: dir},
    ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--heapsnapshot-signal=SIGWINCH'],
    scoped.launcher,
  )
  const started = performance.now()
  await serve.ready(120_000)
  const pid = serve.child.pid!
  await sleep(Math.max(0, WARM_MS - (performance.now() - started)))
  const fromUs = Date.now() * 1000
  const cpu0 = cpuNsOf(pid)
  const t0 = performance.now()
  const scrapes: number[] = []
  while (performance.now() - t0 < WINDOW_MS) {
    scrapes.push(await scrape(`${serve.url}/metrics`))
    await sleep(Math.min(15_000, WINDOW_MS - (performance.now() - t0)))
  }
  const cpuPct = ((cpuNsOf(pid) - cpu0) / 1e6 / (performance.now() - t0)) * 100
  const toUs = Date.now() * 1000
  console.log(`${N} cgroups, flags: ${extra.join(' ') || '(defaults)'}`)
  console.log(
    `process CPU ${cpuPct.toFixed(2)} % of one core, RSS ${rssMiBOf(pid).toFixed(0)} MiB, scrapes ${scrapes.map((s) => s.toFixed(0)).join(' ')} ms, load ${loadAverage()}`,
  )
  // CADV_PROFILE_HEAP=0: no heap snapshot (a minute and a few hundred MiB at 10,000).
  const wantHeap = process.env.CADV_PROFILE_HEAP !== '0'
  if (wantHeap) serve.child.kill('SIGWINCH')
  // V8 builds the snapshot before it writes a byte, then streams it: done once it has bytes
  // that stop growing.
  let snapshot: string | undefined
  for (let size = 0, still = 0; wantHeap && !snapshot && still < 600;) {
    await sleep(1000)
    const f = readdirSync(dir).find((x) => x.endsWith('.heapsnapshot'))
    const now = f ? statSync(join(dir, f)).size : 0
    if (now > 0 && now === size) snapshot = join(dir, f!)
    else still++
    size = now
  }
  // The profile is written as the process exits: give it time, then kill.
  const exited = new Promise((r) => serve!.child.once('exit', r))
  serve.child.kill('SIGTERM')
  await Promise.race([exited, sleep(180_000)])
  const prof = readdirSync(dir).find((x) => x.endsWith('.cpuprofile'))
  if (!prof) throw new Error(`no profile in ${dir}`)
  // The profile's clock is not the wall clock: line it up by its end, which is the exit.
  const p = JSON.parse(readFileSync(join(dir, prof), 'utf8')) as CpuProfile
  const endUs = p.startTime + p.timeDeltas.reduce((a, b) => a + b, 0)
  const shift = endUs - Date.now() * 1000
  profileWindow(p, fromUs + shift, toUs + shift)
  if (snapshot) heapByName(snapshot)
  console.log(`\nfiles in ${dir}`)
} catch (err) {
  // What serve said last is most often why (it exited, or refused the scrape).
  console.error(
    `scale profile: ${(err as Error).message}; serve ${serve?.child.exitCode ?? 'running'}, its stderr ends:\n${serve?.stderr.slice(-2000)}`,
  )
  process.exitCode = 1
} finally {
  await cleanup()
}
