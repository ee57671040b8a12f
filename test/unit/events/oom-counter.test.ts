// The kernel's oom_kill counters the OOM fallback reads, on fixture trees laid out as cgroup v1
// (memory.oom_control) and v2 (memory.events.local, memory.events before Linux 5.7): this host
// has no v2 memory controller, so v2 is tested here.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {discoverCgroups} from '../../../src/lib/cgroups/index.js'
import {OomMonitor, type MonitorEvent} from '../../../src/lib/events/index.js'
import {readOomKillCount} from '../../../src/lib/stats/index.js'
import {until} from '../../helpers/wait.js'

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'cadv-oom-'))
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), {recursive: true})
    writeFileSync(join(root, path), text)
  }
  return root
}

test('v1: oom_kill of memory.oom_control; none before Linux 4.13 (no oom_kill line)', () => {
  const root = tree({
    'memory/memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 0\n',
    'memory/a/memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 3\n',
    'memory/old/memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\n',
    'cpu/cpu.shares': '1024\n',
  })
  try {
    const layout = discoverCgroups({cgroupRoot: root})
    assert.deepEqual(readOomKillCount(layout, '/a'), {kills: 3, path: join(root, 'memory/a/memory.oom_control')})
    assert.equal(readOomKillCount(layout, '/old'), undefined)
    assert.equal(readOomKillCount(layout, '/gone'), undefined)
  } finally {
    rmSync(root, {recursive: true})
  }
})

test('v2: memory.events.local first (this cgroup only), memory.events on kernels without it', () => {
  const root = tree({
    'cgroup.controllers': 'cpu memory pids\n',
    'a/memory.events': 'low 0\nhigh 0\nmax 9\noom 5\noom_kill 5\noom_group_kill 0\n',
    'a/memory.events.local': 'low 0\nhigh 0\nmax 2\noom 1\noom_kill 1\noom_group_kill 0\n',
    'b/memory.events': 'low 0\nhigh 0\nmax 1\noom 2\noom_kill 2\n',
  })
  try {
    const layout = discoverCgroups({cgroupRoot: root})
    assert.equal(readOomKillCount(layout, '/a')?.kills, 1)
    assert.equal(readOomKillCount(layout, '/b')?.kills, 2)
  } finally {
    rmSync(root, {recursive: true})
  }
})

test('v2 fallback: a counter that grows becomes oom and oomKill events, once per kill; a new container is its baseline', async () => {
  const root = tree({
    'cgroup.controllers': 'cpu memory pids\n',
    'a/memory.events.local': 'oom 0\noom_kill 0\n',
    'b/memory.events.local': 'oom 4\noom_kill 4\n',
  })
  const events: MonitorEvent[] = []
  const warnings: string[] = []
  const names = ['/a', '/b']
  const monitor = new OomMonitor({
    layout: discoverCgroups({cgroupRoot: root}),
    names: () => names,
    onEvent: (e) => events.push(e),
    onWarning: (m) => warnings.push(m),
    kmsgPath: join(root, 'no-kmsg'),
    counterIntervalMs: 20,
  })
  try {
    monitor.start()
    assert.equal(monitor.source, 'cgroup')
    writeFileSync(join(root, 'a/memory.events.local'), 'oom 2\noom_kill 2\n')
    await until('two kills of /a', () => events.length >= 4)
    assert.deepEqual(
      events.map((e) => `${e.type} ${e.name}`),
      ['oom /a', 'oomKill /a', 'oom /a', 'oomKill /a'],
    )
    // /b's 4 kills happened before: not news.
    assert.equal(
      events.some((e) => e.name === '/b'),
      false,
    )
    assert.equal(warnings.length, 1)
  } finally {
    monitor.stop()
    rmSync(root, {recursive: true})
  }
})

test('v2 fallback: an added container starts from 0 when it is new since start, from its count when it was there before', async () => {
  const root = tree({
    'cgroup.controllers': 'cpu memory pids\n',
    'old/memory.events.local': 'oom 3\noom_kill 3\n',
  })
  const events: MonitorEvent[] = []
  const names = ['/old']
  const monitor = new OomMonitor({
    layout: discoverCgroups({cgroupRoot: root}),
    names: () => names,
    onEvent: (e) => events.push(e),
    onWarning: () => undefined,
    kmsgPath: join(root, 'no-kmsg'),
    counterIntervalMs: 20,
  })
  try {
    monitor.start()
    // All in one synchronous stretch: no pass of the counters can run before the adds' kills.
    // Killed once between its creation and the add (its runtime was being asked meanwhile).
    mkdirSync(join(root, 'young'))
    writeFileSync(join(root, 'young/memory.events.local'), 'oom 1\noom_kill 1\n')
    names.push('/young')
    monitor.added('/young', Date.now())
    // Found at start, killed right after the add, before any pass: the add set its baseline.
    mkdirSync(join(root, 'found'))
    writeFileSync(join(root, 'found/memory.events.local'), 'oom 2\noom_kill 2\n')
    names.push('/found')
    monitor.added('/found', undefined)
    writeFileSync(join(root, 'found/memory.events.local'), 'oom 3\noom_kill 3\n')
    monitor.added('/old', undefined)
    await until('the kills of /young and /found', () => events.length >= 4)
    await new Promise((r) => setTimeout(r, 100))
    assert.deepEqual(
      events.map((e) => `${e.type} ${e.name}`),
      ['oom /young', 'oomKill /young', 'oom /found', 'oomKill /found'],
    )
  } finally {
    monitor.stop()
    rmSync(root, {recursive: true})
  }
})
