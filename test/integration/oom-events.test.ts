// A real OOM kill in a memory cgroup of this machine: `cadv watch` prints it (kernel log),
// `cadv serve` serves it from /api/v1.3/events and /api/v2.0/events and writes it on open
// streams (stream=true), in cAdvisor's shape, once, and counts it once in
// container_oom_events_total, and the counter fallback sees it when the log cannot be read
// (in-process, and `cadv watch` and `cadv serve` in a mount namespace of their own where /dev
// has no kmsg).
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {spawn, spawnSync, type ChildProcess, type ChildProcessByStdio} from 'node:child_process'
import type {Readable} from 'node:stream'

import {OomMonitor, type MonitorEvent} from '../../src/lib/events/index.js'
import type {ContainerEvent} from '../../src/lib/model/index.js'
import {cadvisorShapeProblems} from '../helpers/cadvisor-schema.js'
import {EventStream} from '../helpers/event-stream.js'
import {TestCgroups} from '../helpers/cgroups.js'
import {CADV, cliEnv, onJsonLines, startCli} from '../helpers/cli.js'
import {ownLines} from '../helpers/host-warnings.js'
import {parseExposition, samples} from '../helpers/exposition.js'
import {memoryHierarchy, oomSkipReason, provokeOom} from '../helpers/oom.js'
import {ServeProcess} from '../helpers/serve.js'
import {until} from '../helpers/wait.js'

const skip = oomSkipReason()

describe('OOM kills on real cgroups', {skip}, () => {
  test('cadv watch prints OOM and OOMKill lines for the cgroup, from the kernel log', async (ctx) => {
    const t = new TestCgroups('cadvto')
    t.mkdir('victim')
    const child = startCli(['watch', '--prefix', t.root, '--type', 'ContainerAdd,OOM', '--type', 'OOMKill', '--rescan-interval', '0'])
    const lines: Array<ContainerEvent & {receivedMs: number}> = []
    let stderr = ''
    onJsonLines<ContainerEvent>(child.stdout!, (e) => lines.push({...e, receivedMs: Date.now()}))
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
    try {
      // The initial list comes after the kernel log is open.
      await until('the initial list', () => lines.some((e) => e.name === t.name('victim')))
      const {pid} = await provokeOom(t, 'victim')
      const kill = await until('the OOMKill line', () => lines.find((e) => e.type === 'OOMKill'))
      const oom = lines.find((e) => e.type === 'OOM')
      assert.ok(oom, 'an OOM line too')
      for (const e of [oom, kill]) {
        assert.equal(e.name, t.name('victim'))
        assert.equal(e.source, 'kmsg')
        assert.equal(e.pid, pid)
        assert.equal(e.process, 'tail')
        assert.equal(e.constraint, 'CONSTRAINT_MEMCG')
        assert.equal(e.initial, false)
      }
      // Kernel time of the kill to the line on our side; measured, not asserted (load varies).
      ctx.diagnostic(`OOMKill line ${Math.round(kill.receivedMs - kill.timeNano / 1e6)} ms after the kernel logged the kill`)
      assert.equal(lines.filter((e) => e.type === 'OOMKill').length, 1, 'one kill, one line')
      assert.deepEqual(ownLines(stderr), [])
    } finally {
      child.kill('SIGTERM')
      await t.cleanup()
    }
  })

  test('a kill already in the kernel log when cadv starts is not news; one after it is', async () => {
    const t = new TestCgroups('cadvto')
    t.mkdir('before')
    t.mkdir('after')
    await provokeOom(t, 'before')
    const child = startCli(['watch', '--prefix', t.root, '--type', 'ContainerAdd,OOM,OOMKill', '--rescan-interval', '0'])
    const lines: ContainerEvent[] = []
    onJsonLines<ContainerEvent>(child.stdout!, (e) => lines.push(e))
    try {
      await until('the initial list', () => lines.some((e) => e.name === t.name('after')))
      await provokeOom(t, 'after')
      // The log is read in order: once the later kill is out, the earlier record has been read.
      await until('the later kill', () => lines.some((e) => e.type === 'OOMKill' && e.name === t.name('after')))
      assert.deepEqual(
        lines.filter((e) => e.type !== 'ContainerAdd').map((e) => [e.type, e.name]),
        [
          ['OOM', t.name('after')],
          ['OOMKill', t.name('after')],
        ],
      )
    } finally {
      child.kill('SIGTERM')
      await t.cleanup()
    }
  })

  test("cadv serve: the kill in /api/v1.3/events, v2.0 and on streams in cAdvisor's shape, container_oom_events_total counts it once", async (ctx) => {
    const t = new TestCgroups('cadvto')
    t.mkdir('victim')
    const victim = t.name('victim')
    const serve = await new ServeProcess([
      '--housekeeping-interval',
      '200ms',
      '--max-housekeeping-interval',
      '400ms',
      '--raw-cgroup-prefix-whitelist',
      t.root,
    ]).ready()
    const get = async (path: string): Promise<unknown> => (await fetch(`${serve.url}${path}`)).json()
    const oomCount = async (): Promise<number | undefined> => {
      const fams = parseExposition(await (await fetch(`${serve.url}/metrics`)).text(), 'prometheus')
      return samples(fams, 'container_oom_events_total', {id: victim})[0]?.value
    }
    let streams: EventStream[] = []
    try {
      await until('the victim tracked', async () => (await fetch(`${serve.url}/api/v1.3/containers${victim}`)).status === 200)
      await until('a counter of 0 before the kill', async () => (await oomCount()) === 0)
      // Streams opened before the kill: the container's own, and every container's (v2.0).
      streams = await Promise.all([
        new EventStream(serve.url, `/api/v1.3/events${victim}?stream=true&oom_kill_events=true`).opened(),
        new EventStream(serve.url, '/api/v2.0/events/?stream=true&oom_events=true&oom_kill_events=true&subcontainers=true').opened(),
      ])
      const [own, every] = streams as [EventStream, EventStream]
      assert.deepEqual([own.status, every.status], [200, 200])
      const {pid} = await provokeOom(t, 'victim')
      type Ev = {container_name: string; event_type: string; timestamp: string; event_data: unknown}
      const kills = await until('the oomKill event', async () => {
        const list = (await get(`/api/v1.3/events${victim}?oom_kill_events=true`)) as Ev[]
        return list.length > 0 ? list : undefined
      })
      assert.deepEqual(cadvisorShapeProblems(kills, '[]Event', 'v1'), [])
      assert.equal(kills.length, 1)
      assert.equal(kills[0]!.event_type, 'oomKill')
      assert.equal(kills[0]!.container_name, victim)
      assert.deepEqual(kills[0]!.event_data, {oom: {pid, process_name: 'tail', constraint: 'CONSTRAINT_MEMCG'}})
      // From the root with subcontainers (every container), and the oom event beside it.
      const all = (await get('/api/v1.3/events?oom_events=true&oom_kill_events=true&subcontainers=true&max_events=-1')) as Ev[]
      const ours = all.filter((e) => e.container_name === victim)
      assert.deepEqual(
        ours.map((e) => [e.event_type, e.event_data]),
        [
          ['oom', {}],
          ['oomKill', {oom: {pid, process_name: 'tail', constraint: 'CONSTRAINT_MEMCG'}}],
        ],
      )
      assert.deepEqual(
        ((await get(`/api/v2.0/events${victim}?oom_kill_events=true`)) as Ev[]).map((e) => e.timestamp),
        [kills[0]!.timestamp],
        'v2.0: the same event',
      )
      // Each stream wrote the kill as it happened, in the same shape and with the same time.
      const streamed = await until('the kill on both streams', () =>
        own.events('oomKill').length > 0 && every.events('oomKill').some((e) => e.container_name === victim) ? own : undefined,
      )
      assert.deepEqual(cadvisorShapeProblems(streamed.events('oomKill'), '[]Event', 'v1'), [])
      assert.deepEqual(streamed.events('oomKill')[0], kills[0])
      assert.deepEqual(
        every
          .events()
          .filter((e) => e.container_name === victim)
          .map((e) => e.event_type),
        ['oom', 'oomKill'],
      )
      const line = own.lines[0]!
      ctx.diagnostic(`stream line ${Math.round(line.receivedMs - Date.parse(line.event.timestamp))} ms after the kernel logged the kill`)
      // The counter is the kernel's: one kill, one count, however many rounds pass.
      await until('container_oom_events_total 1', async () => (await oomCount()) === 1)
      const sampled = Date.now()
      await until('two more housekeeping rounds', async () => {
        const s = (await get(`/api/v2.0/stats${victim}?count=1`)) as Record<string, Array<{timestamp: string}>>
        return Date.parse(s[victim]![0]!.timestamp) > sampled + 400
      })
      assert.equal(await oomCount(), 1)
      // Once everywhere: one line per stream, one stored event.
      assert.equal(own.lines.length, 1, 'one kill, one line on the stream')
      assert.equal(every.events('oomKill').filter((e) => e.container_name === victim).length, 1)
      assert.equal(((await get(`/api/v1.3/events${victim}?oom_kill_events=true`)) as Ev[]).length, 1)
      assert.equal(serve.stderr.includes('kmsg'), false, serve.stderr)
    } finally {
      for (const s of streams) s.close()
      await serve.stop()
      await t.cleanup()
    }
  })

  test('without the kernel log, the cgroup oom_kill counter gives the events (said once)', async () => {
    const t = new TestCgroups('cadvto')
    t.mkdir('victim')
    const events: MonitorEvent[] = []
    const warnings: string[] = []
    const monitor = new OomMonitor({
      layout: t.layout,
      names: () => [t.root, t.name('victim')],
      onEvent: (e) => events.push(e),
      onWarning: (m) => warnings.push(m),
      kmsgPath: '/nonexistent/kmsg',
      counterIntervalMs: 100,
    })
    try {
      monitor.start()
      assert.equal(monitor.source, 'cgroup')
      assert.equal(warnings.length, 1)
      assert.match(warnings[0]!, /cannot read \/nonexistent\/kmsg: ENOENT; OOM events come from the cgroups' oom_kill counters/)
      await provokeOom(t, 'victim')
      await until('the counter events', () => events.length >= 2)
      const h = memoryHierarchy(t)
      // v1 counts in the task's own cgroup only; v2 memory.events.local likewise.
      assert.deepEqual(
        events.map((e) => [e.type, e.name, e.source, e.oom?.pid]),
        [
          ['oom', t.name('victim'), 'cgroup', 0],
          ['oomKill', t.name('victim'), 'cgroup', 0],
        ],
        `on ${h.id}`,
      )
      assert.equal(warnings.length, 1)
    } finally {
      monitor.stop()
      await t.cleanup()
    }
  })
})

/** Why a process cannot be given a /dev without kmsg here (a private mount namespace). */
function mountnsSkipReason(): string | undefined {
  if (skip) return skip
  const r = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', 'mount -t tmpfs tmpfs /dev'])
  return r.status === 0 ? undefined : 'cannot make a mount namespace (unshare from util-linux, root)'
}

/** `cadv ...args` with an empty /dev in a mount namespace of its own, as in a container given no /dev/kmsg. */
function withoutKmsg(args: string[]): ChildProcessByStdio<null, Readable, Readable> {
  return spawn(
    'unshare',
    ['--mount', '--propagation', 'private', 'sh', '-c', 'mount -t tmpfs tmpfs /dev && exec "$0" "$@"', process.execPath, CADV, ...args],
    {stdio: ['ignore', 'pipe', 'pipe'], env: cliEnv(undefined)},
  )
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGTERM')
  await exited
}

const FALLBACK_WARNING =
  "warning: cannot read /dev/kmsg: ENOENT; OOM events come from the cgroups' oom_kill counters instead, read every 1s, without pid or process name"

test('cadv watch where /dev/kmsg does not exist: OOMKill from the counter, said once on stderr', {skip: mountnsSkipReason()}, async () => {
  const t = new TestCgroups('cadvto')
  t.mkdir('victim')
  const victim = t.name('victim')
  const child = withoutKmsg(['watch', '--prefix', t.root, '--type', 'ContainerAdd,OOM,OOMKill', '--rescan-interval', '0'])
  const lines: ContainerEvent[] = []
  let stderr = ''
  onJsonLines<ContainerEvent>(child.stdout, (e) => lines.push(e))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  try {
    await until('the initial list', () => lines.some((e) => e.name === victim), {detail: () => stderr})
    await provokeOom(t, 'victim')
    const kill = await until('the OOMKill line', () => lines.find((e) => e.type === 'OOMKill'), {detail: () => stderr})
    assert.equal(kill.name, victim)
    assert.equal(kill.source, 'cgroup')
    assert.equal('pid' in kill, false, 'the counter knows no pid')
    assert.deepEqual(
      lines.filter((e) => e.type !== 'ContainerAdd').map((e) => [e.type, e.name]),
      [
        ['OOM', victim],
        ['OOMKill', victim],
      ],
    )
    assert.deepEqual(ownLines(stderr), [`cadv watch: ${FALLBACK_WARNING}`])
  } finally {
    await stopChild(child)
    await t.cleanup()
  }
})

test(
  'cadv serve where /dev/kmsg does not exist: the events API and the counter family have the kill once',
  {skip: mountnsSkipReason()},
  async () => {
    const t = new TestCgroups('cadvto')
    t.mkdir('victim')
    const victim = t.name('victim')
    const child = withoutKmsg([
      'serve',
      '--listen',
      '127.0.0.1:0',
      '--housekeeping-interval',
      '200ms',
      '--max-housekeeping-interval',
      '400ms',
      '--raw-cgroup-prefix-whitelist',
      t.root,
    ])
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.stdout.resume()
    try {
      const port = await until('cadv serve to listen', () => /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr)?.[1], {
        timeoutMs: 60_000,
        detail: () => stderr,
      })
      const url = `http://127.0.0.1:${port}`
      const get = async (path: string): Promise<unknown> => (await fetch(`${url}${path}`)).json()
      const oomCount = async (): Promise<number | undefined> => {
        const fams = parseExposition(await (await fetch(`${url}/metrics`)).text(), 'prometheus')
        return samples(fams, 'container_oom_events_total', {id: victim})[0]?.value
      }
      await until('a counter of 0 before the kill', async () => (await oomCount()) === 0)
      const stream = await new EventStream(url, `/api/v1.3/events${victim}?stream=true&oom_kill_events=true`).opened()
      try {
        await provokeOom(t, 'victim')
        type Ev = {container_name: string; event_type: string; event_data: unknown}
        const kills = await until('the oomKill event', async () => {
          const list = (await get(`/api/v1.3/events${victim}?oom_events=true&oom_kill_events=true`)) as Ev[]
          return list.some((e) => e.event_type === 'oomKill') ? list : undefined
        })
        assert.deepEqual(cadvisorShapeProblems(kills, '[]Event', 'v1'), [])
        assert.deepEqual(
          kills.map((e) => [e.event_type, e.container_name]),
          [
            ['oom', victim],
            ['oomKill', victim],
          ],
        )
        await until('the kill on the stream', () => stream.events('oomKill').length === 1)
        await until('container_oom_events_total 1', async () => (await oomCount()) === 1)
        // Several more counter passes: still one of each.
        const seen = Date.now()
        await until('three more counter passes', () => Date.now() > seen + 3000 || undefined, {everyMs: 200})
        assert.equal(await oomCount(), 1)
        assert.equal(((await get(`/api/v1.3/events${victim}?oom_kill_events=true`)) as Ev[]).length, 1)
        assert.equal(stream.events('oomKill').length, 1)
        assert.equal(stderr.split('\n').filter((l) => l.includes('kmsg')).length, 1, stderr)
        assert.match(stderr, new RegExp(`^cadv serve: ${FALLBACK_WARNING.replace(/[()]/g, '\\$&')}$`, 'm'))
      } finally {
        stream.close()
      }
    } finally {
      await stopChild(child)
      await t.cleanup()
    }
  },
)
