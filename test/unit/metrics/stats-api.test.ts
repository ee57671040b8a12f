// /api/v1/stats (every container as a `cadv stats --json` row, with image and aliases),
// /api/v1/machine, and /api/v1/containers/<name>?since=: what the web UI polls.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {containersApi, machineApi, readMachineInfo, statsApi, type Route} from '../../../src/lib/metrics/index.js'
import {dockerState, sample} from '../../helpers/states.js'
import {ListView, rawState} from '../../helpers/view.js'

async function getJson(route: Route, path: string): Promise<{status: number; body: unknown}> {
  let body = ''
  let status = 0
  const res = {
    req: {method: 'GET'},
    writeHead: (s: number) => {
      status = s
      return res
    },
    end: (b?: Buffer) => {
      body = b?.toString('utf8') ?? ''
    },
  }
  await route.handle({} as never, res as never, new URL(path, 'http://x'))
  return {status, body: JSON.parse(body)}
}

function view(): ListView {
  const docker = dockerState()
  docker.samples = [sample(docker.name, 1_700_000_000_000, 1e9), sample(docker.name, 1_700_000_001_000, 1.5e9)]
  return new ListView([rawState('/'), docker, rawState('/docker'), rawState('/dockerd'), rawState('/new')])
}

test('/api/v1/stats: a row per container sorted by name, rates from its two newest samples, unsampled ones by name only', async () => {
  const {status, body} = await getJson(statsApi(view(), 8e9), '/api/v1/stats')
  assert.equal(status, 200)
  const rows = body as Array<Record<string, unknown>>
  assert.deepEqual(
    rows.map((r) => r.name),
    ['/', '/docker', '/docker/abc', '/dockerd', '/new'],
  )
  const d = rows.find((r) => r.name === '/docker/abc')!
  assert.equal(d.cpuPercent, 50)
  assert.equal(d.image, 'nginx:1')
  assert.deepEqual(d.aliases, ['web'])
  assert.equal(d.factory, 'docker')
  assert.equal(d.memoryLimitBytes, 1e9, 'its own limit, below the host memory')
  assert.equal(d.memoryLimited, true)
  const fresh = rows.find((r) => r.name === '/new')!
  assert.deepEqual(fresh, {name: '/new', container: '/new', factory: 'raw', depth: 1, memoryLimited: false, idle: false, aliases: []})
})

test('/api/v1/stats?prefix= keeps that container and those below it, not its namesakes', async () => {
  const {body} = await getJson(statsApi(view(), undefined), '/api/v1/stats?prefix=/docker/')
  assert.deepEqual(
    (body as Array<{name: string}>).map((r) => r.name),
    ['/docker', '/docker/abc'],
  )
  assert.equal((await getJson(statsApi(view(), undefined), '/api/v1/stats?prefix=docker')).status, 400)
})

test('/api/v1/containers/<name>?since= gives the samples after that time, all of them however many', async () => {
  const v = view()
  const c = v.get('/docker/abc')!
  c.samples = Array.from({length: 100}, (_, i) => sample('/docker/abc', 1_700_000_000_000 + i * 1000))
  const api = containersApi(v)
  const after = await getJson(api, '/api/v1/containers/docker/abc?since=1700000010000')
  const times = (after.body as {samples: {timestampMs: number}[]}).samples.map((s) => s.timestampMs)
  assert.equal(times.length, 89)
  assert.equal(times[0], 1_700_000_011_000)
  const none = await getJson(api, '/api/v1/containers/docker/abc?since=1700000099000')
  assert.equal((none.body as {samples: unknown[]}).samples.length, 0)
  const capped = await getJson(api, '/api/v1/containers/docker/abc?since=0&count=3')
  assert.equal((capped.body as {samples: unknown[]}).samples.length, 3)
  assert.equal((await getJson(api, '/api/v1/containers/docker/abc?since=soon')).status, 400)
})

test('/api/v1/machine: the host and how it is sampled', async () => {
  const machine = readMachineInfo()
  const settings = {housekeepingIntervalMs: 1000, maxHousekeepingIntervalMs: 60_000, dynamicHousekeeping: true, storageDurationMs: 120_000}
  const {body} = await getJson(machineApi(machine, settings, '9.9.9'), '/api/v1/machine')
  const m = body as Record<string, unknown>
  assert.equal(m.cpuCores, machine.cpuCores)
  assert.equal(m.memoryBytes, machine.memoryBytes)
  assert.equal(m.cadvVersion, '9.9.9')
  assert.equal(m.storageDurationMs, 120_000)
  assert.equal(typeof m.hostname, 'string')
})
