// Decisions that rest on a passing state are not kept: a container still "created" when first
// asked, or a daemon that timed out, is asked again; the manager keeps such a container pending
// (never published as raw) and asks again on a backoff, not at its next rescan. The runtime side is a protocol fixture
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

  test("an absent runtime (no socket) is a lasting answer, unless the name is that runtime's", async () => {
    const r = createResolver({...options(engine), docker: {endpoint: 'unix:///nonexistent/docker.sock'}})
    try {
      const other = await r.resolve(`/other/${ID}`)
      assert.equal(other.decision.factory, 'raw')
      assert.equal(other.provisional, undefined)
      assert.equal(await r.resolve(`/other/${ID}`), other)
      // docker's naming: its socket may come back (a daemon restarting), so the decision is
      // not kept, but docker is not waited for (absent).
      const first = await r.resolve(`/docker/${ID}`)
      assert.equal(first.decision.factory, 'raw')
      assert.equal(first.provisional, true)
      assert.equal(first.awaiting?.factory, 'docker')
      assert.equal(first.awaiting?.absent, true)
      assert.match(first.awaiting?.reason ?? '', /nonexistent\/docker\.sock/)
      assert.deepEqual([first.awaiting?.byName.decision.factory, first.awaiting?.byName.decision.id], ['docker', ID])
      assert.notEqual(await r.resolve(`/docker/${ID}`), first, 'not kept')
    } finally {
      r.close()
    }
  })

  test('a container still "created" awaits docker; a timed-out daemon is awaited too', async () => {
    engine.state = {kind: 'status', status: 'created'}
    const r = createResolver(options(engine, 200))
    try {
      assert.equal((await r.resolve(`/docker/${ID}`)).awaiting?.factory, 'docker')
      engine.state = {kind: 'hang'}
      r.forget(`/docker/${ID}`)
      const hung = await r.resolve(`/docker/${ID}`)
      assert.equal(hung.awaiting?.factory, 'docker')
      assert.match(hung.awaiting?.reason ?? '', /no answer within 200 ms/)
    } finally {
      r.close()
    }
  })
})

const skip = realCgroupSkipReason()

test(
  'manager: a slow starter is never tracked as raw; it is published with its docker metadata on the backoff, not at a rescan',
  {skip},
  async () => {
    const engine = await startEngineFixture(CONTAINER, {kind: 'status', status: 'created'})
    const tc = new TestCgroups('cadvt-prov')
    const resolver = createResolver(options(engine))
    const seen: string[] = []
    const manager = createManager({
      layout: tc.layout,
      kinds: selectKinds(['cpu', 'memory']),
      // No rescan during the test: the answer must come from the backoff alone.
      watch: {prefixes: [tc.root], rescanIntervalMs: 0, pollIntervalMs: 100},
      housekeeping: {intervalMs: 50, maxIntervalMs: 50, dynamic: false, jitterFactor: 0},
      resolver,
    })
    manager.on('add', (s) => seen.push(`${s.name} ${s.info?.factory}`))
    try {
      tc.mkdir()
      // docker's cgroupfs naming (…/docker/<id>): the name says docker owns it.
      tc.mkdir(`docker/${ID}`)
      await manager.start()
      const name = tc.name(`docker/${ID}`)
      await until('docker asked several times', () => manager.resolutionStats().failures.docker! >= 3)
      assert.equal(manager.get(name), undefined, 'pending: not published')
      assert.deepEqual(
        manager.pending().map((p) => [p.name, p.factory]),
        [[name, 'docker']],
      )
      assert.equal(manager.resolutionStats().pending, 1)
      engine.state = {kind: 'status', status: 'running'}
      await until('docker metadata', () => manager.get(name)?.info?.factory === 'docker')
      const info = manager.get(name)!.info!
      assert.equal(info.aliases[0], 'slow-starter')
      assert.equal(info.image, 'busybox:latest')
      assert.deepEqual(info.labels, {team: 'cadv'})
      assert.deepEqual(
        seen.filter((l) => l.startsWith(name)),
        [`${name} docker`],
        'one add, with its identity',
      )
      assert.equal(manager.watchStats().rescans, 0)
      // Definitive now: not asked again.
      const settled = engine.requests
      await new Promise((r) => setTimeout(r, 600))
      assert.equal(engine.requests, settled)
    } finally {
      await manager.stop()
      resolver.close()
      await tc.cleanup()
      await engine.close()
    }
  },
)
