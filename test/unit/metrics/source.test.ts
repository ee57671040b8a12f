// The metrics source: one body per change of the view, shared by concurrent scrapes.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {EventEmitter} from 'node:events'

import type {ContainerView} from '../../../src/lib/model/index.js'
import {Gauge} from 'prom-client'

import {Exposition, MetricsSource, readMachineInfo, RegistryText} from '../../../src/lib/metrics/index.js'
import {parseExposition, samples} from '../../helpers/exposition.js'
import {ALL_COLLECTED, dockerState, sample} from '../../helpers/states.js'
import {until} from '../../helpers/wait.js'

const machine = readMachineInfo()

test('a body is shared by concurrent scrapes and rebuilt after a new sample', async () => {
  const state = dockerState()
  const view = Object.assign(new EventEmitter(), {
    containers: () => [state],
    get: () => state,
  }) as unknown as ContainerView
  // About freshness: the scrape after a change waits for the new body, however slow the machine.
  const source = new MetricsSource({
    view,
    exposition: new Exposition({kinds: ALL_COLLECTED, machine, version: '1'}),
    coalesceMs: 0,
    rebuildWaitMs: 60_000,
  })
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

test('while a slow rebuild runs, scrapes get the previous body (if young enough), the one that started it after rebuildWaitMs', async () => {
  const state = dockerState()
  const view = Object.assign(new EventEmitter(), {containers: () => [state], get: () => state}) as unknown as ContainerView
  // The self-metrics hold the rebuild: a gauge whose collection waits for the gate.
  let open: () => void = () => {}
  let gate = Promise.resolve()
  let value = 1
  const self = new RegistryText()
  new Gauge({
    name: 'demo_gated',
    help: 'Collected once the gate opens.',
    registers: [self.registry],
    async collect() {
      await gate
      this.set(value)
    },
  })
  const source = new MetricsSource({
    view,
    exposition: new Exposition({kinds: ALL_COLLECTED, machine, version: '1'}),
    self,
    coalesceMs: 0,
    rebuildWaitMs: 30,
    maxStaleMs: 2000,
  })
  const a = await source.body('prometheus')
  assert.match(a.text.toString(), /^demo_gated 1$/m)
  gate = new Promise((resolve) => (open = resolve))
  value = 2
  view.emit('sample', state, state.samples.at(0)!)
  // The scrape that starts the rebuild waits rebuildWaitMs, then gets the previous body.
  assert.equal(await source.body('prometheus'), a)
  // Those that come while it runs get the previous body at once, even once it is older than
  // maxStaleMs: it was younger when the rebuild began.
  assert.equal(await source.body('prometheus'), a)
  const began = Date.now()
  await until('the previous body older than maxStaleMs', () => Date.now() - began > 2500)
  assert.equal(await source.body('prometheus'), a)
  open()
  const b = await until('the rebuilt body', async () => {
    const x = await source.body('prometheus')
    return x !== a && x
  })
  assert.match(b.text.toString(), /^demo_gated 2$/m)
  source.close()
})

test('with no previous body young enough, a scrape waits for the rebuild', async () => {
  const state = dockerState()
  const view = Object.assign(new EventEmitter(), {containers: () => [state], get: () => state}) as unknown as ContainerView
  let open: () => void = () => {}
  const gate = new Promise<void>((resolve) => (open = resolve))
  const self = new RegistryText()
  new Gauge({
    name: 'demo_gated',
    help: 'Collected once the gate opens.',
    registers: [self.registry],
    async collect() {
      await gate
      this.set(3)
    },
  })
  const source = new MetricsSource({
    view,
    exposition: new Exposition({kinds: ALL_COLLECTED, machine, version: '1'}),
    self,
    rebuildWaitMs: 0,
  })
  let got: string | undefined
  const first = source.body('prometheus').then((b) => (got = b.text.toString()))
  // Several turns of the event loop: no body exists, so nothing may be served before the gate opens.
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve))
  assert.equal(got, undefined)
  open()
  await first
  assert.match(got ?? '', /^demo_gated 3$/m)
  source.close()
})
