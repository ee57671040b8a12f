// Kind perf_event's configuration (cAdvisor's --perf_events_config) and its families; the
// counting itself runs perf(1) on real cgroups (test/integration/kinds/perf.test.ts).
import {test} from 'node:test'
import assert from 'node:assert/strict'

import type {Sample} from '../../../../src/lib/model/index.js'
import {parsePerfConfig} from '../../../../src/lib/stats/index.js'
import {samples} from '../../../helpers/exposition.js'
import {exposeSample} from '../../../helpers/kinds.js'

const SYS = new URL('../../../fixtures/host/kinds/sys', import.meta.url).pathname

test("cAdvisor's shape: core events by name or in groups, custom events by type and config, uncore listed apart", () => {
  const text = JSON.stringify({
    core: {
      events: [['instructions', 'instructions_retired'], 'cycles', 'cycles'],
      custom_events: [{type: 4, config: ['0x5300c0'], name: 'instructions_retired'}],
    },
    uncore: {events: ['cas_count_write'], custom_events: [{type: 18, config: ['0x5300'], name: 'cas_count_write'}]},
  })
  assert.deepEqual(parsePerfConfig('p.json', text, SYS), {
    file: 'p.json',
    core: [
      {name: 'instructions', spec: 'instructions'},
      {name: 'instructions_retired', spec: 'cpu/config=0x5300c0,name=instructions_retired/'},
      {name: 'cycles', spec: 'cycles'},
    ],
    uncore: ['cas_count_write'],
  })
})

test('the older shape (events at the top) and config1, config2', () => {
  const text = JSON.stringify({
    events: [['context-switches'], ['migrations']],
    custom_events: [{type: 1, config: ['0x4', '1', '0x2'], name: 'migrations'}],
  })
  assert.deepEqual(parsePerfConfig('p.json', text, SYS).core, [
    {name: 'context-switches', spec: 'context-switches'},
    {name: 'migrations', spec: 'software/config=0x4,config1=1,config2=0x2,name=migrations/'},
  ])
})

test('a file cadv cannot use is one line naming it and what is wrong (exit 2)', () => {
  const bad: Array<[string, RegExp]> = [
    ['{', /^--perf-events-config p.json: not JSON/],
    ['[]', /not a JSON object/],
    ['{"events": "cycles"}', /"events" is not a list/],
    ['{"events": [["a b"]]}', /event "a b" is not an event name/],
    ['{"events": ["x"], "custom_events": [{"type": 99, "config": ["1"], "name": "x"}]}', /custom event x: no PMU of type 99/],
    ['{"events": ["x"], "custom_events": [{"type": 1, "config": ["zz"], "name": "x"}]}', /custom event x: config "zz"/],
  ]
  for (const [text, message] of bad) {
    assert.throws(
      () => parsePerfConfig('p.json', text, SYS),
      (err: Error & {exitCode?: number}) => message.test(err.message) && err.exitCode === 2,
      text,
    )
  }
})

test('per CPU with percpu; without it, summed per event with cpu="" and the smallest ratio, as cAdvisor', () => {
  const sample: Sample = {
    name: '/c',
    timestampMs: 1,
    perf: [
      {event: 'context-switches', cpu: 0, count: 10, ratio: 1},
      {event: 'context-switches', cpu: 1, count: 5, ratio: 0.5},
    ],
  }
  const perCpu = exposeSample(sample, ['perf_event', 'percpu'])
  assert.deepEqual(
    samples(perCpu, 'container_perf_events_total').map((s) => [s.labels.cpu, s.labels.event, s.value]),
    [
      ['0', 'context-switches', 10],
      ['1', 'context-switches', 5],
    ],
  )
  const summed = exposeSample(sample, ['perf_event'])
  assert.deepEqual(
    samples(summed, 'container_perf_events_total').map((s) => [s.labels.cpu, s.value]),
    [['', 15]],
  )
  assert.equal(samples(summed, 'container_perf_events_scaling_ratio')[0]?.value, 0.5)
})
