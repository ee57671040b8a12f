// `cadv watch --resolve`'s enrichment: order kept whatever the lookup times, deletes carry
// their add's resolution and never trigger a lookup, the cache is dropped on delete.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {annotateEvents} from '../../../src/lib/manager/index.js'
import {makeEvent, type ContainerEvent, type ContainerResolver, type Resolution} from '../../../src/lib/model/index.js'

/** A resolver whose lookups take the given time; docker owns names under /docker. */
function slowResolver(delays: Record<string, number>): ContainerResolver & {asked: string[]; forgotten: string[]} {
  const asked: string[] = []
  const forgotten: string[] = []
  return {
    asked,
    forgotten,
    resolve(name) {
      asked.push(name)
      const docker = name.startsWith('/docker/')
      const r: Resolution = docker
        ? {
            decision: {name, factory: 'docker', accepted: true, id: 'x'.repeat(64), checks: []},
            info: {
              name,
              factory: 'docker',
              id: 'x'.repeat(64),
              aliases: ['web', 'x'.repeat(64)],
              image: 'img',
              labels: {a: 'b'},
              env: {},
              pid: 1,
              hasNetwork: true,
            },
          }
        : name.endsWith('.mount')
          ? {decision: {name, factory: 'systemd', accepted: false, id: null, checks: []}}
          : {
              decision: {name, factory: 'raw', accepted: true, id: null, checks: []},
              info: {name, factory: 'raw', aliases: [], labels: {}, env: {}, pid: 0, hasNetwork: false},
            }
      return new Promise((res) => setTimeout(() => res(r), delays[name] ?? 0))
    },
    forget(name) {
      forgotten.push(name)
    },
  }
}

test('events leave in arrival order even when an earlier lookup is slower', async () => {
  const r = slowResolver({'/docker/a': 80, '/b': 0, '/c.mount': 10})
  const out: ContainerEvent[] = []
  const q = annotateEvents(r, (e) => out.push(e))
  for (const n of ['/docker/a', '/b', '/c.mount']) q.push(makeEvent('ContainerAdd', n, false))
  q.push(makeEvent('ContainerDelete', '/docker/a', false))
  await q.drain()
  assert.deepEqual(
    out.map((e) => `${e.type} ${e.name}`),
    ['ContainerAdd /docker/a', 'ContainerAdd /b', 'ContainerAdd /c.mount', 'ContainerDelete /docker/a'],
  )
  const [a, b, c, del] = out as [ContainerEvent, ContainerEvent, ContainerEvent, ContainerEvent & {ignored?: boolean}]
  assert.deepEqual(
    {factory: a.factory, id: a.id, alias: a.alias, image: a.image, labels: a.labels},
    {factory: 'docker', id: 'x'.repeat(64), alias: 'web', image: 'img', labels: {a: 'b'}},
  )
  assert.deepEqual([b.factory, b.alias, b.labels], ['raw', undefined, undefined])
  assert.equal((c as {ignored?: boolean}).ignored, true)
  assert.equal(del.alias, 'web', 'the delete carries its add resolution')
  assert.deepEqual(r.asked, ['/docker/a', '/b', '/c.mount'], 'no lookup for the delete')
  // The deleted one, and the one whose answer was acted on for good; the ignored one's stays cached.
  assert.deepEqual([...r.forgotten].sort(), ['/b', '/docker/a'])
})

test('a delete of a container never added goes out plain', async () => {
  const r = slowResolver({})
  const out: ContainerEvent[] = []
  const q = annotateEvents(r, (e) => out.push(e))
  q.push(makeEvent('ContainerDelete', '/gone', false))
  await q.drain()
  assert.equal(out[0]!.factory, undefined)
  assert.deepEqual(r.asked, [])
})

test('a write that throws is reported and does not stop the writes after it', async () => {
  const r = slowResolver({})
  const out: string[] = []
  const errors: string[] = []
  const q = annotateEvents(
    r,
    (e) => {
      if (e.name === '/b') throw new Error('disk full')
      out.push(e.name)
    },
    {onError: (err) => errors.push((err as Error).message)},
  )
  for (const n of ['/a', '/b', '/c']) q.push(makeEvent('ContainerAdd', n, false))
  await q.drain()
  assert.deepEqual(out, ['/a', '/c'])
  assert.deepEqual(errors, ['disk full'])
})
