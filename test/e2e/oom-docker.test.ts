// A real OOM kill inside a docker container (a private dockerd from test/helpers/runtimes.ts):
// the container gets a 16 MiB limit with `docker update`, a process started by `docker exec`
// allocates until the kernel kills it. `cadv watch --resolve` prints OOM and OOMKill lines with
// the container's docker identity, and `cadv serve` has the kill once in its events API (by the
// container's cgroup name, found from its docker name) and in container_oom_events_total.
import {after, before, describe, test} from 'node:test'
import assert from 'node:assert/strict'
import type {ChildProcess} from 'node:child_process'
import {randomBytes} from 'node:crypto'

import {cadvisorShapeProblems} from '../helpers/cadvisor-schema.js'
import {onJsonLines, startCli} from '../helpers/cli.js'
import {EventStream} from '../helpers/event-stream.js'
import {parseExposition, samples} from '../helpers/exposition.js'
import {OOM_LIMIT, oomSkipReason} from '../helpers/oom.js'
import {Runtimes, runtimeSkipReason} from '../helpers/runtimes.js'
import {ServeProcess} from '../helpers/serve.js'
import {until} from '../helpers/wait.js'

const skip = runtimeSkipReason(['containerd', 'docker']) ?? oomSkipReason()

describe('an OOM kill in a docker container', {skip}, () => {
  let rt: Runtimes
  let serve: ServeProcess
  let watch: ChildProcess
  const tag = randomBytes(3).toString('hex')
  const dockerName = `cadv-oom-${tag}`
  let id = ''
  let cgroup = ''
  const lines: Array<Record<string, unknown>> = []
  let watchErr = ''

  before(async () => {
    rt = new Runtimes()
    await rt.start(['containerd', 'docker'])
    id = await rt.runDocker({name: dockerName, labels: {'cadv.test': 'oom'}})
    cgroup = `${rt.cgroupParent}/docker/${id}`
    await rt.docker(['update', '--memory', String(OOM_LIMIT), '--memory-swap', String(OOM_LIMIT), id])
    watch = startCli(['watch', '--resolve', '--prefix', rt.cgroupParent, '--type', 'ContainerAdd,OOM,OOMKill', ...rt.cadvFlags()])
    onJsonLines<Record<string, unknown>>(watch.stdout!, (e) => lines.push(e))
    watch.stderr!.on('data', (d: Buffer) => (watchErr += d.toString()))
    serve = await new ServeProcess([
      ...rt.cadvFlags(),
      '--housekeeping-interval',
      '250ms',
      '--enable-metrics',
      'memory,oom_event',
      '--raw-cgroup-prefix-whitelist',
      rt.cgroupParent,
    ]).ready()
    await until(
      'the container resolved by watch and serve',
      async () =>
        lines.some((l) => l.name === cgroup && l.alias === dockerName) &&
        (await fetch(`${serve.url}/api/v1.2/docker/${dockerName}`)).status === 200,
      {timeoutMs: 60_000, detail: () => `watch: ${JSON.stringify(lines.slice(-3))} ${watchErr}; serve: ${serve.stderr}`},
    )
  })

  after(async () => {
    if (watch && watch.exitCode === null && watch.signalCode === null) {
      const exited = new Promise((r) => watch.once('exit', r))
      watch.kill('SIGTERM')
      await exited
    }
    await serve?.stop()
    await rt?.teardown()
  })

  test('watch --resolve names the container; serve has the kill once, on its stream too', async () => {
    const stream = await new EventStream(serve.url, `/api/v1.3/events${cgroup}?stream=true&oom_kill_events=true`).opened()
    try {
      // busybox tail keeps /dev/zero's one endless "line" until the limit is hit.
      const exec = await rt.docker(['exec', id, 'tail', '/dev/zero']).then(
        () => 'exited',
        (err: Error) => err.message,
      )
      assert.notEqual(exec, 'exited', 'the allocating process was killed')
      const kill = await until('the OOMKill line', () => lines.find((l) => l.type === 'OOMKill' && l.name === cgroup), {
        timeoutMs: 15_000,
        detail: () => watchErr,
      })
      const oom = lines.find((l) => l.type === 'OOM' && l.name === cgroup)
      assert.ok(oom, 'an OOM line for the container too')
      for (const l of [oom, kill]) {
        assert.equal(l.factory, 'docker')
        assert.equal(l.id, id)
        assert.equal(l.alias, dockerName)
        assert.equal(l.process, 'tail')
        assert.equal(l.constraint, 'CONSTRAINT_MEMCG')
        assert.equal((l.labels as Record<string, string>)['cadv.test'], 'oom')
      }

      // serve: found by its docker name, the kill under its cgroup name, in cAdvisor's shape.
      const byName = (await (await fetch(`${serve.url}/api/v1.2/docker/${dockerName}`)).json()) as Record<string, unknown>
      assert.deepEqual(Object.keys(byName), [cgroup])
      // As cAdvisor's v1 client asks: a POST with its query.
      const posted = (await (
        await fetch(`${serve.url}/api/v1.3/docker/${dockerName}`, {method: 'POST', body: '{"num_stats":1}'})
      ).json()) as Record<string, {stats: unknown[]}>
      assert.deepEqual(cadvisorShapeProblems(posted, 'map[string]ContainerInfo', 'v1'), [])
      assert.equal(posted[cgroup]!.stats.length, 1)
      type Ev = {container_name: string; event_type: string; event_data: {oom?: {pid: number; process_name: string}}}
      const events = await until('the oomKill event', async () => {
        const list = (await (await fetch(`${serve.url}/api/v1.3/events${cgroup}?oom_kill_events=true`)).json()) as Ev[]
        return list.length > 0 ? list : undefined
      })
      assert.deepEqual(cadvisorShapeProblems(events, '[]Event', 'v1'), [])
      assert.equal(events.length, 1)
      assert.equal(events[0]!.event_data.oom?.pid, kill.pid)
      assert.equal(events[0]!.event_data.oom?.process_name, 'tail')
      const line = await until('the kill on the stream', () => stream.events('oomKill')[0])
      assert.equal(line.container_name, cgroup)

      const count = async (): Promise<number | undefined> => {
        const fams = parseExposition(await (await fetch(`${serve.url}/metrics`)).text(), 'prometheus')
        return samples(fams, 'container_oom_events_total', {id: cgroup})[0]?.value
      }
      await until('container_oom_events_total 1', async () => (await count()) === 1)
      const series = samples(
        parseExposition(await (await fetch(`${serve.url}/metrics`)).text(), 'prometheus'),
        'container_oom_events_total',
        {id: cgroup},
      )
      assert.equal(series[0]!.labels.name, dockerName, "the series carries the container's docker name")
      assert.equal(lines.filter((l) => l.type === 'OOMKill' && l.name === cgroup).length, 1, 'one kill, one line')
      assert.equal(stream.events('oomKill').length, 1, 'one kill, one stream line')
    } finally {
      stream.close()
    }
  })
})
