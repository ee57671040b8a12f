// Pieces of the cAdvisor REST API that need no server: Go's time format, exact 64-bit
// sentinels, the events query, cAdvisor's percentiles.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {
  encodeJson,
  ExactInteger,
  parseEventRequest,
  parseRfc3339,
  percentilesOf,
  rfc3339,
  V2_UNLIMITED,
} from '../../../src/lib/metrics/index.js'
import {psStartTime} from '../../../src/lib/metrics/cadvisor-api.js'

test('rfc3339: Go layout, up to nine digits, trailing zeros trimmed, none when whole', () => {
  assert.equal(rfc3339(Date.UTC(2026, 11, 1, 10, 0, 0)), '2026-12-01T10:00:00Z')
  assert.equal(rfc3339(Date.UTC(2026, 11, 1, 10, 0, 0, 410)), '2026-12-01T10:00:00.41Z')
  assert.equal(rfc3339(Date.UTC(2026, 11, 1, 10, 0, 0, 499) + 0.965), '2026-12-01T10:00:00.499965Z')
  assert.equal(rfc3339(Date.UTC(2026, 11, 1, 10, 0, 0, 999) + 0.9999), '2026-12-01T10:00:01Z')
})

test('parseRfc3339: fractions to µs, offsets, impossible dates refused', () => {
  assert.equal(parseRfc3339('2026-12-01T10:00:00.499965123Z'), Date.UTC(2026, 11, 1, 10, 0, 0, 499) + 0.965123)
  assert.equal(parseRfc3339('2026-12-01T12:00:00+02:00'), Date.UTC(2026, 11, 1, 10))
  for (const bad of ['2026-02-31T00:00:00Z', '2026-12-01 10:00:00Z', '2026-12-01T10:00:00', 'yesterday', '2026-12-01T10:00:00.Z'])
    assert.equal(parseRfc3339(bad), undefined, bad)
})

test('encodeJson: exact 64-bit sentinels, compact, strings that look like markers stay strings', () => {
  assert.equal(encodeJson({limit: V2_UNLIMITED, n: 1}), '{"limit":18446744073709551615,"n":1}')
  assert.equal(encodeJson([new ExactInteger('9223372036854771712'), '\u0001x:0']), '[9223372036854771712,"\\u0001x:0"]')
})

test('events query: cAdvisor parameters and defaults, bad values refused', () => {
  const q = (s: string) => parseEventRequest('/a', new URLSearchParams(s))
  const d = q('')
  assert.deepEqual([...d.query.types], [])
  assert.equal(d.query.maxEvents, 10)
  assert.equal(d.stream, false)
  const all = q('all_events=T&subcontainers=1&max_events=-1&stream=true')
  assert.equal(all.query.types.size, 4)
  assert.equal(all.query.subcontainers, true)
  assert.equal(all.query.maxEvents, -1)
  assert.equal(all.stream, true)
  assert.deepEqual([...q('oom_events=true&deletion_events=True&creation_events=0').query.types], ['oom', 'containerDeletion'])
  // First value wins, as Go's url.Values.Get.
  assert.equal(q('max_events=3&max_events=99').query.maxEvents, 3)
  const t = q('all_events=true&start_time=2026-12-01T10:00:00Z&end_time=2026-12-01T11:00:00.5Z')
  assert.equal(t.query.startMs, Date.UTC(2026, 11, 1, 10))
  assert.equal(t.query.endMs, Date.UTC(2026, 11, 1, 11, 0, 0, 500))
  for (const [bad, why] of [
    ['oomkill_events=true', /unknown event type/],
    ['stream=maybe', /not a boolean/],
    ['max_events=1e3', /not an integer/],
    ['max_events=-2', /between -1/],
    ['start_time=2026-12-01T11:00:00Z&end_time=2026-12-01T10:00:00Z', /start_time is after end_time/],
  ] as const)
    assert.throws(() => q(bad), why)
})

test("percentiles: cAdvisor's rank d×(n+1) with interpolation", () => {
  const p = percentilesOf([10, 20, 30, 40, 50, 60, 70, 80, 90, 100])
  assert.deepEqual(p, {present: true, mean: 55, std: 28, max: 100, fifty: 55, ninety: 99, ninetyfive: 100, count: 10})
  assert.equal(percentilesOf([]).present, false)
})

test("psStartTime: ps's STIME (HH:MM today, MonDD this year, the year before), month names as en-US spells them", () => {
  const now = new Date(2026, 11, 31, 23, 0).getTime()
  assert.equal(psStartTime(new Date(2026, 11, 31, 9, 5).getTime(), now), '09:05')
  for (let month = 0; month < 12; month++) {
    const start = new Date(2026, month, 3, 12).getTime()
    const expected = `${new Date(start).toLocaleString('en-US', {month: 'short'})}03`
    assert.equal(psStartTime(start, now), expected, `month ${month}`)
  }
  assert.equal(psStartTime(new Date(2025, 5, 1).getTime(), now), '2025')
})
