// The connection caps: which idle connection makes room, and when a new one is refused.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {EventEmitter} from 'node:events'
import type {Socket} from 'node:net'

import {ConnectionGuard} from '../../../src/lib/metrics/connections.js'

let port = 40000
/** Enough of a socket for the guard: its address, its port, destroy() and 'close'. */
function sock(address = '127.0.0.2'): Socket & {destroyedByGuard: boolean} {
  const s = new EventEmitter() as unknown as Socket & {destroyedByGuard: boolean}
  Object.assign(s, {remoteAddress: address, remotePort: port++, localPort: 8080, destroyedByGuard: false})
  s.destroy = () => {
    s.destroyedByGuard = true
    s.emit('close')
    return s
  }
  return s
}

test('at the cap, idle connections that never sent a request go first, authorised ones last', () => {
  const g = new ConnectionGuard({maxConnections: 3, maxPerClient: 0})
  const trusted = sock('127.0.0.1')
  const refusedOnly = sock()
  const silent = sock()
  for (const s of [trusted, refusedOnly, silent]) assert.equal(g.admit(s), true)
  // The authorised client's kept-alive connection: one request let in, then idle the longest.
  g.busy(trusted)
  g.trust(trusted)
  g.idle(trusted)
  // An attacker's connection whose request was not let in (a 401).
  g.busy(refusedOnly)
  g.idle(refusedOnly)
  const gone = (): string[] =>
    Object.entries({trusted, refusedOnly, silent})
      .filter(([, s]) => s.destroyedByGuard)
      .map(([n]) => n)

  const newcomer = sock()
  assert.equal(g.admit(newcomer), true)
  assert.deepEqual(gone(), ['silent'], 'the never-used one goes first, though the others were idle longer')
  g.busy(newcomer)
  g.idle(newcomer)
  assert.equal(g.admit(sock()), true)
  assert.deepEqual(gone(), ['refusedOnly', 'silent'], 'then the longest idle of those never let in')
  assert.equal(newcomer.destroyedByGuard, false)
  assert.equal(g.admit(sock()), true)
  assert.equal(trusted.destroyedByGuard, false, 'the authorised connection stays while others can go')
  assert.deepEqual(g.stats, {open: 3, refused: 0, evicted: 3})
})

test("every connection busy: the new one is refused; per-client cap: that client's idle one goes", () => {
  const g = new ConnectionGuard({maxConnections: 2, maxPerClient: 1})
  const a = sock('10.0.0.1')
  const b = sock('10.0.0.2')
  g.admit(a)
  g.admit(b)
  g.busy(a)
  g.busy(b)
  const c = sock('10.0.0.3')
  assert.equal(g.admit(c), false)
  assert.equal(c.destroyedByGuard, true)
  assert.equal(g.stats.refused, 1)
  g.idle(b)
  const b2 = sock('10.0.0.2')
  assert.equal(g.admit(b2), true, "the client's own idle connection makes room")
  assert.equal(b.destroyedByGuard, true)
  assert.equal(a.destroyedByGuard, false)
  assert.equal(g.stats.open, 2)
})
