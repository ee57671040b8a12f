// cAdvisor's REST API of `cadv serve` on real cgroups: every endpoint driven with cAdvisor's
// paths, parameters and POST body, and its JSON checked against cAdvisor's own types
// (test/fixtures/cadvisor/api-fields.json, cAdvisor 6a0c4f25); events as an array and as a
// stream; bad input answered with one JSON error and the right status.
import {after, before, describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {request} from 'node:http'

import {cadvisorShapeProblems} from '../helpers/cadvisor-schema.js'
import {TestCgroups, realCgroupSkipReason} from '../helpers/cgroups.js'
import {ServeProcess} from '../helpers/serve.js'
import {EventStream} from '../helpers/event-stream.js'
import {until} from '../helpers/wait.js'

const skip = realCgroupSkipReason()
let tc: TestCgroups
let serve: ServeProcess
let sleeper: number

interface Reply {
  status: number
  type: string
  body: unknown
  text: string
}

/** A request sent exactly as written (fetch would resolve `..` segments before sending). */
function raw(path: string, options: {method?: string; body?: string} = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({host: '127.0.0.1', port: serve.port, path, method: options.method ?? 'GET'}, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => (text += d))
      res.on('end', () => {
        let body: unknown
        try {
          body = JSON.parse(text)
        } catch {
          body = undefined
        }
        resolve({status: res.statusCode ?? 0, type: String(res.headers['content-type']), body, text})
      })
    })
    req.on('error', reject)
    req.end(options.body)
  })
}

async function ok(path: string, options: {method?: string; body?: string} = {}): Promise<unknown> {
  const r = await raw(path, options)
  assert.equal(r.status, 200, `${path}: ${r.text.slice(0, 300)}`)
  assert.equal(r.type, 'application/json')
  return r.body
}

function assertShape(value: unknown, type: string, api: 'v1' | 'v2'): void {
  const problems = cadvisorShapeProblems(value, type, api)
  assert.deepEqual(problems.slice(0, 10), [], `${api} ${type}`)
}

/** One JSON error with the given status. */
async function refused(path: string, status: number, match: RegExp, options: {method?: string; body?: string} = {}): Promise<void> {
  const r = await raw(path, options)
  assert.equal(r.status, status, `${path}: ${r.text}`)
  assert.equal(r.type, 'application/json')
  assert.deepEqual(Object.keys(r.body as object).sort(), ['error', 'status'])
  assert.match((r.body as {error: string}).error, match)
  assert.equal(r.text.split('\n').filter(Boolean).length, 1, 'one line')
}

describe('cAdvisor REST API on real cgroups', {skip}, () => {
  before(async () => {
    tc = new TestCgroups('cadvt-api')
    tc.mkdir()
    tc.mkdir('web/child')
    tc.mkdir('idle')
    sleeper = tc.spawnIn('web', 'sleep', ['3600']).pid!
    serve = await new ServeProcess([
      '--housekeeping-interval',
      '200ms',
      '--max-housekeeping-interval',
      '400ms',
      '--enable-metrics',
      'cpu,memory,diskIO,network,process,pressure,oom_event',
      '--raw-cgroup-prefix-whitelist',
      tc.root,
    ]).ready()
    await until('samples of web', async () => {
      const r = await raw(`/api/v2.0/stats${tc.name('web')}?count=3`)
      return r.status === 200 && (r.body as Record<string, unknown[]>)[tc.name('web')]!.length >= 3
    })
  })

  after(async () => {
    await serve?.stop()
    await tc?.cleanup()
  })

  test('v1 machine, containers (GET and POST), subcontainers', async () => {
    for (const v of ['v1.0', 'v1.3']) assertShape(await ok(`/api/${v}/machine`), 'MachineInfo', 'v1')
    const web = tc.name('web')
    const info = (await ok(`/api/v1.3/containers${web}`)) as {name: string; subcontainers: Array<{name: string}>; stats: unknown[]}
    assertShape(info, 'ContainerInfo', 'v1')
    assert.equal(info.name, web)
    assert.deepEqual(
      info.subcontainers.map((s) => s.name),
      [tc.name('web/child')],
    )
    assert.ok(info.stats.length >= 3 && info.stats.length <= 60)
    // The same path with a trailing slash and doubled slashes, as cAdvisor cleans it.
    assert.equal(((await ok(`/api/v1.3/containers/${web.slice(1)}//`)) as {name: string}).name, web)
    const two = (await ok(`/api/v1.3/containers${web}`, {method: 'POST', body: '{"num_stats":2}'})) as {stats: Array<{timestamp: string}>}
    assert.equal(two.stats.length, 2)
    assert.ok(Date.parse(two.stats[0]!.timestamp) < Date.parse(two.stats[1]!.timestamp), 'oldest first')
    const after = two.stats[1]!.timestamp
    const since = (await ok(`/api/v1.3/containers${web}`, {method: 'POST', body: JSON.stringify({num_stats: -1, start: after})})) as {
      stats: Array<{timestamp: string}>
    }
    assert.ok(since.stats.every((s) => Date.parse(s.timestamp) >= Date.parse(after)))
    // end: nothing after it; start and end together: the window between them.
    const first = two.stats[0]!.timestamp
    const upTo = (await ok(`/api/v1.3/containers${web}`, {method: 'POST', body: JSON.stringify({num_stats: -1, end: first})})) as {
      stats: Array<{timestamp: string}>
    }
    assert.ok(upTo.stats.length >= 1 && upTo.stats.every((s) => Date.parse(s.timestamp) <= Date.parse(first)))
    const window = (await ok(`/api/v1.3/containers${web}`, {
      method: 'POST',
      body: JSON.stringify({num_stats: -1, start: first, end: after}),
    })) as {stats: Array<{timestamp: string}>}
    assert.deepEqual(
      window.stats.map((s) => s.timestamp),
      [first, after],
    )
    const none = (await ok(`/api/v1.3/containers${web}`, {method: 'POST', body: '{"num_stats":0}'})) as Record<string, unknown>
    assert.equal('stats' in none, false, 'num_stats 0: no stats key, as Go omits an empty slice')
    const sub = (await ok(`/api/v1.1/subcontainers${tc.root}`)) as Array<{name: string}>
    assertShape(sub, '[]ContainerInfo', 'v1')
    assert.deepEqual(
      sub.map((c) => c.name),
      [tc.root, tc.name('idle'), web, tc.name('web/child')],
    )
    // cAdvisor's v1 client POSTs its query to subcontainers (and docker) too.
    const posted = (await ok(`/api/v1.3/subcontainers${tc.root}`, {method: 'POST', body: '{"num_stats":1}'})) as Array<{
      name: string
      stats: unknown[]
    }>
    assertShape(posted, '[]ContainerInfo', 'v1')
    assert.deepEqual(
      posted.map((c) => [c.name, c.stats.length]),
      [tc.root, tc.name('idle'), web, tc.name('web/child')].map((n) => [n, 1]),
    )
  })

  test('v2 version, attributes, machine, storage, machinestats', async () => {
    assert.equal(typeof (await ok('/api/v2.0/version')), 'string')
    assertShape(await ok('/api/v2.0/attributes'), 'Attributes', 'v2')
    assertShape(await ok('/api/v2.1/machine'), 'MachineInfo', 'v1')
    const storage = (await ok('/api/v2.0/storage')) as Array<{mountpoint: string}>
    assertShape(storage, '[]FsInfo', 'v2')
    assert.ok(storage.some((f) => f.mountpoint === '/'))
    assertShape(await ok('/api/v2.0/storage?label=root'), '[]FsInfo', 'v2')
    const machine = (await ok('/api/v2.1/machinestats?count=2')) as unknown[]
    assertShape(machine, '[]MachineStats', 'v2')
    assert.equal(machine.length, 2)
  })

  test('v2 stats, spec, summary, ps with count and recursive', async () => {
    const web = tc.name('web')
    const v20 = (await ok(`/api/v2.0/stats${web}?count=2`)) as Record<string, unknown[]>
    assertShape(v20, 'map[string][]DeprecatedContainerStats', 'v2')
    assert.deepEqual(Object.keys(v20), [web])
    assert.equal(v20[web]!.length, 2)
    // type=name is the default: the container by its cgroup name.
    assert.deepEqual(Object.keys((await ok(`/api/v2.0/spec${web}?type=name`)) as object), [web])
    const v21 = (await ok(`/api/v2.1/stats${tc.root}?recursive=true&count=1`)) as Record<string, {stats: Array<{cpu_inst?: unknown}>}>
    assertShape(v21, 'map[string]ContainerInfo', 'v2')
    assert.deepEqual(Object.keys(v21), [tc.root, tc.name('idle'), web, tc.name('web/child')])
    assert.ok(v21[web]!.stats[0]!.cpu_inst, 'cpu_inst from the sample before')
    const spec = await ok(`/api/v2.0/spec${tc.root}?recursive=true`)
    assertShape(spec, 'map[string]ContainerSpec', 'v2')
    const summary = (await ok(`/api/v2.0/summary${web}`)) as Record<string, {minute_usage: {memory: {present: boolean}}}>
    assertShape(summary, 'map[string]DerivedStats', 'v2')
    assert.equal(summary[web]!.minute_usage.memory.present, true)
    const ps = (await ok(`/api/v2.0/ps${web}`)) as Array<{pid: number; cmd: string; cgroup_path: string}>
    assertShape(ps, '[]ProcessInfo', 'v2')
    assert.deepEqual(
      ps.map((p) => [p.pid, p.cmd, p.cgroup_path]),
      [[sleeper, 'sleep', web]],
    )
    assert.deepEqual(await ok(`/api/v2.0/appmetrics${web}`), {[web]: {}})
    // max_age: the answer waits for a reading at most that old.
    const before = Date.now()
    const fresh = (await ok(`/api/v2.0/stats${web}?count=1&max_age=0s`)) as Record<string, Array<{timestamp: string}>>
    assert.ok(Date.parse(fresh[web]![0]!.timestamp) >= before - 1)
  })

  test('events: creation and deletion, filters, max_events, and a stream that delivers as it happens', async (ctx) => {
    const created = (await ok(`/api/v1.3/events${tc.root}?creation_events=true&subcontainers=true&max_events=-1`)) as Array<{
      container_name: string
      event_type: string
    }>
    assertShape(created, '[]Event', 'v1')
    assert.deepEqual(
      new Set(created.map((e) => e.container_name)),
      new Set([tc.root, tc.name('idle'), tc.name('web'), tc.name('web/child')]),
    )
    assert.ok(created.every((e) => e.event_type === 'containerCreation'))
    // v2.1 answers events as v2.0 does.
    assert.deepEqual(
      await ok(`/api/v2.1/events${tc.name('web')}?all_events=true`),
      await ok(`/api/v2.0/events${tc.name('web')}?all_events=true`),
    )
    const exact = (await ok(`/api/v2.0/events${tc.name('web')}?all_events=true`)) as Array<{container_name: string}>
    assert.deepEqual(
      exact.map((e) => e.container_name),
      [tc.name('web')],
      'without subcontainers: that container only',
    )
    assert.equal(((await ok(`/api/v1.3/events${tc.root}?all_events=1&subcontainers=true&max_events=2`)) as unknown[]).length, 2)
    assert.deepEqual(await ok(`/api/v1.3/events${tc.root}`), [], 'no type asked: nothing')

    // The stream: headers at once, then one JSON line per event as it is added.
    const stream = new EventStream(serve.url, `/api/v1.3/events${tc.root}?stream=true&deletion_events=true&subcontainers=true`)
    try {
      await until('the stream to open', () => stream.status === 200)
      assert.equal(stream.contentType, 'application/json')
      const removedAt = Date.now()
      tc.rmdir('idle')
      const line = await until('the deletion on the stream', () => stream.lines.find((l) => l.event.container_name === tc.name('idle')))
      assertShape(line.event, 'Event', 'v1')
      assert.equal(line.event.event_type, 'containerDeletion')
      assert.deepEqual(line.event.event_data, {container_deletion: {exit_code: -1}})
      ctx.diagnostic(`stream line ${line.receivedMs - removedAt} ms after the rmdir`)
      assert.equal(stream.lines.length, 1, 'past events are not replayed; only deletions asked for')
    } finally {
      stream.close()
    }
    const stored = (await ok(`/api/v1.3/events${tc.name('idle')}?deletion_events=true`)) as unknown[]
    assert.equal(stored.length, 1)
  })

  test('bad input: one JSON error with the status that says why', async () => {
    const web = tc.name('web')
    await refused('/api/v1.3/events?oom_kil_events=true', 400, /unknown event type "oom_kil_events"/)
    await refused('/api/v1.3/events?all_events=yes', 400, /all_events: "yes" is not a boolean/)
    await refused('/api/v1.3/events?all_events=true&start_time=yesterday', 400, /start_time: "yesterday" is not an RFC 3339 time/)
    await refused('/api/v1.3/events?all_events=true&end_time=2026-02-31T00:00:00Z', 400, /end_time/)
    await refused('/api/v1.3/events?all_events=true&max_events=99999999999', 400, /max_events must be between -1/)
    await refused('/api/v1.3/events?stream=true&all_events=true&start_time=2026-01-01T00:00:00Z', 400, /cannot be used with stream=true/)
    await refused(`/api/v1.3/containers${web}/../idle`, 400, /\.\. segments/)
    await refused(`/api/v1.3/containers${web}/%2e%2e/idle`, 400, /\.\. segments/)
    await refused(`/api/v1.3/containers${web}%00`, 400, /NUL/)
    await refused('/api/v1.3/containers/%zz', 400, /percent-encoding/)
    await refused(`/api/v1.3/containers${tc.root}/nope`, 404, /unknown container/)
    await refused(`/api/v2.0/stats${tc.root}/nope?recursive=true`, 404, /unknown container/)
    await refused('/api/v1.2/docker/no-such-container', 404, /unable to find container "no-such-container" in "docker" namespace/)
    await refused('/api/v2.0/spec/no-such-container?type=podman', 404, /in "podman" namespace/)
    await refused('/api/v1.2/docker/a/b', 400, /unknown request for Docker container/)
    await refused('/api/v2.0/stats/?type=lxc', 400, /unknown 'type'/)
    await refused('/api/v2.0/stats/?count=-2', 400, /invalid 'count'/)
    await refused('/api/v2.0/version?max_age=soon', 400, /max_age/)
    await refused('/api/v9/machine', 404, /unsupported API version "v9"/)
    await refused('/api/v1.0/events', 404, /unknown request type "events"/)
    await refused('/api/v1.3', 400, /Supported request types: "containers,docker,events,machine,subcontainers"/)
    await refused('/api/', 400, /Supported API versions: v1.0,v1.1,v1.2,v1.3,v2.0,v2.1/)
    await refused(`/api/v1.3/containers${web}`, 400, /unable to decode the json value/, {method: 'POST', body: '{num_stats'})
    await refused(`/api/v1.3/containers${web}`, 400, /num_stats must be an integer/, {method: 'POST', body: '{"num_stats":-5}'})
    await refused(`/api/v1.3/containers${web}`, 413, /request body over/, {method: 'POST', body: ' '.repeat(70 * 1024)})
    const put = await raw(`/api/v1.3/containers${web}`, {method: 'PUT'})
    assert.equal(put.status, 405)
    // Nothing changed: the containers are all still there.
    assert.equal(((await ok(`/api/v1.1/subcontainers${tc.root}`)) as unknown[]).length, 3)
  })
})
