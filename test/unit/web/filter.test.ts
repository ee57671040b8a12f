// The container list's filter words and sort order.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {depthOf, FilterSyntaxError, matchesFilter, parseFilter, sortRows} from '../../../web/src/filter.js'
import type {ContainerRow} from '../../../web/src/types.js'

function row(name: string, extra: Partial<ContainerRow> = {}): ContainerRow {
  return {
    name,
    container: name,
    factory: 'raw',
    depth: name === '/' ? 0 : name.split('/').length - 1,
    aliases: [],
    memoryLimited: false,
    idle: false,
    ...extra,
  }
}

const web = row('/docker/1', {
  factory: 'docker',
  aliases: ['web'],
  image: 'nginx:1.25',
  cpuPercent: 75,
  memoryUsageBytes: 300 * 2 ** 20,
  pids: 4,
})
const db = row('/docker/2', {
  factory: 'docker',
  aliases: ['db'],
  image: 'postgres:16',
  cpuPercent: 5,
  memoryUsageBytes: 2 * 2 ** 30,
  pids: 30,
})
const slice = row('/system.slice/cron.service', {factory: 'systemd'})
const rows = [web, db, slice]
const pick = (text: string) => rows.filter((r) => matchesFilter(r, parseFilter(text))).map((r) => r.aliases[0] ?? r.name)

test('bare words look in name, alias, image and factory; all words must match', () => {
  assert.deepEqual(pick(''), ['web', 'db', '/system.slice/cron.service'])
  assert.deepEqual(pick('NGINX'), ['web'])
  assert.deepEqual(pick('docker'), ['web', 'db'])
  assert.deepEqual(pick('cron'), ['/system.slice/cron.service'])
  assert.deepEqual(pick('docker db'), ['db'])
})

test('fields and numbers: factory:, image:, name:, cpu>, mem>, pids<', () => {
  assert.deepEqual(pick('factory:systemd'), ['/system.slice/cron.service'])
  assert.deepEqual(pick('image:postgres'), ['db'])
  assert.deepEqual(pick('name:we'), ['web'])
  assert.deepEqual(pick('cpu>50'), ['web'])
  assert.deepEqual(pick('cpu<10'), ['db'], 'a row without a CPU figure matches no comparison')
  assert.deepEqual(pick('mem>1GiB'), ['db'])
  assert.deepEqual(pick('mem>100MiB mem<500MB'), ['web'])
  assert.deepEqual(pick('pids<10'), ['web'])
})

test('mistakes are one line that says what to write', () => {
  assert.throws(
    () => parseFilter('cpu>lots'),
    (e: Error) => e instanceof FilterSyntaxError && /e\.g\. cpu>50/.test(e.message),
  )
  assert.throws(() => parseFilter('mem>5parsecs'), /e\.g\. mem>100MiB/)
  assert.throws(() => parseFilter('colour:red'), /unknown filter "colour"/)
  assert.throws(() => parseFilter('factory:'), /factory:web/)
})

test('sorting: chosen direction, rows without a value last either way, ties by name', () => {
  const cpu = {id: 'cpu', value: (r: ContainerRow) => r.cpuPercent}
  const names = (rs: ContainerRow[]) => rs.map((r) => r.name)
  assert.deepEqual(names(sortRows([...rows], cpu, true, (r) => r.name)), ['/docker/1', '/docker/2', '/system.slice/cron.service'])
  assert.deepEqual(names(sortRows([...rows], cpu, false, (r) => r.name)), ['/docker/2', '/docker/1', '/system.slice/cron.service'])
  const same = [row('/b', {cpuPercent: 1}), row('/a', {cpuPercent: 1})]
  assert.deepEqual(names(sortRows(same, cpu, true, (r) => r.name)), ['/a', '/b'])
  assert.equal(depthOf('/'), 0)
  assert.equal(depthOf('/a/b'), 2)
})
