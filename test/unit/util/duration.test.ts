// The one duration syntax (Go's, as cAdvisor's flags) and its formatting back to text.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {DurationError, formatDuration, parseDuration} from '../../../src/lib/util/index.js'

test('durations in every unit, Go syntax', () => {
  const cases: Array<[string, number]> = [
    ['0', 0],
    ['0s', 0],
    ['500ms', 500],
    ['60s', 60_000],
    ['1m', 60_000],
    ['1m30s', 90_000],
    ['1.5s', 1500],
    ['.5s', 500],
    ['2h', 7_200_000],
    ['1h1m1s1ms', 3_661_001],
    ['250us', 0.25],
    ['250µs', 0.25],
    ['1000000ns', 1],
    [' 10s ', 10_000],
    ['+5s', 5000],
  ]
  for (const [text, ms] of cases) assert.equal(parseDuration(text), ms, text)
})

test('bad durations are DurationErrors with exit code 2 and a reason', () => {
  const bad: Array<[string, RegExp]> = [
    ['', /empty/],
    ['10', /missing unit/],
    ['1.5', /missing unit/],
    ['-1s', /negative/],
    ['10 s', /unexpected "10 s"/],
    ['s', /unexpected "s"/],
    ['10sec', /unexpected "ec"/],
    ['1d', /unexpected "1d"/],
    ['abc', /unexpected/],
  ]
  for (const [text, reason] of bad) {
    assert.throws(
      () => parseDuration(text),
      (e: unknown) => e instanceof DurationError && e.exitCode === 2 && reason.test(e.message),
      text,
    )
  }
})

test('limits are inclusive and named in the message', () => {
  assert.equal(parseDuration('100ms', {minMs: 100}), 100)
  assert.throws(() => parseDuration('99ms', {minMs: 100}), /at least 100ms/)
  assert.throws(() => parseDuration('0', {minMs: 1}), /at least 1ms/)
  assert.throws(() => parseDuration('2h', {maxMs: 3_600_000}), /at most 1h/)
})

test('formatDuration writes values back the way users type them', () => {
  assert.deepEqual([0, 0.25, 5, 1500, 60_000, 90_000, 7_200_000].map(formatDuration), ['0s', '250us', '5ms', '1.5s', '1m', '90s', '2h'])
})
