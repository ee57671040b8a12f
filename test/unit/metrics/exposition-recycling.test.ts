// The exposition's bodies are its columns and live in recycled buffers: one goes back to the
// spares only when no format's last body it is, no render is copying from it and the body is
// no longer read (released).
// These renders interleave the way a build ahead, a scrape's build and the other format's do,
// and each body must stay byte for byte the body a new exposition renders from the same states.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import type {ContainerState, Sample} from '../../../src/lib/model/index.js'
import {Exposition, LoopSlices, readMachineInfo, type ExpositionOptions} from '../../../src/lib/metrics/index.js'
import {ALL_COLLECTED, sample} from '../../helpers/states.js'

const machine = readMachineInfo()
const NOW = 1_700_000_100_000
// No tombstones: a new exposition has none to compare with.
const options: ExpositionOptions = {kinds: ALL_COLLECTED, machine, version: '1', deletedLastSeenMs: 0}

/** A sample whose text says `bytes` (memory usage: one series of its own, numbers of varying length). */
function sampleOf(name: string, bytes: number): Sample {
  const s = sample(name, NOW)
  s.memory!.usageBytes = bytes
  return s
}

function states(n: number, bytes: number): ContainerState[] {
  return Array.from({length: n}, (_, i) => {
    const name = `/c/${String(i).padStart(3, '0')}`
    return {name, firstSeenMs: 1_700_000_000_000, samples: [sampleOf(name, bytes + i)]}
  })
}

/** The same containers, the ones whose index `changed` says with a new sample (new text); the others the same objects. */
function withNew(list: ContainerState[], changed: (i: number) => boolean, bytes: number): ContainerState[] {
  return list.map((s, i) => (changed(i) ? {...s, samples: [sampleOf(s.name, bytes + i * 7)]} : s))
}

const expected = (list: ContainerState[], format: 'prometheus' | 'openmetrics' = 'prometheus'): string =>
  new Exposition(options).render(list, format, NOW)

/** Slices whose every check is due and whose turns come only when the test says. */
class Gate extends LoopSlices {
  private open: Array<() => void> = []
  override get due(): boolean {
    return true
  }
  override yield(): Promise<void> {
    return new Promise((resolve) => this.open.push(resolve))
  }
  /** Lets the render run to its next stop; false when it was not waiting. */
  async step(): Promise<boolean> {
    const next = this.open.shift()
    if (!next) return false
    next()
    // The render's continuation runs in the microtasks after.
    await new Promise((resolve) => setImmediate(resolve))
    return true
  }
}

test('a body still out is not overwritten by later renders; once released, its buffer is reused', async () => {
  const e = new Exposition(options)
  const s0 = states(40, 1_000)
  e.render(s0, 'prometheus', NOW)
  const s1 = withNew(s0, (i) => i % 7 === 0, 2_000_000)
  const held = await e.renderBodyAsync(s1, 'prometheus', NOW)
  const text = held.bytes.toString('utf8')
  assert.equal(text, expected(s1))
  // Each of these replaces the last body's columns; without the body's hold, the second would write into it.
  let list = s1
  for (let r = 0; r < 4; r++) {
    list = withNew(list, (i) => (i + r) % 3 === 0, 3_000 + r * 100_000)
    assert.equal(
      e.render(list, r % 2 === 0 ? 'openmetrics' : 'prometheus', NOW),
      expected(list, r % 2 === 0 ? 'openmetrics' : 'prometheus'),
    )
  }
  assert.equal(held.bytes.toString('utf8'), text, 'the held body changed under its reader')
  held.release()
  held.release()
  // From here on, renders of the same size take the spares: no new buffers.
  const allocated = e.columnBuffersAllocated
  for (let r = 0; r < 6; r++) {
    list = withNew(list, (i) => (i + r) % 4 === 0, 4_000 + r * 10)
    assert.equal(e.render(list, 'prometheus', NOW), expected(list))
  }
  assert.equal(e.columnBuffersAllocated, allocated, 'renders of the same size allocated new buffers')
})

test('columns a render is copying from are not reused by renders that finish meanwhile', async () => {
  const e = new Exposition(options)
  const s0 = states(40, 1_000)
  e.render(s0, 'prometheus', NOW)
  // A render of the next states that stops at every container, family and run of copies.
  const s1 = withNew(s0, (i) => i % 5 === 0, 2_000_000)
  const gate = new Gate()
  let done = false
  const slow = e.renderAsync(s1, 'prometheus', NOW, gate).finally(() => (done = true))
  // Past every container (one stop each): it has chosen which lines it copies from the last body.
  for (let k = 0; k < s1.length + 1; k++) assert.ok(await gate.step(), `the slow render stopped early (${k})`)
  assert.equal(done, false)
  // Meanwhile the other format and two more bodies: the last body's columns are replaced twice.
  let list = withNew(s1, (i) => i % 2 === 0, 5)
  assert.equal(e.render(list, 'openmetrics', NOW), expected(list, 'openmetrics'))
  list = withNew(list, (i) => i % 3 !== 0, 60_000_000)
  assert.equal(e.render(list, 'prometheus', NOW), expected(list))
  list = withNew(list, () => true, 7_000)
  assert.equal(e.render(list, 'prometheus', NOW), expected(list))
  while (!done) assert.ok(await gate.step(), 'the slow render neither stopped nor finished')
  assert.equal((await slow).toString('utf8'), expected(s1), 'the slow render copied lines that had been overwritten')
})
