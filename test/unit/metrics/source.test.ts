// The metrics source: one body per change of the view, shared by concurrent scrapes.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {EventEmitter} from 'node:events'

import type {ContainerView} from '../../../src/lib/model/index.js'
import {Exposition, MetricsSource, readMachineInfo} from '../../../src/lib/metrics/index.js'
import {parseExposition, samples} from '../../helpers/exposition.js'
import {ALL_COLLECTED, dockerState, sample} from '../../helpers/states.js'

const machine = readMachineInfo()

test('a body is shared by concurrent scrapes and rebuilt after a new sample', async () => {
  const state = dockerState()
  const view = Object.assign(new EventEmitter(), {
    containers: () => [state],
    get: () => state,
  }) as unknown as ContainerView
  const source = new MetricsSource({view, exposition: new Exposition({kinds: ALL_COLLECTED, machine, version: '1'}), coalesceMs: 0})
  const [a, b] = await Promise.all([source.body('prometheus'), source.body('prometheus')])
  assert.equal(a, b, 'two scrapes at once share one body')
  assert.equal(await source.body('prometheus'), a, 'nothing changed: same body')
  const next = sample(state.name, 1_700_000_201_000, 9e9)
  next.memory!.usageBytes = 4242
  state.samples = [...state.samples, next]
  view.emit('sample', state, next)
  const c = await source.body('prometheus')
  assert.notEqual(c, a)
  assert.equal(samples(parseExposition(c.text.toString(), 'prometheus'), 'container_memory_usage_bytes')[0]?.value, 4242)
  assert.equal((await c.gzipped()).subarray(0, 2).toString('hex'), '1f8b')
  const om = await source.body('openmetrics')
  assert.match(om.text.toString(), /# EOF\n$/)
  assert.equal(om.contentType, 'application/openmetrics-text; version=1.0.0; charset=utf-8')
  source.close()
})
