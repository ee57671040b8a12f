// Processes and threads are different numbers, as in cAdvisor: one process with worker threads,
// and a shell with two children, read through the built CLI on real cgroups.
// `container_processes` = cgroup.procs lines, `container_threads` = pids.current (tasks, this
// cgroup and below), `container_threads_max` = pids.max (0 when unlimited); `cadv stats` shows
// pids.current in its PIDS column as docker stats does, and the process count beside it in JSON.
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {readdirSync} from 'node:fs'
import type {ChildProcess} from 'node:child_process'

import {TestCgroups, realCgroupSkipReason} from '../helpers/cgroups.js'
import {runCli} from '../helpers/cli.js'
import {parseExposition, samples} from '../helpers/exposition.js'
import {until} from '../helpers/wait.js'

const skip = realCgroupSkipReason()
let tc: TestCgroups
let threaded: ChildProcess
const WORKERS = 3
/** One node process: main thread plus WORKERS worker threads (and node's own helper threads). */
const THREADED = `const {Worker} = require('node:worker_threads');
for (let i = 0; i < ${WORKERS}; i++) new Worker('setInterval(() => {}, 1e6)', {eval: true});
setInterval(() => {}, 1e6)`

function taskCount(pid: number): number {
  return readdirSync(`/proc/${pid}/task`).length
}

/** The process's thread count once it has stopped changing (workers start asynchronously). */
async function settledTasks(pid: number, ms = 15_000): Promise<number> {
  let last = -1
  return until(
    `pid ${pid}'s thread count to settle`,
    () => {
      const n = taskCount(pid)
      const settled = n === last && n > WORKERS
      last = n
      return settled && n
    },
    {timeoutMs: ms, everyMs: 300, detail: () => `last ${last}`},
  )
}

before(() => {
  if (skip) return
  tc = new TestCgroups('cadvt-procs')
  tc.mkdir()
  tc.mkdir('threaded')
  tc.mkdir('forks')
  tc.mkdir('limited')
  threaded = tc.spawnIn('threaded', process.execPath, ['-e', THREADED])
  tc.spawnIn('forks', 'sh', ['-c', 'sleep 600 & sleep 600 & wait'])
  tc.write(tc.hierarchy('pids'), 'limited', 'pids.max', '50')
  tc.spawnIn('limited', 'sleep', ['600'])
})
after(async () => tc?.cleanup())

test('serve: container_processes counts processes, container_threads counts tasks', {skip}, async () => {
  const tasks = await settledTasks(threaded.pid!)
  const res = await runCli([
    'serve',
    '--once',
    '--enable-metrics',
    'process',
    '--disable-exporter-metrics',
    '--raw-cgroup-prefix-whitelist',
    tc.root,
  ])
  assert.equal(res.code, 0, res.stderr)
  assert.equal(taskCount(threaded.pid!), tasks, 'the thread count held still while cadv read it')
  const fams = parseExposition(res.stdout, 'prometheus')
  const value = (family: string, rel: string): number | undefined => {
    const s = samples(fams, family, {id: tc.name(rel)})
    assert.ok(s.length <= 1, `${family} ${rel}: one series`)
    return s[0]?.value
  }
  assert.equal(value('container_processes', 'threaded'), 1)
  assert.equal(value('container_threads', 'threaded'), tasks)
  assert.equal(value('container_processes', 'forks'), 3, 'sh and its two sleeps')
  assert.equal(value('container_threads', 'forks'), 3)
  // pids.current is hierarchical, cgroup.procs is not: the parent holds no process itself.
  assert.equal(value('container_processes', ''), 0)
  assert.equal(value('container_threads', ''), tasks + 3 + 1)
  assert.equal(value('container_threads_max', 'limited'), 50)
  assert.equal(value('container_threads_max', 'forks'), 0, 'unlimited pids.max is 0, as in cAdvisor')
  for (const name of ['container_processes', 'container_threads', 'container_threads_max'])
    assert.equal(fams.get(name)?.type, 'gauge', name)
  assert.equal(fams.get('container_threads')?.help, 'Number of threads running inside the container')
})

test('stats: PIDS is pids.current (tasks) as in docker stats; JSON also has processes', {skip}, async () => {
  const tasks = await settledTasks(threaded.pid!)
  // --tree: by default only leaves are rows, and the parent's count is checked below.
  const r = await runCli(['stats', '--json', '--once', '--tree', '--interval', '200ms', '--filter', `prefix=${tc.root}`])
  assert.equal(r.code, 0, r.stderr)
  const rows = (JSON.parse(r.stdout) as {containers: {name: string; pids?: number; processes?: number}[]}).containers
  const row = (rel: string): {pids?: number; processes?: number} | undefined => rows.find((x) => x.name === tc.name(rel))
  assert.deepEqual(pick(row('threaded')), {pids: tasks, processes: 1})
  assert.deepEqual(pick(row('forks')), {pids: 3, processes: 3})
  // No process directly in the parent, but tasks below it.
  assert.deepEqual(pick(row('')), {pids: tasks + 3 + 1, processes: 0})
})

function pick(r: {pids?: number; processes?: number} | undefined): {pids?: number; processes?: number} {
  return {pids: r?.pids, processes: r?.processes}
}
