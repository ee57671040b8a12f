// A deleted container's container_last_seen stays, frozen at the time it was last seen, for
// --deleted-last-seen (the alert `time() - container_last_seen > 60` needs it); nothing else of
// it stays, and a container that comes back is live again.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import type {ContainerState} from '../../../src/lib/model/index.js'
import {Exposition, readMachineInfo} from '../../../src/lib/metrics/index.js'
import {selectKinds} from '../../../src/lib/stats/index.js'
import {parseExposition, samples} from '../../helpers/exposition.js'

const T0 = 1_700_000_000_000

function state(name: string): ContainerState {
  return {name, firstSeenMs: T0, samples: [{name, timestampMs: T0, memory: {usageBytes: 1, workingSetBytes: 1}}]}
}

function at(e: Exposition, states: ContainerState[], ms: number): ReturnType<typeof parseExposition> {
  return parseExposition(e.render(states, 'prometheus', ms), 'prometheus')
}

test('the last-seen time of a deleted container stays for the window, alone', () => {
  const e = new Exposition({kinds: selectKinds(['memory']), machine: readMachineInfo(), version: 't', deletedLastSeenMs: 300_000})
  const a = state('/a')
  const b = state('/b')
  at(e, [a, b], T0 + 10_000)
  const after = at(e, [b], T0 + 20_000)
  assert.deepEqual(
    samples(after, 'container_last_seen').map((s) => [s.labels.id, s.value]),
    [
      ['/a', (T0 + 10_000) / 1000],
      ['/b', (T0 + 20_000) / 1000],
    ],
  )
  assert.deepEqual(samples(after, 'container_memory_usage_bytes', {id: '/a'}), [])
  // Still the same value later; gone once the window is over.
  assert.equal(samples(at(e, [b], T0 + 200_000), 'container_last_seen', {id: '/a'})[0]?.value, (T0 + 10_000) / 1000)
  assert.deepEqual(samples(at(e, [b], T0 + 320_000), 'container_last_seen', {id: '/a'}), [])
})

test('a container that comes back is live again; 0 turns the window off; the last one gone still shows', () => {
  const e = new Exposition({kinds: selectKinds(['memory']), machine: readMachineInfo(), version: 't'})
  const a = state('/a')
  at(e, [a], T0)
  const gone = at(e, [], T0 + 5000)
  assert.equal(samples(gone, 'container_last_seen', {id: '/a'})[0]?.value, T0 / 1000)
  assert.equal(samples(at(e, [a], T0 + 9000), 'container_last_seen', {id: '/a'})[0]?.value, (T0 + 9000) / 1000)
  const off = new Exposition({kinds: selectKinds(['memory']), machine: readMachineInfo(), version: 't', deletedLastSeenMs: 0})
  at(off, [a], T0)
  assert.deepEqual(samples(at(off, [], T0 + 1000), 'container_last_seen'), [])
})
