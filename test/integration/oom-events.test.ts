// A real OOM kill in a memory cgroup of this machine, seen by `cadv watch` (kernel log) and by
// the counter fallback used when the kernel log cannot be read.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'

import {OomMonitor, type MonitorEvent} from '../../src/lib/events/index.js'
import type {ContainerEvent} from '../../src/lib/model/index.js'
import {TestCgroups} from '../helpers/cgroups.js'
import {startCli} from '../helpers/cli.js'
import {memoryHierarchy, oomSkipReason, provokeOom} from '../helpers/oom.js'
import {until} from '../helpers/wait.js'

const skip = oomSkipReason()

describe('OOM kills on real cgroups', {skip}, () => {
  test('cadv watch prints OOM and OOMKill lines for the cgroup, from the kernel log', async (ctx) => {
    const t = new TestCgroups('cadvto')
    t.mkdir('victim')
    const child = startCli(['watch', '--prefix', t.root, '--type', 'ContainerAdd,OOM', '--type', 'OOMKill', '--rescan-interval', '0'])
    const lines: Array<ContainerEvent & {receivedMs: number}> = []
    let stderr = ''
    let pending = ''
    child.stdout!.on('data', (d: Buffer) => {
      const parts = (pending + d.toString()).split('\n')
      pending = parts.pop()!
      for (const l of parts) if (l.trim()) lines.push({...(JSON.parse(l) as ContainerEvent), receivedMs: Date.now()})
    })
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
    try {
      // The initial list comes after the kernel log is open.
      await until('the initial list', () => lines.some((e) => e.name === t.name('victim')))
      const {pid} = await provokeOom(t, 'victim')
      const kill = await until('the OOMKill line', () => lines.find((e) => e.type === 'OOMKill'))
      const oom = lines.find((e) => e.type === 'OOM')
      assert.ok(oom, 'an OOM line too')
      for (const e of [oom, kill]) {
        assert.equal(e.name, t.name('victim'))
        assert.equal(e.source, 'kmsg')
        assert.equal(e.pid, pid)
        assert.equal(e.process, 'tail')
        assert.equal(e.constraint, 'CONSTRAINT_MEMCG')
        assert.equal(e.initial, false)
      }
      // Kernel time of the kill to the line on our side; measured, not asserted (load varies).
      ctx.diagnostic(`OOMKill line ${Math.round(kill.receivedMs - kill.timeNano / 1e6)} ms after the kernel logged the kill`)
      assert.equal(lines.filter((e) => e.type === 'OOMKill').length, 1, 'one kill, one line')
      assert.equal(stderr, '')
    } finally {
      child.kill('SIGTERM')
      await t.cleanup()
    }
  })

  test('without the kernel log, the cgroup oom_kill counter gives the events (said once)', async () => {
    const t = new TestCgroups('cadvto')
    t.mkdir('victim')
    const events: MonitorEvent[] = []
    const warnings: string[] = []
    const monitor = new OomMonitor({
      layout: t.layout,
      names: () => [t.root, t.name('victim')],
      onEvent: (e) => events.push(e),
      onWarning: (m) => warnings.push(m),
      kmsgPath: '/nonexistent/kmsg',
      counterIntervalMs: 100,
    })
    try {
      monitor.start()
      assert.equal(monitor.source, 'cgroup')
      assert.equal(warnings.length, 1)
      assert.match(warnings[0]!, /cannot read \/nonexistent\/kmsg: ENOENT; OOM events come from the cgroups' oom_kill counters/)
      await provokeOom(t, 'victim')
      await until('the counter events', () => events.length >= 2)
      const h = memoryHierarchy(t)
      // v1 counts in the task's own cgroup only; v2 memory.events.local likewise.
      assert.deepEqual(
        events.map((e) => [e.type, e.name, e.source, e.oom?.pid]),
        [
          ['oom', t.name('victim'), 'cgroup', 0],
          ['oomKill', t.name('victim'), 'cgroup', 0],
        ],
        `on ${h.id}`,
      )
      assert.equal(warnings.length, 1)
    } finally {
      monitor.stop()
      await t.cleanup()
    }
  })
})
