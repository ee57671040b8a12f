// The checker every REST API test relies on (test/helpers/cadvisor-schema.ts) can fail: a value
// in cAdvisor's shape passes, and each kind of difference from cAdvisor's field lists is named.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {cadvisorShapeProblems} from '../../helpers/cadvisor-schema.js'

const kill = {
  container_name: '/a',
  timestamp: '2026-12-01T10:28:51.499965123Z',
  event_type: 'oomKill',
  event_data: {oom: {pid: 7, process_name: 'tail', constraint: 'CONSTRAINT_MEMCG'}},
}

test("a v1 Event in cAdvisor's shape passes; pointers left out when nil", () => {
  assert.deepEqual(cadvisorShapeProblems([kill], '[]Event', 'v1'), [])
  assert.deepEqual(cadvisorShapeProblems({...kill, event_type: 'oom', event_data: {}}, 'Event', 'v1'), [])
})

test('each difference is named: an extra key, a missing key, a wrong kind, a time that is not RFC 3339', () => {
  assert.deepEqual(cadvisorShapeProblems({...kill, extra: 1}, 'Event', 'v1'), ['$.extra: not a key of v1 Event'])
  const {timestamp: _dropped, ...noTime} = kill
  assert.deepEqual(cadvisorShapeProblems(noTime, 'Event', 'v1'), ['$.timestamp: missing (v1 Event always has it)'])
  assert.deepEqual(cadvisorShapeProblems({...kill, event_data: {oom: {...kill.event_data.oom, pid: '7'}}}, 'Event', 'v1'), [
    '$.event_data.oom.pid: expected a number (int), got "7"',
  ])
  assert.deepEqual(cadvisorShapeProblems({...kill, timestamp: 1764584931499}, 'Event', 'v1'), [
    '$.timestamp: 1764584931499 is not an RFC 3339 time',
  ])
  assert.deepEqual(cadvisorShapeProblems({...kill, timestamp: '2026-12-01 10:28:51Z'}, 'Event', 'v1'), [
    '$.timestamp: "2026-12-01 10:28:51Z" is not an RFC 3339 time',
  ])
  assert.deepEqual(cadvisorShapeProblems([{...kill, event_data: {oom: {...kill.event_data.oom, pid: 1.5}}}], '[]Event', 'v1'), [
    '$[0].event_data.oom.pid: expected an integer (int), got 1.5',
  ])
  assert.deepEqual(cadvisorShapeProblems({rss: -1}, 'ProcessInfo', 'v2').slice(0, 2), [
    '$.user: missing (v2 ProcessInfo always has it)',
    '$.pid: missing (v2 ProcessInfo always has it)',
  ])
  assert.deepEqual(cadvisorShapeProblems({'/a': [kill]}, 'map[string]Event', 'v1')[0], '$["/a"]: expected a v1 Event object')
})
