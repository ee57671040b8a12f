// Which rows `cadv stats` shows and in which order: leaves by default, the tree on request,
// and an order that noise does not shuffle.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import type {ContainerInfo, ContainerState} from '../../../src/lib/model/index.js'
import type {StatsRow} from '../../../src/lib/model/index.js'
import {buildRows, parseFilters, RowOrder} from '../../../src/lib/output/stats-rows.js'

/** A container with two samples one second apart: `cpu` percent of a core, `mem` bytes. */
function state(name: string, cpu = 1, mem = 100 * 2 ** 20, info?: Partial<ContainerInfo>): ContainerState {
  const s = (ts: number, ns: number) => ({
    name,
    timestampMs: ts,
    cpu: {usageNs: ns},
    memory: {workingSetBytes: mem},
    processes: {processes: 1, threads: 1},
  })
  return {
    name,
    firstSeenMs: 0,
    samples: [s(1000, 0), s(2000, cpu * 1e7)] as unknown as ContainerState['samples'],
    ...(info ? {info: {name, factory: 'docker', aliases: [], labels: {}, env: {}, pid: 0, hasNetwork: true, ...info}} : {}),
  }
}

const names = (rows: StatsRow[]): string[] => rows.map((r) => r.name)

test('by default only leaves show: a parent counts its children again', () => {
  const states = [state('/'), state('/docker', 30), state('/docker/a', 10), state('/docker/b', 20), state('/system.slice/cron.service', 1)]
  assert.deepEqual(names(buildRows(states)), ['/docker/b', '/docker/a', '/system.slice/cron.service'])
  // --all is every cgroup, flat; --tree puts each under its parent, siblings by the sort key.
  assert.deepEqual(names(buildRows(states, {all: true, sort: 'name'})), [
    '/',
    '/docker',
    '/docker/a',
    '/docker/b',
    '/system.slice/cron.service',
  ])
  assert.deepEqual(names(buildRows(states, {tree: true})), ['/', '/docker', '/docker/b', '/docker/a', '/system.slice/cron.service'])
})

test('the tree keeps the ancestors of a filtered row, and nothing else', () => {
  const states = [state('/docker', 30), state('/docker/a', 10, undefined, {aliases: ['web']}), state('/docker/b', 20), state('/other', 5)]
  const rows = buildRows(states, {tree: true, search: 'web'})
  assert.deepEqual(names(rows), ['/docker', '/docker/a'])
})

test('the search matches the name, the alias, the id, the factory and the image', () => {
  const states = [state('/docker/x', 1, undefined, {aliases: ['web'], id: 'deadbeef', image: 'nginx:1'}), state('/raw/y')]
  for (const needle of ['WEB', 'docker/x', 'beef', 'docker', 'nginx'])
    assert.deepEqual(names(buildRows(states, {search: needle})), ['/docker/x'], needle)
})

test('Kubernetes containers show as namespace/pod/container, whatever the runtime calls them', () => {
  const labels = {'io.kubernetes.pod.namespace': 'shop', 'io.kubernetes.pod.name': 'web-7d4b9c', 'io.kubernetes.container.name': 'nginx'}
  const [row] = buildRows([state('/kubepods/pod1/abc', 1, undefined, {factory: 'containerd', aliases: ['abc'], labels})])
  assert.equal(row!.container, 'shop/web-7d4b9c/nginx')
})

test('noise does not reorder rows; a real change does at once', () => {
  const order = new RowOrder()
  // Two containers near 40% and 45% CPU, each wobbling ±8% every refresh (a steady load read
  // once a second varies by a few percent): neither leaves its band, so neither moves.
  let previous: string | undefined
  for (let i = 0; i < 50; i++) {
    const wobble = (base: number, k: number) => base * (1 + 0.08 * Math.sin(i * 1.7 + k))
    const rows = buildRows([state('/a', wobble(40, 0)), state('/b', wobble(45, 2)), state('/idle', 0.01 * (i % 3))], {order})
    const now = names(rows).join()
    if (previous !== undefined) assert.equal(now, previous, `refresh ${i}`)
    previous = now
  }
  const rows = buildRows([state('/a', 40), state('/b', 45), state('/idle', 90)], {order})
  assert.equal(rows[0]!.name, '/idle', 'from 0% to 90%: first at the next refresh')
})

test('a value on the edge of a band does not flap', () => {
  const order = new RowOrder()
  const seen = new Set<string>()
  for (let i = 0; i < 40; i++) {
    // /a hovers around /b's value, crossing a band edge back and forth by 5%.
    const rows = buildRows([state('/a', i % 2 ? 10.5 : 9.5), state('/b', 10)], {order})
    seen.add(names(rows).join())
  }
  assert.equal(seen.size, 1)
})

test('--filter factory= must name a factory; near misses get a suggestion', () => {
  const known = ['docker', 'podman', 'containerd', 'crio', 'systemd', 'raw']
  assert.deepEqual(parseFilters(['factory=docker'], known).factory, ['docker'])
  assert.throws(
    () => parseFilters(['factory=dockr'], known),
    /no factory is called "dockr" \(did you mean docker\?\); known: docker, podman/,
  )
  assert.throws(() => parseFilters(['facotry=docker'], known), /unknown key "facotry" \(did you mean factory\?\)/)
})

test('a container waiting for its runtime is a row, never dropped, and its parent stays hidden as a parent', () => {
  const states = [state('/docker', 30), state('/docker/a', 10)]
  const pending = [{name: '/docker/b', factory: 'docker', reason: 'timed out'}]
  const rows = buildRows(states, {}, pending)
  assert.deepEqual(names(rows), ['/docker/a', '/docker/b'])
  const b = rows.find((r) => r.name === '/docker/b')!
  assert.deepEqual(
    [b.container, b.factory, b.depth, b.cpuPercent, b.pending],
    ['/docker/b', 'docker', 2, undefined, 'docker has not answered (timed out)'],
  )
  // The factory filter and the search apply to it as to any row.
  assert.deepEqual(names(buildRows(states, {filters: parseFilters(['factory=podman'])}, pending)), [])
  assert.deepEqual(names(buildRows(states, {search: 'docker/b'}, pending)), ['/docker/b'])
})
