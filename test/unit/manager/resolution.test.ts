// When a container may be published: pending while the runtime its name points to has not
// answered (re-asked on a backoff), from its name alone past the wait bound (one warning per
// outage), corrected once when the answer comes. The resolver is scripted: what a runtime says
// is decided per test, the timing is real.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {createResolver} from '../../../src/lib/factories/index.js'
import {Resolutions, type Publication} from '../../../src/lib/manager/resolution.js'
import type {ContainerResolver, Resolution} from '../../../src/lib/model/index.js'
import {until} from '../../helpers/wait.js'

const ID = 'a'.repeat(64)

/** What the name alone says: docker, the id, no metadata. */
function byName(name: string): Resolution {
  return {
    decision: {name, factory: 'docker', accepted: true, id: ID, checks: []},
    info: {name, factory: 'docker', id: ID, aliases: [ID], labels: {}, env: {}, pid: 0, hasNetwork: false},
  }
}

/** docker unreachable: the decision is raw, awaiting docker. */
function awaiting(name: string): Resolution {
  return {
    decision: {name, factory: 'raw', accepted: true, id: null, checks: []},
    info: {name, factory: 'raw', aliases: [], labels: {}, env: {}, pid: 0, hasNetwork: false},
    provisional: true,
    awaiting: {factory: 'docker', reason: 'unreachable: /run/docker.sock (connect ECONNREFUSED)', byName: byName(name)},
  }
}

function answer(name: string): Resolution {
  return {
    decision: {name, factory: 'docker', accepted: true, id: ID, checks: []},
    info: {name, factory: 'docker', id: ID, aliases: ['web', ID], image: 'busybox', labels: {}, env: {}, pid: 42, hasNetwork: true},
  }
}

/** A resolver whose docker is down until `up` is set; every ask is counted. */
function scripted(): ContainerResolver & {up: boolean; asks: Map<string, number>} {
  const asks = new Map<string, number>()
  const r = {
    up: false,
    asks,
    async resolve(name: string): Promise<Resolution> {
      asks.set(name, (asks.get(name) ?? 0) + 1)
      return r.up ? answer(name) : awaiting(name)
    },
    forget: () => undefined,
  }
  return r
}

interface Seen {
  published: Array<[string, Publication, string | undefined]>
  warnings: string[]
}

function hooks(seen: Seen) {
  return {
    accepted: (name: string, r: Resolution | undefined, how: Publication) => seen.published.push([name, how, r?.info?.aliases[0]]),
    ignored: () => undefined,
    warn: (m: string) => seen.warnings.push(m),
  }
}

test('pending while the runtime does not answer, asked again on a backoff, published once it answers', async () => {
  const resolver = scripted()
  const seen: Seen = {published: [], warnings: []}
  const res = new Resolutions(resolver, hooks(seen), {waitMs: 60_000, firstRetryMs: 10, maxRetryMs: 40})
  try {
    res.ask('/docker/a')
    await until('three asks', () => (resolver.asks.get('/docker/a') ?? 0) >= 3)
    assert.deepEqual(seen.published, [], 'never published under another identity')
    assert.equal(res.isPending('/docker/a'), true)
    assert.deepEqual(
      res.pending().map((p) => [p.name, p.factory]),
      [['/docker/a', 'docker']],
    )
    assert.ok(res.stats().failures.docker! >= 3)
    resolver.up = true
    await res.settled()
    assert.deepEqual(seen.published, [['/docker/a', 'answer', 'web']])
    assert.deepEqual(seen.warnings, [])
    const asked = resolver.asks.get('/docker/a')
    await new Promise((r) => setTimeout(r, 100))
    assert.equal(resolver.asks.get('/docker/a'), asked, 'a definitive answer is not asked again')
  } finally {
    res.clear()
  }
})

test('past the wait bound: published from the name, one warning per outage, corrected once when the runtime answers', async () => {
  const resolver = scripted()
  const seen: Seen = {published: [], warnings: []}
  const res = new Resolutions(resolver, hooks(seen), {waitMs: 80, firstRetryMs: 10, maxRetryMs: 20})
  try {
    res.ask('/docker/a')
    await res.settled()
    assert.deepEqual(seen.published, [['/docker/a', 'byName', ID]])
    assert.equal(seen.warnings.length, 1)
    assert.match(
      seen.warnings[0]!,
      /^docker has not answered for \/docker\/a within 0\.08 s \(unreachable: .*\); its containers are published from their names alone/,
    )
    assert.deepEqual(res.stats(), {pending: 0, byName: 1, failures: res.stats().failures})
    // During the outage a new container of the same runtime does not wait the bound again.
    res.ask('/docker/b')
    await until('b published', () => seen.published.some(([n]) => n === '/docker/b'))
    assert.deepEqual(seen.published[1], ['/docker/b', 'byName', ID])
    assert.equal(seen.warnings.length, 1, 'one warning for the outage')
    resolver.up = true
    await until('both corrected', () => seen.published.filter(([, how]) => how === 'corrected').length === 2)
    assert.deepEqual(seen.published.slice(2).sort(), [
      ['/docker/a', 'corrected', 'web'],
      ['/docker/b', 'corrected', 'web'],
    ])
    assert.deepEqual(res.byName(), [])
    // The outage is over: a new container waits for its answer again rather than its name.
    resolver.up = false
    res.ask('/docker/c')
    await new Promise((r) => setTimeout(r, 30))
    assert.equal(res.isPending('/docker/c'), true)
  } finally {
    res.clear()
  }
})

test('a container deleted while it waits is asked no more and never published', async () => {
  const resolver = scripted()
  const seen: Seen = {published: [], warnings: []}
  const res = new Resolutions(resolver, hooks(seen), {waitMs: 60_000, firstRetryMs: 5, maxRetryMs: 5})
  res.ask('/docker/a')
  await until('asked twice', () => (resolver.asks.get('/docker/a') ?? 0) >= 2)
  res.forget('/docker/a')
  const asked = resolver.asks.get('/docker/a')
  await new Promise((r) => setTimeout(r, 120))
  assert.equal(resolver.asks.get('/docker/a'), asked)
  assert.deepEqual(seen.published, [])
  assert.deepEqual(res.pending(), [])
  await res.settled()
})

test('a provisional decision that awaits no runtime is published at once and asked again until it settles', async () => {
  let n = 0
  const name = '/kubepods/pod1/' + ID
  const resolver: ContainerResolver = {
    async resolve() {
      n++
      const r = answer(name)
      return n < 3 ? {...r, provisional: true} : r
    },
    forget: () => undefined,
  }
  const seen: Seen = {published: [], warnings: []}
  const res = new Resolutions(resolver, hooks(seen), {waitMs: 60_000, firstRetryMs: 5, maxRetryMs: 1000})
  try {
    res.ask(name)
    await res.settled()
    assert.deepEqual(seen.published[0], [name, 'answer', 'web'])
    await until('settled after three asks', () => n === 3 && seen.published.length === 3)
    assert.equal(res.isPending(name), false)
  } finally {
    res.clear()
  }
})

test('a runtime whose socket is missing is not waited for: the decision is published at once and asked again', async () => {
  let present = false
  const name = '/docker/a'
  const resolver: ContainerResolver = {
    async resolve() {
      if (present) return answer(name)
      const r = awaiting(name)
      return {...r, awaiting: {...r.awaiting!, reason: 'unreachable: /run/docker.sock (connect ENOENT)', absent: true}}
    },
    forget: () => undefined,
  }
  const seen: Seen = {published: [], warnings: []}
  const res = new Resolutions(resolver, hooks(seen), {waitMs: 60_000, firstRetryMs: 5, maxRetryMs: 20})
  try {
    res.ask(name)
    await res.settled()
    assert.deepEqual(seen.published, [[name, 'answer', undefined]], 'published as decided (raw), not held')
    assert.deepEqual([res.pending(), res.byName()], [[], []])
    present = true
    await until('docker answers once its socket is back', () => seen.published.length === 2)
    assert.deepEqual(seen.published[1], [name, 'answer', 'web'])
    assert.deepEqual(seen.warnings, [])
  } finally {
    res.clear()
  }
})

test("a published definitive answer leaves the resolver's cache; an ignored one's stays", async () => {
  // Offline: decided from names alone; a whitelist makes /other ignored.
  const resolver = createResolver({offline: true, rawCgroupPrefixWhitelist: ['/kept']})
  const forgotten: string[] = []
  const counting: ContainerResolver = {
    resolve: (name) => resolver.resolve(name),
    forget: (name) => {
      forgotten.push(name)
      resolver.forget(name)
    },
  }
  const seen: Seen = {published: [], warnings: []}
  const res = new Resolutions(counting, hooks(seen), {waitMs: 60_000})
  try {
    res.ask('/kept/a')
    res.ask('/other')
    await res.settled()
    await until('both answered', () => seen.published.length === 1 && res.ignored().has('/other'))
    assert.deepEqual(forgotten, ['/kept/a'])
    // The ignored name's answer is the cached one (the same object), the published one's anew.
    const other = await resolver.resolve('/other')
    assert.equal(await resolver.resolve('/other'), other)
    assert.equal(other.decision.accepted, false)
  } finally {
    res.clear()
    resolver.close()
  }
})
