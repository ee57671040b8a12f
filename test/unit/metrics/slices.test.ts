// Body work in slices of the event loop: a sliced render and a sliced self-metrics text are
// byte for byte what the one-go versions give, and the loop gets its turns in between.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {Counter, Gauge, Histogram} from 'prom-client'

import {Exposition, LoopSlices, readMachineInfo, RegistryText, SelfMetrics} from '../../../src/lib/metrics/index.js'
import {parseExposition} from '../../helpers/exposition.js'
import {ALL_COLLECTED, dockerState, rawState} from '../../helpers/states.js'

const machine = readMachineInfo()

/** Counts the turns the event loop gets while `work` runs: a setImmediate chain alongside. */
async function turnsDuring<T>(work: () => Promise<T>): Promise<{value: T; turns: number}> {
  let turns = 0
  let running = true
  const tick = (): void => {
    turns++
    if (running) setImmediate(tick)
  }
  setImmediate(tick)
  try {
    return {value: await work(), turns}
  } finally {
    running = false
  }
}

test('a render in slices of no budget (a turn after every container) is the one-go render, byte for byte', async () => {
  const states = [dockerState(), ...Array.from({length: 30}, (_, i) => rawState(`/raw/c${String(i).padStart(2, '0')}`))]
  for (const format of ['prometheus', 'openmetrics'] as const) {
    const whole = new Exposition({kinds: ALL_COLLECTED, machine, version: '1'}).render(states, format, 1_700_000_300_000)
    const sliced = new Exposition({kinds: ALL_COLLECTED, machine, version: '1'})
    const {value, turns} = await turnsDuring(() => sliced.renderAsync(states, format, 1_700_000_300_000, new LoopSlices(0)))
    assert.equal(value.toString('utf8'), whole, format)
    assert.ok(turns >= states.length, `${format}: the loop had ${turns} turns during a render of ${states.length} containers`)
    parseExposition(format === 'openmetrics' ? `${whole}# EOF\n` : whole, format)
  }
})

test("the self-metrics text is prom-client's registry text, metric by metric, sliced or not", async () => {
  const r = new RegistryText()
  const registers = [r.registry]
  new Counter({name: 'demo_requests_total', help: 'Requests "by" code\\n.', labelNames: ['code'], registers}).inc({code: '200'}, 3)
  new Gauge({name: 'demo_temperature', help: 'A gauge.', registers}).set(-1.5)
  const h = new Histogram({name: 'demo_seconds', help: 'A histogram.', labelNames: ['path'], buckets: [0.1, 1], registers})
  h.observe({path: '/a\\b"c'}, 0.5)
  new Gauge({
    name: 'demo_collected',
    help: 'Set when collected.',
    registers,
    collect: async function () {
      await new Promise((resolve) => setImmediate(resolve))
      this.set(7)
    },
  })
  const expected = await r.registry.metrics()
  assert.equal(await r.text('prometheus'), expected)
  const {value, turns} = await turnsDuring(() => r.text('prometheus', new LoopSlices(0)))
  assert.equal(value, expected)
  assert.ok(turns >= 4, `the loop had ${turns} turns during the text of 4 metrics`)
  const om = await r.text('openmetrics', new LoopSlices(0))
  const fams = parseExposition(`${om}# EOF\n`, 'openmetrics')
  assert.deepEqual([...fams.keys()].sort(), ['demo_collected', 'demo_requests', 'demo_seconds', 'demo_temperature'])
})

test('the self-metrics count open descriptors (off the event loop) and keep the handle gauges', async () => {
  const self = new SelfMetrics()
  const fams = parseExposition(await self.text('prometheus'), 'prometheus')
  const fds = fams.get('process_open_fds')?.samples[0]?.value ?? 0
  // stdin, stdout and stderr at least, and no more than the limit.
  assert.ok(fds >= 3, `process_open_fds ${fds}`)
  assert.equal(fams.get('process_open_fds')?.help, 'Number of open file descriptors.')
  assert.ok((fams.get('nodejs_active_handles')?.samples.length ?? 0) > 0, 'nodejs_active_handles has samples')
  assert.ok(fams.has('nodejs_active_resources'))
})
