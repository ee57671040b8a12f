// Kinds cpuLoad and sched on real cgroups: task states as /proc shows them, and schedstat sums
// that lie between two readings of /proc taken around cadv's, never going back when a task exits.
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'

import {TestCgroups, realCgroupSkipReason} from '../../helpers/cgroups.js'
import {RealReader} from '../../helpers/kinds.js'
import {until} from '../../helpers/wait.js'

const skip = realCgroupSkipReason()
let tc: TestCgroups
let reader: RealReader

before(() => {
  if (skip) return
  tc = new TestCgroups('cadvt-tasks')
  tc.mkdir()
  tc.mkdir('states')
  tc.mkdir('sched')
  tc.mkdir('sched/child')
  tc.mkdir('brief')
  reader = new RealReader(tc, ['cpuLoad', 'sched'])
})

after(async () => {
  reader?.close()
  await tc?.cleanup()
})

/** The threads of a cgroup, from the hierarchy cadv lists them from (pids, else cpu). */
function threads(rel: string): number[] {
  const h = tc.layout.hierarchies.find((x) => x.controllers.includes('pids')) ?? tc.hierarchy('cpu')
  return tc
    .read(h, rel, h.version === 2 ? 'cgroup.threads' : 'tasks')
    .split('\n')
    .filter(Boolean)
    .map(Number)
}

function stateOf(tid: number): string {
  const text = readFileSync(`/proc/${tid}/stat`, 'latin1')
  return text.charAt(text.lastIndexOf(')') + 2)
}

test('container_tasks_state counts the states /proc shows: running, sleeping, stopped', {skip}, async () => {
  tc.spawnIn('states', 'sh', ['-c', 'while :; do :; done'])
  tc.spawnIn('states', 'sleep', ['3600'])
  tc.spawnIn('states', 'sleep', ['3600'])
  const stopped = tc.spawnIn('states', 'sleep', ['3600'])
  // Each starts as a shell that moves itself into every hierarchy, then execs: wait for the exec.
  await until('four tasks', () => threads('states').length === 4 && readFileSync(`/proc/${stopped.pid}/comm`, 'latin1') === 'sleep\n')
  stopped.kill('SIGSTOP')
  await until('the stopped task', () => stateOf(stopped.pid!) === 'T')
  const want = {sleeping: 2, running: 1, stopped: 1, uninterruptible: 0, iowaiting: 0}
  const got = await until('cadv and /proc to agree', () => {
    const truth = threads('states').map(stateOf)
    const s = reader.series('states', 'container_tasks_state')
    const counts = Object.fromEntries(s.map((x) => [x.labels.state, x.value]))
    const fromProc = {
      sleeping: truth.filter((c) => c === 'S').length,
      running: truth.filter((c) => c === 'R').length,
      stopped: truth.filter((c) => c === 'T').length,
      uninterruptible: 0,
      iowaiting: 0,
    }
    return JSON.stringify(counts) === JSON.stringify(fromProc) && JSON.stringify(counts) === JSON.stringify(want) && counts
  })
  assert.deepEqual(got, want)
  // The busy loop keeps one task runnable: the 10 s average climbs towards 1000 (× 1000).
  const load = await until('the load average to rise', () => {
    const v = reader.series('states', 'container_cpu_load_average_10s')[0]?.value
    return v !== undefined && v > 0 && v
  })
  assert.ok(load <= 1000, `load ${load}`)
  stopped.kill('SIGCONT')
})

function schedstat(tids: number[]): [number, number, number] {
  const sum: [number, number, number] = [0, 0, 0]
  for (const tid of tids) {
    let f: number[]
    try {
      f = readFileSync(`/proc/${tid}/schedstat`, 'latin1').trim().split(' ').map(Number)
    } catch {
      continue
    }
    for (let i = 0; i < 3; i++) sum[i]! += f[i]!
  }
  return sum
}

test('schedstat sums the threads of the cgroup and its sub-cgroups, as /proc/<tid>/schedstat gives them', {skip}, async () => {
  tc.spawnIn('sched', 'sh', ['-c', 'while :; do :; done'])
  tc.spawnIn('sched/child', 'sh', ['-c', 'while :; do :; done'])
  await until('two busy tasks', () => threads('sched').length === 1 && threads('sched/child').length === 1)
  const tids = [...threads('sched'), ...threads('sched/child')]
  const before = schedstat(tids)
  const s = reader.sample('sched').sched!
  const after = schedstat(tids)
  assert.ok(before[0] <= s.runNs && s.runNs <= after[0], `run ${before[0]} ≤ ${s.runNs} ≤ ${after[0]}`)
  assert.ok(before[1] <= s.runqueueNs && s.runqueueNs <= after[1], `runqueue ${before[1]} ≤ ${s.runqueueNs} ≤ ${after[1]}`)
  assert.ok(before[2] <= s.runPeriods && s.runPeriods <= after[2], `periods ${before[2]} ≤ ${s.runPeriods} ≤ ${after[2]}`)
  assert.equal(reader.series('sched', 'container_cpu_schedstat_run_seconds_total').length, 1)
})

test('schedstat keeps what an exited task ran: the counter never goes back', {skip}, async () => {
  const busy = tc.spawnIn('brief', 'sh', ['-c', 'while :; do :; done'])
  const seen = await until('the task to have run a while', () => {
    const s = reader.sample('brief').sched
    return s !== undefined && s.runNs > 1e8 && s
  })
  busy.kill('SIGKILL')
  await until('the cgroup to be empty', () => threads('brief').length === 0)
  const after = reader.sample('brief').sched!
  assert.ok(after.runNs >= seen.runNs, `${after.runNs} ≥ ${seen.runNs}`)
  assert.ok(after.runPeriods >= seen.runPeriods)
})
