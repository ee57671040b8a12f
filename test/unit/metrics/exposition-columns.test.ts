// The exposition keeps every family's lines of its last body and copies those of containers
// whose text has not changed: after any mix of new samples, added, deleted and renamed
// containers, in either format, with and without timestamps, each body is byte for byte the
// body a new exposition renders from nothing.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import type {ContainerState, ExpositionFormat} from '../../../src/lib/model/index.js'
import {Exposition, readMachineInfo, type ExpositionOptions} from '../../../src/lib/metrics/index.js'
import {ALL_COLLECTED, dockerState, NASTY, sample} from '../../helpers/states.js'

const machine = readMachineInfo()

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0
    return s / 2 ** 32
  }
}

function raw(name: string, ts: number, cpuNs: number): ContainerState {
  return {name, firstSeenMs: 1_700_000_000_000, samples: [sample(name, ts, cpuNs)]}
}

for (const timestamps of [false, true]) {
  test(`bodies made from the last body's lines equal bodies rendered from nothing (timestamps ${timestamps ? 'on' : 'off'})`, async () => {
    const rnd = random(timestamps ? 7 : 3)
    // No tombstones: a new exposition has none to compare with.
    const options: ExpositionOptions = {kinds: ALL_COLLECTED, machine, version: '1', timestamps, deletedLastSeenMs: 0}
    const kept = new Exposition(options)
    let states: ContainerState[] = Array.from({length: 40}, (_, i) => raw(`/c/${String(i).padStart(3, '0')}`, 1_700_000_000_000, 1e9 + i))
    states.push({...dockerState(), name: `/docker/${NASTY.length}`})
    let next = 100
    for (let step = 0; step < 60; step++) {
      const now = 1_700_000_100_000 + step * 1000
      const op = rnd()
      if (op < 0.5) {
        // New samples for a few containers; the others keep theirs (idle: the same object).
        for (const s of states) if (rnd() < 0.15) s.samples = [sample(s.name, now, 2e9 + step + Math.floor(rnd() * 1e6))]
      } else if (op < 0.65) {
        states.push(raw(`/c/${String(Math.floor(rnd() * 200)).padStart(3, '0')}x${next++}`, now, 5e9))
      } else if (op < 0.8 && states.length > 2) {
        states = states.filter(() => rnd() > 0.1)
      } else if (op < 0.9) {
        // The list comes in another order (as a map's would after churn).
        states = [...states].sort(() => rnd() - 0.5)
      } else {
        // A container's sample with the same numbers in new objects: the text is the same.
        const s = states[Math.floor(rnd() * states.length)]!
        s.samples = [{...s.samples.at(-1)!}]
      }
      const format: ExpositionFormat = rnd() < 0.5 ? 'prometheus' : 'openmetrics'
      const body = await kept.renderAsync(states, format, now)
      const fresh = new Exposition(options).render(states, format, now)
      assert.equal(body.toString('utf8'), fresh, `step ${step}, ${format}`)
    }
  })
}
