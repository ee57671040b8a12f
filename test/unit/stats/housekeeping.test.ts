// The housekeeping schedule: the dynamic interval, jitter, and the timer loop that ticks each container.
import {test, mock} from 'node:test'
import assert from 'node:assert/strict'

import {Housekeeping, nextInterval, withJitter, DEFAULT_HOUSEKEEPING, type TickOutcome} from '../../../src/lib/stats/index.js'

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
    const hk = new Housekeeping({...DEFAULT_HOUSEKEEPING, jitterFactor: 0})
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
