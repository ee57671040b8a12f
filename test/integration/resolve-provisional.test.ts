// Decisions that rest on a passing state are not kept: a container still "created" when first
// asked, or a daemon that timed out, is asked again, and the manager re-resolves such names at
// its next rescan (never per housekeeping tick). The runtime side is a protocol fixture
// (test/helpers/engine-fixture.ts): real HTTP on a real unix socket, scripted answers.
import {after, before, describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {randomBytes} from 'node:crypto'

import {startEngineFixture, type EngineFixture} from '../helpers/engine-fixture.js'
import {TestCgroups, realCgroupSkipReason} from '../helpers/cgroups.js'
import {until} from '../helpers/wait.js'
import {createResolver, type ResolverOptionsInput} from '../../src/lib/factories/index.js'
import {createManager} from '../../src/lib/manager/index.js'
import {selectKinds} from '../../src/lib/stats/index.js'

const ID = randomBytes(32).toString('hex')
const CONTAINER = {id: ID, name: 'slow-starter', image: 'busybox:latest', labels: {team: 'cadv'}}

function options(engine: EngineFixture, timeoutMs = 2000): ResolverOptionsInput {
  return {
    docker: {endpoint: engine.endpoint, timeoutMs},
    podman: {endpoint: 'unix:///nonexistent/podman.sock'},
    containerd: {endpoint: '/nonexistent/containerd.sock'},
    crio: {endpoint: '/nonexistent/crio.sock'},
  }
}

describe('resolver: only definitive decisions are cached', () => {
  let engine: EngineFixture
  before(async () => {
    engine = await startEngineFixture(CONTAINER, {kind: 'status', status: 'created'})
  })
  after(async () => {
    await engine.close()
  })

  test('a container still "created" falls to raw for now, and gets its name once running', async () => {
    engine.state = {kind: 'status', status: 'created'}
    const r = createResolver(options(engine))
    try {
      const first = await r.resolve(`/docker/${ID}`)
      assert.equal(first.decision.factory, 'raw')
      assert.match(first.decision.checks[0]!.reason, /not running \(status created\)/)
      assert.equal(first.provisional, true)
      engine.state = {kind: 'status', status: 'running'}
      const second = await r.resolve(`/docker/${ID}`)
      assert.equal(second.decision.factory, 'docker')
      assert.equal(second.provisional, undefined)
      assert.deepEqual(second.info?.aliases, ['slow-starter', ID])
      assert.equal(second.info?.image, 'busybox:latest')
      assert.deepEqual(second.info?.labels, {team: 'cadv'})
      // Definitive now: kept, no further call.
      const seen = engine.requests
      assert.equal(await r.resolve(`/docker/${ID}`), second)
      assert.equal(engine.requests, seen)
    } finally {
      r.close()
    }
  })

  test('a decision made while the daemon timed out is not kept', async () => {
    engine.state = {kind: 'hang'}
    const r = createResolver(options(engine, 200))
    try {
      const first = await r.resolve(`/docker/${ID}`)
      assert.equal(first.decision.factory, 'raw')
      assert.match(first.decision.checks[0]!.reason, /no answer within 200 ms/)
      assert.equal(first.provisional, true)
      const second = await r.resolve(`/docker/${ID}`)
      assert.notEqual(second, first)
      // Asked again: the client's guard answers (a hung daemon costs one timeout, not one per ask).
      assert.match(second.decision.checks[0]!.reason, /timed out .* ago/)
      assert.equal(second.provisional, true)
    } finally {
      r.close()
    }
  })

  test('an absent runtime (no socket) is a lasting answer', async () => {
    const r = createResolver({...options(engine), docker: {endpoint: 'unix:///nonexistent/docker.sock'}})
    try {
      const first = await r.resolve(`/docker/${ID}`)
      assert.equal(first.decision.factory, 'raw')
      assert.equal(first.provisional, undefined)
      assert.equal(await r.resolve(`/docker/${ID}`), first)
    } finally {
      r.close()
    }
  })
})

const skip = realCgroupSkipReason()

test('manager: a slow starter tracked as raw gets its docker metadata at the next rescan, not per tick', {skip}, async () => {
  const engine = await startEngineFixture(CONTAINER, {kind: 'status', status: 'created'})
  const tc = new TestCgroups('cadvt-prov')
  const resolver = createResolver(options(engine))
  let rescans = 0
  const manager = createManager({
    layout: tc.layout,
    kinds: selectKinds(['cpu', 'memory']),
    watch: {prefixes: [tc.root], rescanIntervalMs: 400, pollIntervalMs: 100},
    housekeeping: {intervalMs: 50, maxIntervalMs: 50, dynamic: false, jitterFactor: 0},
    resolver,
  })
  try {
    tc.mkdir()
    tc.mkdir(ID)
    await manager.start()
    const name = tc.name(ID)
    await until('the container tracked as raw', () => manager.get(name)?.info?.factory === 'raw')
    // Many housekeeping ticks and at least two rescans while still "created": one inspect
    // round per rescan at most (5 inspects: the first plus the settling retries).
    const afterFirst = engine.requests
    const start = manager.watchStats().rescans
    await until('two rescans', () => manager.watchStats().rescans >= start + 2)
    rescans = manager.watchStats().rescans - start
    await until('samples', () => (manager.get(name)?.samples.length ?? 0) >= 3)
    assert.ok(engine.requests <= afterFirst + 5 * (rescans + 1), `${engine.requests - afterFirst} inspects over ${rescans} rescans`)
    engine.state = {kind: 'status', status: 'running'}
    await until('docker metadata', () => manager.get(name)?.info?.factory === 'docker')
    const info = manager.get(name)!.info!
    assert.equal(info.aliases[0], 'slow-starter')
    assert.equal(info.image, 'busybox:latest')
    assert.deepEqual(info.labels, {team: 'cadv'})
    // Definitive now: later rescans do not ask again.
    const settled = engine.requests
    const now = manager.watchStats().rescans
    await until('two more rescans', () => manager.watchStats().rescans >= now + 2)
    assert.equal(engine.requests, settled)
  } finally {
    await manager.stop()
    resolver.close()
    await tc.cleanup()
    await engine.close()
  }
})
