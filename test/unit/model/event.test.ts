// A ContainerEvent's two clocks say the same time, whichever millisecond the event falls in.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {makeEvent, type ContainerEvent} from '../../../src/lib/model/index.js'

/**
 * time is timeNano cut to the millisecond. timeNano is a double exact to about 250 ns, so the
 * comparison allows a few microseconds either way: a stale time (another millisecond's) is off by
 * a whole millisecond or more.
 */
function sameTime(e: ContainerEvent): void {
  const within = e.timeNano / 1e6 - Date.parse(e.time)
  assert.ok(within > -0.005 && within < 1.005, `${e.time} vs ${e.timeNano}`)
}

test('time is timeNano to the millisecond, for events made within one millisecond and across several', async () => {
  const events: ContainerEvent[] = []
  // Until three milliseconds were seen, however the machine's load stretches the loop (a 5 ms
  // budget by the clock could pass while the process was not running).
  const times = new Set<string>()
  while (times.size < 3) {
    const e = makeEvent('ContainerAdd', '/a', true)
    events.push(e)
    times.add(e.time)
  }
  await new Promise((r) => setTimeout(r, 2))
  events.push(makeEvent('ContainerDelete', '/a', false))
  for (const e of events) sameTime(e)
})

test('an explicit time is used as given, before and after other events', () => {
  const at = new Date('2026-01-02T03:04:05.678Z')
  const before = makeEvent('ContainerAdd', '/a', false)
  const e = makeEvent('ContainerAdd', '/b', false, at)
  const after = makeEvent('ContainerAdd', '/c', false)
  assert.equal(e.time, '2026-01-02T03:04:05.678Z')
  assert.equal(e.timeNano, at.getTime() * 1e6)
  assert.notEqual(after.time, e.time)
  sameTime(after)
  sameTime(before)
})
