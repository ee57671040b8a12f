// OOM lines of `cadv watch`: the mapping from cAdvisor's event types, and --resolve carrying the
// container's identity (the add's resolution when known, a lookup of its own otherwise).
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {oomLine} from '../../../src/lib/app/index.js'
import {eventsOfOom} from '../../../src/lib/events/index.js'
import {annotateEvents} from '../../../src/lib/manager/index.js'
import {makeEvent, type ContainerEvent, type ContainerResolver, type Resolution} from '../../../src/lib/model/index.js'

const oom = {
  containerName: '/docker/a/x',
  victimContainerName: '/docker/a',
  pid: 42,
  processName: 'java',
  constraint: 'CONSTRAINT_MEMCG',
  usec: 1,
}

test('OOM lines: OOM on the task cgroup, OOMKill on the limited one, pid and process from the log', () => {
  const [o, k] = eventsOfOom(oom, 1_700_000_000_123.456)
  const a = oomLine(o)
  const b = oomLine(k)
  assert.deepEqual(
    {...a, timeNano: undefined},
    {
      type: 'OOM',
      name: '/docker/a/x',
      time: '2023-11-14T22:13:20.123Z',
      timeNano: undefined,
      source: 'kmsg',
      initial: false,
      pid: 42,
      process: 'java',
      constraint: 'CONSTRAINT_MEMCG',
    },
  )
  assert.equal(Math.round(a.timeNano / 1000), 1_700_000_000_123_456)
  assert.equal(b.type, 'OOMKill')
  assert.equal(b.name, '/docker/a')
  // From a counter: no pid, no process.
  const [, c] = eventsOfOom({...oom, pid: 0, processName: '', constraint: ''}, 1, 'cgroup')
  const line = oomLine(c)
  assert.equal(line.source, 'cgroup')
  assert.equal('pid' in line || 'process' in line || 'constraint' in line, false)
})

test('--resolve: an OOM line carries its container add resolution, or its own lookup', async () => {
  const asked: string[] = []
  const resolver: ContainerResolver = {
    resolve(name) {
      asked.push(name)
      const r: Resolution = {
        decision: {name, factory: 'docker', accepted: true, id: 'i'.repeat(64), checks: []},
        info: {name, factory: 'docker', id: 'i'.repeat(64), aliases: [`alias-of-${name}`], labels: {}, env: {}, pid: 1, hasNetwork: true},
      }
      return Promise.resolve(r)
    },
    forget() {},
  }
  const out: ContainerEvent[] = []
  const q = annotateEvents(resolver, (e) => out.push(e))
  q.push(makeEvent('ContainerAdd', '/docker/a', false))
  const [o, k] = eventsOfOom(oom, Date.now())
  q.push(oomLine(o))
  q.push(oomLine(k))
  await q.drain()
  assert.deepEqual(asked, ['/docker/a', '/docker/a/x'], 'the OOMKill reused the add, the OOM of an unknown cgroup asked')
  assert.deepEqual(
    out.map((e) => [e.type, e.name, e.alias]),
    [
      ['ContainerAdd', '/docker/a', 'alias-of-/docker/a'],
      ['OOM', '/docker/a/x', 'alias-of-/docker/a/x'],
      ['OOMKill', '/docker/a', 'alias-of-/docker/a'],
    ],
  )
})
