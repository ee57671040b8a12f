// Kind perf_event on real cgroups, counted by a real perf(1): a process that wakes every few
// milliseconds shows context switches on the CPUs it ran on, an empty cgroup shows none, the
// custom event of the configuration (the software PMU's cpu-migrations by its numbers) is
// counted too, and counters only grow.
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {readPerfConfig} from '../../../src/lib/stats/index.js'
import {stopSharedPerfCounter} from '../../../src/lib/stats/kinds/perf/counter.js'
import {TestCgroups, realCgroupSkipReason} from '../../helpers/cgroups.js'
import {RealReader} from '../../helpers/kinds.js'
import {until} from '../../helpers/wait.js'

function perfSkipReason(): string | undefined {
  try {
    execFileSync('perf', ['--version'], {stdio: 'ignore'})
    return undefined
  } catch {
    return 'perf(1) is not installed (Debian package linux-perf)'
  }
}

const skip = realCgroupSkipReason() ?? perfSkipReason()
let tc: TestCgroups
let reader: RealReader
let dir: string

before(() => {
  if (skip) return
  tc = new TestCgroups('cadvt-perf')
  tc.mkdir()
  tc.mkdir('busy')
  tc.mkdir('idle')
  dir = mkdtempSync(join(tmpdir(), 'cadvt-perf-'))
  const software = Number(readFileSync('/sys/bus/event_source/devices/software/type', 'utf8'))
  const file = join(dir, 'perf.json')
  writeFileSync(
    file,
    JSON.stringify({
      core: {
        events: ['context-switches', 'migrations-custom'],
        custom_events: [{type: software, config: ['0x4'], name: 'migrations-custom'}],
      },
    }),
  )
  reader = new RealReader(tc, ['perf_event', 'percpu'], {kindOptions: {perfEvents: readPerfConfig(file, '/sys')}})
  tc.spawnIn('busy', process.execPath, ['-e', 'setInterval(() => {}, 2)'])
})

after(async () => {
  stopSharedPerfCounter()
  reader?.close()
  await tc?.cleanup()
  if (dir) rmSync(dir, {recursive: true, force: true})
})

const total = (rel: string, event: string): number | undefined => {
  const perf = reader.sample(rel).perf
  return perf === undefined ? undefined : perf.filter((p) => p.event === event).reduce((n, p) => n + p.count, 0)
}

test('a waking process shows context switches per CPU; an empty cgroup none; counters only grow', {skip, timeout: 120_000}, async () => {
  total('idle', 'context-switches')
  const first = await until(
    'context switches counted in busy',
    () => ((total('busy', 'context-switches') ?? 0) > 0 ? total('busy', 'context-switches') : undefined),
    {
      timeoutMs: 60_000,
    },
  )
  await until('more context switches', () => (total('busy', 'context-switches') ?? 0) > first!, {timeoutMs: 30_000})
  const series = reader.series('busy', 'container_perf_events_total').filter((s) => s.labels.event === 'context-switches')
  assert.ok(series.length >= 1 && series.every((s) => /^\d+$/.test(s.labels.cpu ?? '')), JSON.stringify(series.map((s) => s.labels)))
  assert.ok(reader.series('busy', 'container_perf_events_total').some((s) => s.labels.event === 'migrations-custom'))
  for (const r of reader.series('busy', 'container_perf_events_scaling_ratio')) assert.ok(r.value > 0 && r.value <= 1, String(r.value))
  await until('the empty cgroup counted', () => total('idle', 'context-switches') !== undefined, {timeoutMs: 30_000})
  assert.equal(total('idle', 'context-switches'), 0)
})
