// The event store: cAdvisor's limit syntax, per-type age and count limits, queries and streams.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {EventLimitError, EventStore, parseEventLimits, type EventType, type MonitorEvent} from '../../../src/lib/events/index.js'

const ALL = new Set<EventType>(['oom', 'oomKill', 'containerCreation', 'containerDeletion'])

function ev(type: EventType, name: string, timeMs: number): MonitorEvent {
  return {type, name, timeMs, source: 'manager'}
}

test('limits: cAdvisor defaults, per-type keys, default=0 (the Kubernetes example)', () => {
  const d = parseEventLimits()
  assert.equal(d.maxAgeMs.oom, 24 * 3600_000)
  assert.equal(d.maxEvents.containerDeletion, 100000)
  const l = parseEventLimits('default=1h,oom=72h', 'oomKill=5')
  assert.equal(l.maxAgeMs.oom, 72 * 3600_000)
  assert.equal(l.maxAgeMs.containerCreation, 3600_000)
  assert.equal(l.maxEvents.oomKill, 5)
  assert.equal(l.maxEvents.oom, 100000)
  const k = parseEventLimits('default=0', 'default=0')
  assert.equal(k.maxAgeMs.oomKill, 0)
  assert.equal(k.maxEvents.containerCreation, 0)
})

test('limits: bad input is one line naming the flag', () => {
  assert.throws(
    () => parseEventLimits('oops=1h'),
    (e: Error) => e instanceof EventLimitError && /unknown event type "oops"/.test(e.message),
  )
  assert.throws(() => parseEventLimits('default=1x'), /--event-storage-age-limit "default=1x": invalid duration/)
  assert.throws(() => parseEventLimits(undefined, 'oom=-1'), /--event-storage-event-limit "oom=-1": "-1" is not a whole number/)
  assert.throws(() => parseEventLimits(undefined, 'oom'), /expected <type>=<value>/)
})

test('store: count limit per type keeps the newest; age is measured from now', () => {
  let now = 1_000_000
  const store = new EventStore(parseEventLimits('default=10s,oom=1s', 'default=3'), () => now)
  for (let i = 0; i < 50; i++) store.add(ev('containerCreation', `/c${i}`, now - 1000 + i))
  const kept = store.query({types: ALL, name: '/', subcontainers: true, maxEvents: -1})
  assert.deepEqual(
    kept.map((e) => e.name),
    ['/c47', '/c48', '/c49'],
  )
  store.add(ev('oom', '/x', now))
  now += 1500
  assert.deepEqual(store.query({types: new Set(['oom']), name: '/', subcontainers: true, maxEvents: -1}), [], 'older than oom=1s')
  assert.equal(store.query({types: ALL, name: '/', subcontainers: true, maxEvents: -1}).length, 3, 'default=10s keeps the rest')
})

test('store: limit 0 stores nothing, but subscribers still hear the event', () => {
  const store = new EventStore(parseEventLimits('default=0', 'default=0'))
  const heard: MonitorEvent[] = []
  const off = store.subscribe({types: new Set(['oomKill']), name: '/a', subcontainers: true}, (e) => heard.push(e))
  store.add(ev('oomKill', '/a/b', Date.now()))
  store.add(ev('oomKill', '/ab', Date.now()))
  store.add(ev('oom', '/a', Date.now()))
  off()
  store.add(ev('oomKill', '/a', Date.now()))
  assert.deepEqual(
    heard.map((e) => e.name),
    ['/a/b'],
  )
  assert.deepEqual(store.query({types: ALL, name: '/', subcontainers: true, maxEvents: -1}), [])
})

test('store: query filters by name and subcontainers, time range, then takes the newest N, oldest first', () => {
  const now = Date.now()
  const store = new EventStore(parseEventLimits())
  // Out of order, as creation events of containers found at start-up are.
  for (const [t, name] of [
    [5, '/a'],
    [1, '/a/x'],
    [3, '/b'],
    [4, '/a'],
    [2, '/a'],
  ] as const)
    store.add(ev('containerCreation', name, now - 100 + t))
  const q = {types: ALL, name: '/a', subcontainers: false, maxEvents: 10}
  assert.deepEqual(
    store.query(q).map((e) => e.timeMs - now + 100),
    [2, 4, 5],
  )
  assert.deepEqual(
    store.query({...q, subcontainers: true}).map((e) => e.timeMs - now + 100),
    [1, 2, 4, 5],
  )
  assert.deepEqual(
    store.query({...q, subcontainers: true, maxEvents: 2}).map((e) => e.timeMs - now + 100),
    [4, 5],
  )
  assert.deepEqual(
    store.query({...q, startMs: now - 98, endMs: now - 96}).map((e) => e.timeMs - now + 100),
    [2, 4],
  )
  assert.deepEqual(store.query({...q, maxEvents: 0}), [])
  assert.equal(store.query({types: ALL, name: '/', subcontainers: true, maxEvents: -1}).length, 5)
  assert.equal(store.query({types: ALL, name: '/', subcontainers: false, maxEvents: -1}).length, 0, 'only events of / itself')
})
