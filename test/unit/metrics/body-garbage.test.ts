// The metrics thread collects its heap once the bodies it replaced add up: at most once per
// interval, and the collection it gets is a real full one.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {makeBody} from '../../../src/lib/metrics/body-cache.js'
import {BodyGarbage, fullCollection, ownedBytes} from '../../../src/lib/metrics/body-garbage.js'
import {until} from '../../helpers/wait.js'

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

test('fullCollection frees an unreachable object, and exposes gc to no other context', async () => {
  const gc = fullCollection()
  assert.ok(gc, 'no full collection available')
  let held: {big: number[]} | undefined = {big: new Array(1000).fill(1)}
  const ref = new WeakRef(held)
  held = undefined
  // A WeakRef's target is kept until the task that made it ends.
  await sleep(0)
  gc()
  assert.equal(ref.deref(), undefined)
  const {runInNewContext} = await import('node:vm')
  assert.equal(runInNewContext('typeof gc'), 'undefined')
})

test('a collection once replaced bytes reach the threshold, not sooner, and not twice within the interval', async () => {
  let now = 0
  let collections = 0
  const g = new BodyGarbage(() => collections++, {thresholdBytes: 100, minIntervalMs: 1500, now: () => now})
  g.replaced(60)
  await sleep(20)
  assert.equal(collections, 0)
  g.replaced(60)
  await until('the first collection', () => collections === 1)
  // Over the threshold again at once: it waits for the rest of the interval, then runs once.
  now = 10
  g.replaced(200)
  g.replaced(200)
  await sleep(20)
  assert.equal(collections, 1)
  await until('the second collection', () => collections === 2)
  await sleep(20)
  assert.equal(g.collections, 2)
  // Closed: what was scheduled does not run.
  now = 5000
  g.replaced(100)
  g.close()
  await sleep(50)
  assert.equal(collections, 2)
})

test("a replaced body counts what this thread's heap holds of it: its gzip form, and its text unless shared", async () => {
  const text = Buffer.from('container_last_seen{id="/a"} 1\n'.repeat(2000))
  const copied = makeBody('text/plain', Buffer.from(text))
  const onShared = new SharedArrayBuffer(text.length)
  text.copy(Buffer.from(onShared))
  const shared = makeBody('text/plain', Buffer.from(onShared))
  assert.equal(ownedBytes(copied), text.length)
  assert.equal(ownedBytes(shared), 0, 'the main thread recycles a shared text: freeing it here frees nothing')
  const gz = (await shared.gzipped()).length
  await copied.gzipped()
  assert.ok(gz > 0 && gz < text.length / 10)
  assert.equal(ownedBytes(shared), gz)
  assert.equal(ownedBytes(copied), text.length + gz)
})
