// The housekeeping schedule: the dynamic interval, jitter, and the timer loop that ticks each container.
import {test, mock} from 'node:test'
import assert from 'node:assert/strict'

import {
  Housekeeping,
  nextInterval,
  SLICE_MS,
  TickQueue,
  withJitter,
  DEFAULT_HOUSEKEEPING,
  type TickOutcome,
} from '../../../src/lib/stats/index.js'

test('dynamic interval doubles while equal up to the maximum, snaps back on change (1, 2, 4 … 32, 60 s)', () => {
  const o = DEFAULT_HOUSEKEEPING
  const seen = [o.intervalMs]
  let i = o.intervalMs
  for (let n = 0; n < 8; n++) seen.push((i = nextInterval(i, 'equal', o)))
  assert.deepEqual(seen, [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000])
  assert.equal(nextInterval(60000, 'changed', o), 1000)
  assert.equal(nextInterval(8000, 'none', o), 8000, 'a tick without a sample keeps the interval')
  assert.equal(nextInterval(1000, 'equal', {...o, dynamic: false}), 1000)
})

test('jitter stays within [1, 1 + factor) × interval; factor 0 is exact', () => {
  assert.equal(
    withJitter(1000, 0, () => 0.99),
    1000,
  )
  assert.equal(
    withJitter(1000, 1, () => 0),
    1000,
  )
  assert.equal(
    withJitter(1000, 1, () => 0.5),
    1500,
  )
  assert.equal(
    withJitter(1000, 0.1, () => 0.999),
    1099.9,
  )
})

test('Housekeeping runs the first tick at once, then backs off while idle and snaps back', () => {
  mock.timers.enable({apis: ['setTimeout']})
  try {
    const ticks: number[] = []
    let now = 0
    let outcome: TickOutcome = 'equal'
    // Due ticks run at once here: the queue's place in the event loop is tested on its own.
    const hk = new Housekeeping({...DEFAULT_HOUSEKEEPING, jitterFactor: 0}, Math.random, new TickQueue(SLICE_MS, (run) => run()))
    hk.add('/a', {
      tick() {
        ticks.push(now)
        // The first sample has nothing to equal (the tracker says 'changed' then too).
        return ticks.length === 1 ? 'changed' : outcome
      },
    })
    const advance = (ms: number): void => {
      for (let i = 0; i < ms; i += 500) {
        now += 500
        mock.timers.tick(500)
      }
    }
    mock.timers.tick(0)
    assert.deepEqual(ticks, [0])
    advance(7000)
    assert.deepEqual(ticks, [0, 1000, 3000, 7000])
    outcome = 'changed'
    advance(8000)
    assert.deepEqual(ticks, [0, 1000, 3000, 7000, 15000])
    assert.equal(hk.interval('/a'), 1000)
    advance(1000)
    assert.deepEqual(ticks.at(-1), 16000)
    hk.remove('/a')
    advance(5000)
    assert.equal(ticks.at(-1), 16000, 'no tick after remove')
    hk.stop()
  } finally {
    mock.timers.reset()
  }
})

test('the tick queue runs due ticks in short slices with the sockets looked at between them, and sheds late ones', async () => {
  const q = new TickQueue(5)
  const ran: number[] = []
  const shed: number[] = []
  const busy = (ms: number): void => {
    const end = performance.now() + ms
    while (performance.now() < end) {
      // a tick's reading, simulated by a busy wait
    }
  }
  // 40 ticks of 1 ms fall due together: 8 slices or so, with I/O and timers in between.
  let timersBetween = 0
  const timer = setInterval(() => timersBetween++, 0)
  for (let i = 0; i < 40; i++) q.submit({run: () => (busy(1), ran.push(i)), shed: () => shed.push(i), maxWaitMs: 10_000})
  // One more that may wait at most 2 ms: it is shed, not read late.
  q.submit({run: () => ran.push(99), shed: () => shed.push(99), maxWaitMs: 2})
  while (q.length > 0) await new Promise((r) => setImmediate(r))
  clearInterval(timer)
  assert.equal(ran.length, 40)
  assert.deepEqual(shed, [99])
  const s = q.stats()
  assert.ok(s.yields >= 4, `${s.yields} yields`)
  assert.ok(timersBetween >= 2, `the loop turned between slices (${timersBetween})`)
  assert.deepEqual([s.ran, s.shed], [40, 1])
  q.stop()
})
