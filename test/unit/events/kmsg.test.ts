// The kernel-log OOM parser against cAdvisor's examples (test/fixtures/cadvisor/oom-examples.json,
// one of them recorded on this machine): the same instances, events and counter cgroup.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'

import {eventsOfOom, OomParser, parseKmsgRecord, type OomInstance} from '../../../src/lib/events/index.js'

interface Example {
  id: string
  records: string[]
  expected: Array<{
    container_name: string
    victim_container_name: string
    pid: number
    process_name: string
    constraint: string
    time_of_death_usec: number
  }>
  events: Array<{event_type: string; container_name: string; event_data: {oom?: {pid: number; process_name: string; constraint: string}}}>
  counter_cgroup: string
}

const examples = (
  JSON.parse(readFileSync(new URL('../../fixtures/cadvisor/oom-examples.json', import.meta.url), 'utf8')) as {examples: Example[]}
).examples

function parseAll(records: string[]): OomInstance[] {
  const parser = new OomParser()
  const out: OomInstance[] = []
  for (const text of records) {
    const r = parseKmsgRecord(text)
    assert.ok(r, `record header: ${text.slice(0, 30)}`)
    const oom = parser.push(r)
    if (oom) out.push(oom)
  }
  return out
}

for (const ex of examples) {
  test(`kmsg OOM parser: ${ex.id}`, () => {
    const got = parseAll(ex.records)
    assert.deepEqual(
      got.map((o) => ({
        container_name: o.containerName,
        victim_container_name: o.victimContainerName,
        pid: o.pid,
        process_name: o.processName,
        constraint: o.constraint,
        time_of_death_usec: o.usec,
      })),
      ex.expected.map((e) => ({
        container_name: e.container_name,
        victim_container_name: e.victim_container_name,
        pid: e.pid,
        process_name: e.process_name,
        constraint: e.constraint,
        time_of_death_usec: e.time_of_death_usec,
      })),
    )
    const events = got.flatMap((o) => eventsOfOom(o, 0))
    assert.deepEqual(
      events.map((e) => ({
        event_type: e.type,
        container_name: e.name,
        event_data: e.type === 'oomKill' && e.oom ? {oom: {pid: e.oom.pid, process_name: e.oom.process, constraint: e.oom.constraint}} : {},
      })),
      ex.events,
    )
    assert.equal(got[0]!.containerName, ex.counter_cgroup)
  })
}

test('kmsg records: header fields, continuation lines kept, malformed headers skipped', () => {
  assert.deepEqual(parseKmsgRecord('6,374,574499805,-;memory: usage\n SUBSYSTEM=memory\n'), {
    priority: 6,
    seq: 374,
    usec: 574499805,
    message: 'memory: usage\n SUBSYSTEM=memory\n',
  })
  assert.deepEqual(parseKmsgRecord('4,1,2,-,caller=T1;x')?.message, 'x')
  assert.equal(parseKmsgRecord('no header here'), undefined)
  assert.equal(parseKmsgRecord('6,374;two fields'), undefined)
  assert.equal(parseKmsgRecord('6,x,5,-;not a number'), undefined)
})

test('kmsg OOM parser: a bad pid leaves the report open, a second start changes nothing', () => {
  const records = [
    '4,1,100,-;a invoked oom-killer: gfp_mask=0xcc0',
    '4,2,110,-;b invoked oom-killer: gfp_mask=0xcc0',
    '6,3,120,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/x,task_memcg=/x/y,task=a,pid=abc,uid=0',
    '3,4,130,-;Memory cgroup out of memory: Killed process 77 (a b) total-vm:1kB',
  ]
  const got = parseAll(records)
  assert.equal(got.length, 1)
  assert.deepEqual(got[0], {containerName: '/', victimContainerName: '/', pid: 77, processName: 'a b', constraint: '', usec: 130})
  // Nothing open: a kill line alone is not a report.
  assert.deepEqual(parseAll(['3,5,140,-;Killed process 78 (z)']), [])
})

test('kmsg OOM parser: legacy paths are cleaned as Go path.Join does', () => {
  const got = parseAll([
    '4,1,1,-;x invoked oom-killer: gfp_mask=0',
    '6,2,2,-;Task in docker//abc/ killed as a result of limit of /docker/./abc/../abc',
    '3,3,3,-;Killed process 5 (x)',
  ])
  assert.equal(got[0]!.containerName, '/docker/abc')
  assert.equal(got[0]!.victimContainerName, '/docker/abc')
})
