// Basic auth for `cadv serve`: bcrypt off the event loop, remembered successes, a per-client
// rate limit that never locks out valid credentials, unknown users checked at the same cost.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {performance} from 'node:perf_hooks'

import bcrypt from 'bcryptjs'

import {Authenticator} from '../../../src/lib/metrics/auth.js'

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

test('valid, wrong and unknown: ok, denied, denied; a success is remembered and skips bcrypt', async () => {
  const a = new Authenticator({users: new Map([['prom', bcrypt.hashSync('pw', 4)]])})
  try {
    assert.equal(await a.check('c', basic('prom', 'pw')), 'ok')
    assert.equal(await a.check('c', basic('prom', 'nope')), 'denied')
    assert.equal(await a.check('c', basic('nobody', 'pw')), 'denied')
    assert.equal(await a.check('c', undefined), 'denied')
    assert.equal(await a.check('c', 'Bearer x'), 'denied')
    const compared = a.stats.compared
    assert.equal(compared, 3, 'an unknown user costs a comparison too')
    assert.equal(await a.check('other', basic('prom', 'pw')), 'ok')
    assert.equal(a.stats.compared, compared, 'remembered: no second bcrypt')
    assert.equal(a.stats.remembered, 1)
  } finally {
    await a.close()
  }
})

test("unknown users are checked against a decoy of the users' cost, made again when the cost changes", async () => {
  const a = new Authenticator({
    users: new Map([
      ['a', bcrypt.hashSync('x', 5)],
      ['b', bcrypt.hashSync('y', 6)],
    ]),
  })
  try {
    assert.equal(a.decoyCost, 6)
    a.configure({users: new Map([['a', bcrypt.hashSync('x', 4)]])})
    assert.equal(a.decoyCost, 4)
    assert.equal(await a.check('c', basic('ghost', 'x')), 'denied')
  } finally {
    await a.close()
  }
})

test('the rate limit is per client, and valid credentials once checked are never limited', async () => {
  const a = new Authenticator({users: new Map([['prom', bcrypt.hashSync('pw', 4)]]), rateLimit: {intervalMs: 3_600_000, burst: 2}})
  try {
    assert.equal(await a.check('good', basic('prom', 'pw')), 'ok')
    const flood = []
    for (let i = 0; i < 4; i++) flood.push(await a.check('bad', basic('prom', `wrong${i}`)))
    assert.deepEqual(flood, ['denied', 'denied', 'limited', 'limited'])
    assert.equal(await a.check('other', basic('prom', 'wrong')), 'denied', 'another client has its own bucket')
    // The same address as the flood, valid credentials already checked: never limited.
    for (let i = 0; i < 5; i++) assert.equal(await a.check('bad', basic('prom', 'pw')), 'ok')
    for (let i = 0; i < 5; i++) assert.equal(await a.check('good', basic('prom', 'pw')), 'ok')
  } finally {
    await a.close()
  }
})

test('bcrypt runs in a worker: the event loop stays idle while passwords are checked', async () => {
  const a = new Authenticator({users: new Map([['prom', bcrypt.hashSync('pw', 10)]])})
  try {
    await a.check('warm', basic('prom', 'warm-up'))
    const start = performance.eventLoopUtilization()
    const checks = []
    for (let i = 0; i < 4; i++) checks.push(a.check(`c${i}`, basic('prom', `wrong${i}`)))
    assert.deepEqual(await Promise.all(checks), ['denied', 'denied', 'denied', 'denied'])
    const elu = performance.eventLoopUtilization(start)
    // On the event loop each comparison keeps it busy; in a worker it waits idle.
    assert.ok(elu.utilization < 0.5, `event loop ${Math.round(elu.utilization * 100)}% busy during bcrypt`)
  } finally {
    await a.close()
  }
})

test('a client gets at most 4 checks queued: the rest is busy (503), others still get theirs', async () => {
  const a = new Authenticator({users: new Map([['prom', bcrypt.hashSync('pw', 8)]])})
  try {
    const flood = Array.from({length: 8}, (_, i) => a.check('bad', basic('prom', `w${i}`)))
    const mine = a.check('good', basic('prom', 'pw'))
    const results = await Promise.all(flood)
    assert.equal(results.filter((r) => r === 'busy').length, 4)
    assert.equal(await mine, 'ok')
  } finally {
    await a.close()
  }
})

test('a reload keeps what was remembered only for users whose hash did not change', async () => {
  const h1 = bcrypt.hashSync('pw', 4)
  const a = new Authenticator({
    users: new Map([
      ['prom', h1],
      ['ops', bcrypt.hashSync('pw2', 4)],
    ]),
  })
  try {
    assert.equal(await a.check('c', basic('prom', 'pw')), 'ok')
    assert.equal(await a.check('c', basic('ops', 'pw2')), 'ok')
    a.configure({users: new Map([['prom', h1]])})
    const compared = a.stats.compared
    assert.equal(await a.check('c', basic('prom', 'pw')), 'ok')
    assert.equal(a.stats.compared, compared, 'unchanged user: still remembered')
    assert.equal(await a.check('c', basic('ops', 'pw2')), 'denied', 'a removed user is not let in by memory')
    a.configure({users: new Map([['prom', bcrypt.hashSync('new', 4)]])})
    assert.equal(await a.check('c', basic('prom', 'pw')), 'denied', 'a changed password is not let in by memory')
  } finally {
    await a.close()
  }
})
