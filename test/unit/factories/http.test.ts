// The one call discipline every runtime client shares (GuardedEndpoint): bounded calls in
// flight, and a timed-out endpoint rests instead of being asked again; and the Limiter under it.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

// GuardedEndpoint and Limiter are internal to factories/ (every client holds one; nothing outside
// does), so their module is tested directly.
import {GuardedEndpoint, Limiter, MAX_CALLS_IN_FLIGHT, RuntimeUnreachable} from '../../../src/lib/factories/http.js'
import {startHungSocket} from '../../helpers/hung-socket.js'

test('a hung daemon costs one timeout; later calls are skipped at once, without connecting', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cadv-guard-'))
  const hung = await startHungSocket(join(dir, 'hung.sock'))
  try {
    const ep = new GuardedEndpoint(`unix://${hung.path}`, 200)
    await assert.rejects(ep.getJson('/_ping'), (e: unknown) => e instanceof RuntimeUnreachable && /no answer within 200 ms/.test(e.message))
    let called = false
    await assert.rejects(
      ep.run(async () => (called = true)),
      /timed out \d+\.\d s ago; not asked again for \d+ s/,
    )
    assert.equal(called, false)
  } finally {
    await hung.close()
    rmSync(dir, {recursive: true, force: true})
  }
})

test('a gRPC-style client marks its own timeouts with timeoutError(), and calls in flight are bounded', async () => {
  const ep = new GuardedEndpoint('/run/x.sock', 50)
  let active = 0
  let peak = 0
  const release: Array<() => void> = []
  const calls = Array.from({length: MAX_CALLS_IN_FLIGHT * 2}, () =>
    ep.run(async () => {
      peak = Math.max(peak, ++active)
      await new Promise<void>((r) => release.push(r))
      active--
      return 'ok'
    }),
  )
  while (release.length < MAX_CALLS_IN_FLIGHT) await new Promise((r) => setImmediate(r))
  assert.equal(peak, MAX_CALLS_IN_FLIGHT)
  while (release.length > 0) {
    release.shift()!()
    await new Promise((r) => setImmediate(r))
  }
  assert.deepEqual(
    await Promise.all(calls),
    calls.map(() => 'ok'),
  )
  await assert.rejects(
    ep.run(() => Promise.reject(ep.timeoutError())),
    /no answer within 50 ms/,
  )
  await assert.rejects(
    ep.run(async () => 'never'),
    /timed out/,
  )
})

describe('limits', () => {
  test('a Limiter keeps at most max calls in flight and runs them all', async () => {
    const l = new Limiter(3)
    let active = 0
    let peak = 0
    const results = await Promise.all(
      Array.from({length: 10}, (_, i) =>
        l
          .run(async () => {
            peak = Math.max(peak, ++active)
            await new Promise((r) => setTimeout(r, 5))
            active--
            if (i === 4) throw new Error('four')
            return i
          })
          .catch((e: Error) => e.message),
      ),
    )
    assert.equal(peak, 3)
    assert.deepEqual(results, [0, 1, 2, 3, 'four', 5, 6, 7, 8, 9])
  })
})
