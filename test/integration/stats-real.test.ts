// The manager on real cgroups: a busy loop shows ≈100 % CPU, a process holding 200 MiB shows
// its working set, a memory limit shows as the limit, the pids count matches, and a deleted
// or vanished cgroup goes quietly. Needs root and a writable cgroupfs (CI has both).
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {once} from 'node:events'
import {execFileSync} from 'node:child_process'
import {readFileSync, utimesSync} from 'node:fs'
import {join} from 'node:path'

import {TestCgroups, realCgroupSkipReason} from '../helpers/cgroups.js'
import {until} from '../helpers/wait.js'
import {ownWarnings} from '../helpers/host-warnings.js'
import {createManager, type Manager} from '../../src/lib/manager/index.js'
import {selectKinds} from '../../src/lib/stats/index.js'
import {bootTimeMs, deriveRates} from '../../src/lib/stats/index.js'
import type {ContainerResolver, FactoryDecision, Sample} from '../../src/lib/model/index.js'

const skip = realCgroupSkipReason() ?? (hasStressNg() ? undefined : 'stress-ng is not installed (apt-get install stress-ng)')

function hasStressNg(): boolean {
  try {
    execFileSync('stress-ng', ['--version'], {stdio: 'ignore'})
    return true
  } catch {
    return false
  }
}

const MiB = 1024 * 1024
let tc: TestCgroups
let manager: Manager
const warnings: string[] = []

function makeManager(resolver?: ContainerResolver): Manager {
  return createManager({
    layout: tc.layout,
    kinds: selectKinds(['cpu', 'memory', 'process', 'diskIO', 'network', 'pressure']),
    watch: {prefixes: [tc.root], pollIntervalMs: 100},
    housekeeping: {intervalMs: 250, maxIntervalMs: 250, dynamic: false, jitterFactor: 0},
    onWarning: (w) => warnings.push(w),
    ...(resolver ? {resolver} : {}),
  })
}

/** Waits until `pred` holds for the container's samples, or fails after `ms`. */
function waitFor(m: Manager, name: string, pred: (samples: readonly Sample[]) => boolean, ms = 15_000): Promise<readonly Sample[]> {
  const samplesNow = (): readonly Sample[] => m.get(name)?.samples.slice() ?? []
  return until(name, () => (pred(samplesNow()) ? samplesNow() : undefined), {
    timeoutMs: ms,
    everyMs: 100,
    detail: () => `last sample ${JSON.stringify(samplesNow().at(-1))}`,
  })
}

before(async () => {
  if (skip) return
  tc = new TestCgroups('cadvt-stats')
  tc.mkdir()
  for (const rel of ['busy', 'mem', 'lim', 'pids']) tc.mkdir(rel)
  manager = makeManager()
})

after(async () => {
  if (skip) return
  await manager?.stop()
  await tc.cleanup()
})

/** utime + stime of a process in ns, from /proc/<pid>/stat (USER_HZ 100): a source independent of cgroupfs. */
function processCpuNs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 1e7
}

test('a busy loop shows ≈100 % CPU over 2 s', {skip}, async (t) => {
  const child = tc.spawnIn('busy', 'sh', ['-c', 'while :; do :; done'])
  await manager.start()
  const name = tc.name('busy')
  await waitFor(manager, name, (s) => s.length >= 1)
  const startSample = manager.get(name)!.samples.at(-1)!
  const startTruth = processCpuNs(child.pid!)
  const samples = await waitFor(manager, name, (s) => s.at(-1)!.timestampMs - startSample.timestampMs >= 2000)
  const truth = ((processCpuNs(child.pid!) - startTruth) / 1e9 / ((Date.now() - startSample.timestampMs) / 1000)) * 100
  const rates = deriveRates(startSample, samples.at(-1)!)
  assert.ok(rates?.cpuPercent !== undefined, 'a CPU rate')
  // cadv must agree with the kernel's per-process accounting whatever the load on the host …
  assert.ok(
    Math.abs(rates.cpuPercent - truth) <= 15,
    `CPU ${rates.cpuPercent.toFixed(1)} % but /proc/<pid>/stat says ${truth.toFixed(1)} %`,
  )
  // … and show one full core when the loop got one (a shared, overloaded machine may not give it).
  if (truth >= 90)
    assert.ok(Math.abs(rates.cpuPercent - 100) <= 15, `CPU ${rates.cpuPercent.toFixed(1)} % is not within 15 points of 100 %`)
  else t.diagnostic(`host contended: the loop got ${truth.toFixed(0)} % of a core`)
})

test('a process holding 200 MiB shows a working set within 10 %', {skip}, async () => {
  tc.spawnIn('mem', 'stress-ng', ['--vm', '1', '--vm-bytes', '200M', '--vm-keep', '--vm-hang', '0', '-q'])
  const name = tc.name('mem')
  const samples = await waitFor(manager, name, (s) => (s.at(-1)?.memory?.workingSetBytes ?? 0) >= 180 * MiB, 20_000)
  const ws = samples.at(-1)!.memory!.workingSetBytes
  assert.ok(Math.abs(ws - 200 * MiB) <= 20 * MiB, `working set ${(ws / MiB).toFixed(1)} MiB is not within 10 % of 200 MiB`)
})

test('a memory limit shows as the limit; no limit is absent, not 2^63', {skip}, async () => {
  const mem = tc.hierarchy('memory')
  tc.write(mem, 'lim', mem.version === 1 ? 'memory.limit_in_bytes' : 'memory.max', String(64 * MiB))
  const name = tc.name('lim')
  // The spec is read when the container is first seen; a fresh container sees the new limit.
  tc.mkdir('lim/inner')
  tc.write(mem, 'lim/inner', mem.version === 1 ? 'memory.limit_in_bytes' : 'memory.max', String(32 * MiB))
  await waitFor(manager, `${name}/inner`, (s) => s.length > 0)
  assert.equal(manager.get(`${name}/inner`)?.spec?.memoryLimitBytes, 32 * MiB)
  assert.equal(manager.get(tc.name('pids'))?.spec?.memoryLimitBytes, undefined)
})

test("a raw cgroup's creation time is its directories' mtime, the same after a restart", {skip}, async () => {
  const boot = bootTimeMs('/proc')!
  const bootFloorS = Math.floor(boot / 60_000) * 60
  const nowS = Math.floor(Date.now() / 1000)
  // Back-date the directories (and the control file made with them) as if made before cadv started.
  const age = (rel: string, s: number): void => {
    for (const h of tc.hierarchies) {
      const d = tc.dir(h, rel)
      utimesSync(d, s, s)
      utimesSync(join(d, h.version === 1 ? 'cgroup.clone_children' : 'cgroup.events'), s, s)
    }
  }
  const aged = Math.max(bootFloorS + 60, nowS - 600)
  tc.mkdir('aged')
  age('aged', aged)
  tc.mkdir('prehistoric')
  age('prehistoric', bootFloorS - 3600)
  // A fresh manager stands for a cadv restart: it must not take "now" as the creation time.
  const restarted = makeManager()
  try {
    await restarted.start()
    await waitFor(restarted, tc.name('aged'), (s) => s.length > 0)
    await waitFor(restarted, tc.name('prehistoric'), (s) => s.length > 0)
    assert.equal(restarted.get(tc.name('aged'))?.cgroupCreatedMs, aged * 1000)
    // Never earlier than boot time truncated to the minute, as cAdvisor clamps it.
    assert.equal(restarted.get(tc.name('prehistoric'))?.cgroupCreatedMs, bootFloorS * 1000)
  } finally {
    await restarted.stop()
  }
})

test('the pids count matches', {skip}, async () => {
  for (let i = 0; i < 3; i++) tc.spawnIn('pids', 'sleep', ['600'])
  const name = tc.name('pids')
  // Each sleep's shell moves itself into one hierarchy after another: a reading between two
  // moves counts it in cgroup.procs of one and not yet in the pids hierarchy's pids.current.
  const samples = await waitFor(manager, name, (s) => s.at(-1)?.processes?.processes === 3 && s.at(-1)?.processes?.threads === 3)
  // Single-threaded sleeps: as many tasks as processes (the threaded case is in e2e/process-counts).
  const p = samples.at(-1)!.processes!
  assert.deepEqual({processes: p.processes, threads: p.threads}, {processes: 3, threads: 3})
})

test('a process that arrives in a sampled cgroup gives it network numbers (v1 cgroup.procs is not served stale)', {skip}, async () => {
  tc.mkdir('net')
  const name = tc.name('net')
  await waitFor(manager, name, (s) => s.length >= 2)
  assert.equal(manager.get(name)!.samples.at(-1)!.network, undefined, 'no process, no network namespace')
  const child = tc.spawnIn('net', 'unshare', ['-n', 'sleep', '600'])
  const samples = await waitFor(manager, name, (s) => s.at(-1)?.network !== undefined, 10_000)
  // A fresh namespace holds lo (skipped) plus whatever loaded modules add to every new
  // namespace (ifb0/ifb1 once the ifb module is in): compare with the namespace itself.
  const expected = readFileSync(`/proc/${child.pid}/net/dev`, 'utf8')
    .split('\n')
    .slice(2)
    .map((l) => l.split(':')[0]!.trim())
    .filter((n) => n !== '' && n !== 'lo' && !n.startsWith('veth') && !n.startsWith('docker'))
    .sort()
  assert.deepEqual(
    samples
      .at(-1)!
      .network!.map((i) => i.name)
      .sort(),
    expected,
    'the interfaces of the namespace, lo skipped',
  )
})

test("a raw cgroup whose process is in the host's network namespace has no network numbers (not the host's)", {skip}, async () => {
  tc.mkdir('hostnet')
  const name = tc.name('hostnet')
  tc.spawnIn('hostnet', 'sleep', ['600'])
  const samples = await waitFor(manager, name, (s) => s.length >= 2 && (s.at(-1)!.processes?.processes ?? 0) > 0)
  assert.equal(samples.at(-1)!.network, undefined, JSON.stringify(samples.at(-1)!.network?.slice(0, 1)))
})

test('a deleted cgroup is dropped, with a delete event and no warnings', {skip}, async () => {
  tc.mkdir('gone')
  const name = tc.name('gone')
  await waitFor(manager, name, (s) => s.length >= 2)
  const deleted = once(manager, 'delete')
  tc.rmdir('gone')
  assert.deepEqual(await deleted, [name])
  assert.equal(manager.get(name), undefined)
  assert.deepEqual(ownWarnings(warnings), [])
})

test('resolution: ignored containers are not housekept; a slow one does not hold up the others', {skip}, async () => {
  let release!: () => void
  const slowDone = new Promise<void>((r) => (release = r))
  const decision = (name: string, accepted: boolean): FactoryDecision => ({
    name,
    factory: accepted ? 'raw' : null,
    accepted,
    id: null,
    checks: [{factory: 'raw', canHandle: accepted, accept: accepted, reason: accepted ? 'a cgroup' : 'not under a whitelisted prefix'}],
  })
  const resolver: ContainerResolver = {
    async resolve(name) {
      if (name.endsWith('/slow')) await slowDone
      const accepted = !name.endsWith('/ignored')
      return {
        decision: decision(name, accepted),
        info: accepted
          ? {name, factory: 'raw', aliases: ['alias-' + name.split('/').pop()], labels: {}, env: {}, pid: 0, hasNetwork: false}
          : undefined,
      }
    },
    forget() {},
  }
  tc.mkdir('r')
  for (const rel of ['r/ignored', 'r/slow', 'r/fast']) tc.mkdir(rel)
  const m = makeManager(resolver)
  try {
    await m.start()
    await waitFor(m, tc.name('r/fast'), (s) => s.length >= 2)
    assert.equal(m.get(tc.name('r/slow')), undefined, 'still resolving')
    assert.deepEqual(m.get(tc.name('r/fast'))?.info?.aliases, ['alias-fast'])
    release()
    await waitFor(m, tc.name('r/slow'), (s) => s.length >= 1)
    assert.equal(m.get(tc.name('r/ignored')), undefined)
    assert.match(m.ignored().get(tc.name('r/ignored')) ?? '', /not under a whitelisted prefix/)
  } finally {
    release()
    await m.stop()
  }
})

test("a kept-open file of a removed cgroup ends that container's sample quietly", {skip}, async () => {
  const {ContainerCollector, OpenFiles} = await import('../../src/lib/stats/index.js')
  tc.mkdir('vanish')
  const files = new OpenFiles(100)
  const c = new ContainerCollector(tc.name('vanish'), {layout: tc.layout, kinds: selectKinds(['cpu', 'memory', 'process']), files})
  const first = c.collect()
  assert.ok(first?.memory, 'a first sample with the files kept open')
  assert.ok(files.openCount > 0)
  tc.rmdir('vanish')
  assert.equal(c.collect(), undefined, 'ENODEV on the kept descriptors: no sample, no error')
  c.close()
  assert.equal(files.openCount, 0)
})
