// The delivery every storage driver shares: batches, order, retries, the bounded buffer, the
// exit flush. The driver here is an in-process backend whose availability the test switches.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {Delivery, PermanentSendError, type Encoded, type StorageDriver} from '../../../src/lib/storage/index.js'
import {until} from '../../helpers/wait.js'

class Backend implements StorageDriver {
  readonly name = 'fake'
  readonly target = 'fake backend'
  received: string[] = []
  requests: number[] = []
  up = true
  refuse = false
  /** Resolves sends only when released (a slow backend). */
  hold = false
  private held: Array<() => void> = []
  constructor(
    readonly immediate = false,
    readonly maxBatchSamples = 100,
    readonly maxBatchBytes = 1 << 20,
  ) {}
  async open() {}
  encode() {
    return undefined
  }
  async send(batch: readonly Encoded[]) {
    this.requests.push(batch.length)
    if (this.hold) await new Promise<void>((r) => this.held.push(r))
    if (!this.up) throw new Error('connection refused')
    if (this.refuse) throw new PermanentSendError('bad data')
    this.received.push(...(batch as string[]))
  }
  release() {
    this.hold = false
    for (const r of this.held.splice(0)) r()
  }
  async close() {}
}

const fastRetry = {baseMs: 5, maxMs: 20}

test('samples wait for the buffer duration and go as one batch, in order', async () => {
  const b = new Backend()
  const d = new Delivery(b, {bufferDurationMs: 150, limitBytes: 1 << 20, retry: fastRetry, warn: () => undefined})
  for (let i = 0; i < 10; i++) d.push(`s${i}`)
  assert.equal(b.requests.length, 0)
  await until('the batch', () => b.received.length === 10)
  assert.deepEqual(b.requests, [10])
  assert.deepEqual(
    b.received,
    Array.from({length: 10}, (_, i) => `s${i}`),
  )
  assert.equal(d.stats.sentSamples, 10)
  assert.ok(d.stats.lastSuccessMs !== undefined)
  await d.stop(100)
})

test('a full batch goes before the buffer duration is over', async () => {
  const b = new Backend(false, 4)
  const d = new Delivery(b, {bufferDurationMs: 60_000, limitBytes: 1 << 20, retry: fastRetry, warn: () => undefined})
  for (let i = 0; i < 9; i++) d.push(`s${i}`)
  await until('two full batches', () => b.received.length === 8)
  assert.deepEqual(b.requests, [4, 4])
  assert.equal(d.stats.queuedSamples, 1)
  await d.stop(100)
})

test('a backend that is down gets the backlog in order when it is back, said once each way', async () => {
  const b = new Backend(true)
  const warnings: string[] = []
  const d = new Delivery(b, {bufferDurationMs: 0, limitBytes: 1 << 20, retry: fastRetry, warn: (m) => warnings.push(m)})
  d.push('a')
  await until('a', () => b.received.length === 1)
  b.up = false
  for (let i = 0; i < 20; i++) {
    d.push(`b${i}`)
    await new Promise((r) => setTimeout(r, 2))
  }
  await until('several failed attempts', () => d.stats.failedSends >= 3)
  assert.equal(warnings.filter((w) => w.includes('cannot send')).length, 1)
  b.up = true
  await until('the backlog', () => b.received.length === 21)
  assert.deepEqual(b.received, ['a', ...Array.from({length: 20}, (_, i) => `b${i}`)])
  assert.equal(warnings.filter((w) => w.includes('delivering again')).length, 1)
  assert.equal(d.stats.droppedSamples, 0)
  await d.stop(100)
})

test('past the bound the oldest waiting samples go, counted, said once', async () => {
  const b = new Backend(true, 1000)
  b.up = false
  const warnings: string[] = []
  const d = new Delivery(b, {bufferDurationMs: 0, limitBytes: 30, retry: fastRetry, warn: (m) => warnings.push(m)})
  for (let i = 10; i < 30; i++) d.push(`s${i}`) // 3 bytes each: 10 fit
  await until('the first failure', () => d.stats.failedSends >= 1)
  for (let i = 30; i < 40; i++) d.push(`s${i}`)
  assert.ok(d.stats.queuedBytes <= 30)
  assert.equal(d.stats.droppedSamples, 30 - d.stats.queuedSamples)
  assert.equal(warnings.filter((w) => w.includes('buffer full')).length, 1)
  b.up = true
  await until('what was kept', () => b.received.length === 10)
  assert.deepEqual(
    b.received,
    Array.from({length: 10}, (_, i) => `s${30 + i}`),
  )
  await d.stop(100)
})

test('a batch the backend refuses for its content is dropped, not retried', async () => {
  const b = new Backend(true)
  b.refuse = true
  const warnings: string[] = []
  const d = new Delivery(b, {bufferDurationMs: 0, limitBytes: 1 << 20, retry: fastRetry, warn: (m) => warnings.push(m)})
  d.push('x')
  await until('the refusal', () => d.stats.droppedSamples === 1)
  assert.equal(b.requests.length, 1)
  assert.match(warnings[0]!, /refused 1 samples: bad data/)
  b.refuse = false
  d.push('y')
  await until('the next sample', () => b.received.includes('y'))
  await d.stop(100)
})

test('one request at a time: a slow backend holds its own queue only', async () => {
  const b = new Backend(true, 2)
  b.hold = true
  const d = new Delivery(b, {bufferDurationMs: 0, limitBytes: 1 << 20, retry: fastRetry, warn: () => undefined})
  for (let i = 0; i < 6; i++) d.push(`s${i}`)
  await until('the first request', () => b.requests.length === 1)
  await new Promise((r) => setTimeout(r, 20))
  assert.equal(b.requests.length, 1)
  assert.equal(d.stats.queuedSamples, 6)
  b.release()
  await until('everything', () => b.received.length === 6)
  assert.deepEqual(b.requests, [2, 2, 2])
  await d.stop(100)
})

test('stop sends what waits at once, and gives up at the deadline', async () => {
  const b = new Backend()
  const d = new Delivery(b, {bufferDurationMs: 60_000, limitBytes: 1 << 20, retry: fastRetry, warn: () => undefined})
  d.push('a')
  d.push('b')
  assert.equal(await d.stop(5000), 0)
  assert.deepEqual(b.received, ['a', 'b'])

  const down = new Backend()
  down.up = false
  const d2 = new Delivery(down, {bufferDurationMs: 60_000, limitBytes: 1 << 20, retry: fastRetry, warn: () => undefined})
  d2.push('a')
  assert.equal(await d2.stop(100), 1)
  assert.equal(d2.stats.droppedSamples, 1)
})
