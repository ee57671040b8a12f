// When `cadv stats --once` gives up waiting for a container's second reading. A short
// --interval must not make the wait short: on a loaded host a container published late (after
// --runtime-wait) was read once and its second reading lagged past 200 ms + the first window,
// and the answer went out without its rates. Timers are node's mock timers; the manager is an
// event emitter holding container states, which is all the feed reads.
import {test, mock} from 'node:test'
import assert from 'node:assert/strict'
import {EventEmitter} from 'node:events'

import {startStatsFeed} from '../../../src/lib/app/stats-feed.js'
import type {Manager} from '../../../src/lib/manager/index.js'
import type {ContainerState, StatsRow} from '../../../src/lib/model/index.js'

function sample(name: string, ts: number, ns: number): unknown {
  return {name, timestampMs: ts, cpu: {usageNs: ns}, memory: {workingSetBytes: 1}, processes: {processes: 1, threads: 1}}
}

/** A manager with one container, read once so far. */
function oneReadOnce(): {manager: Manager; state: ContainerState; readAgain: () => void} {
  const samples: unknown[] = [sample('/late', 1000, 0)]
  const state: ContainerState = {name: '/late', firstSeenMs: 0, samples: samples as unknown as ContainerState['samples']}
  const events = new EventEmitter()
  // The feed uses containers(), pending() and the add/sample/delete events; nothing else.
  const manager = Object.assign(events, {containers: () => [state], pending: () => []}) as unknown as Manager
  return {
    manager,
    state,
    readAgain: () => {
      samples.push(sample('/late', 1200, 1e8))
      events.emit('sample', state, samples[1])
    },
  }
}

function onceFeed(manager: Manager): {rows: StatsRow[][]} {
  const seen: {rows: StatsRow[][]} = {rows: []}
  startStatsFeed({
    manager,
    intervalMs: 200,
    firstWindowMs: 200,
    firstWindowLeftMs: 0,
    once: true,
    query: {all: true},
    onRows: (rows) => seen.rows.push(rows),
  })
  return seen
}

test('--once with a 200 ms interval waits past the interval for a lagging second reading, and shows its rates', () => {
  mock.timers.enable({apis: ['setTimeout', 'setInterval']})
  try {
    const {manager, readAgain} = oneReadOnce()
    const seen = onceFeed(manager)
    mock.timers.tick(0)
    // Two intervals and the first window gone: the old wait (one interval) had already answered.
    mock.timers.tick(600)
    assert.equal(seen.rows.length, 0, 'answered before the second reading')
    readAgain()
    assert.equal(seen.rows.length, 1)
    assert.equal(typeof seen.rows[0]![0]?.cpuPercent, 'number', 'the answer has the rate')
  } finally {
    mock.timers.reset()
  }
})

test('--once still answers when the second reading never comes: the row is shown without rates', () => {
  mock.timers.enable({apis: ['setTimeout', 'setInterval']})
  try {
    const {manager} = oneReadOnce()
    const seen = onceFeed(manager)
    mock.timers.tick(0)
    mock.timers.tick(10_000)
    assert.equal(seen.rows.length, 1, 'it never answered')
    assert.deepEqual(
      seen.rows[0]!.map((r) => [r.name, r.cpuPercent]),
      [['/late', undefined]],
    )
  } finally {
    mock.timers.reset()
  }
})
