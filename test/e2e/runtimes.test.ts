// Real containers in docker, podman, containerd and runc, started by test/helpers/runtimes.ts
// (private daemons, a local busybox image, no network), seen through the built CLI:
// `cadv resolve` names each live container's runtime and explains the others, and
// `cadv watch --resolve` reports adds and deletes with the runtime's metadata.
import {test, describe, before, after} from 'node:test'
import assert from 'node:assert/strict'
import type {ChildProcess} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {join} from 'node:path'

import {createResolver} from '../../src/lib/factories/index.js'
import {runCli, startCli} from '../helpers/cli.js'
import {startHungSocket, type HungSocket} from '../helpers/hung-socket.js'
import {Runtimes, hexId, runtimeSkipReason} from '../helpers/runtimes.js'

const skip = runtimeSkipReason(['containerd', 'docker', 'podman', 'runc'])

interface Decision {
  name: string
  factory: string | null
  accepted: boolean
  id: string | null
  checks: {factory: string; canHandle: boolean; accept: boolean; reason: string}[]
}

/** Lines of a running `cadv watch`, parsed, with a way to wait for one. */
class Lines {
  readonly seen: Record<string, unknown>[] = []
  private waiters: {pred: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void}[] = []
  private buf = ''
  stderr = ''

  constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (d: Buffer) => {
      this.buf += d.toString()
      let i
      while ((i = this.buf.indexOf('\n')) >= 0) {
        const line = JSON.parse(this.buf.slice(0, i)) as Record<string, unknown>
        this.buf = this.buf.slice(i + 1)
        this.seen.push(line)
        this.waiters = this.waiters.filter((w) => (w.pred(line) ? (w.resolve(line), false) : true))
      }
    })
    child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()))
  }

  wait(what: string, pred: (l: Record<string, unknown>) => boolean, ms = 30_000): Promise<Record<string, unknown>> {
    const hit = this.seen.find(pred)
    if (hit) return Promise.resolve(hit)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms; stderr: ${this.stderr}`)), ms)
      this.waiters.push({pred, resolve: (l) => (clearTimeout(timer), resolve(l))})
    })
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return
    const done = new Promise((r) => this.child.once('exit', r))
    this.child.kill('SIGTERM')
    await done
  }
}

describe('real runtimes', {skip}, () => {
  let rt: Runtimes
  const tag = randomBytes(3).toString('hex')
  const ids = {docker: '', podman: '', ctr: '', runc: '', stopped: ''}

  before(async () => {
    rt = new Runtimes()
    await rt.start(['containerd', 'docker', 'podman', 'runc'])
    ids.docker = await rt.runDocker({
      name: `cadv-e2e-docker-${tag}`,
      labels: {'cadv.test': 'docker'},
      env: {CADV_SECRET: 's', CADV_PUBLIC: 'p'},
    })
    ids.podman = await rt.runPodman({name: `cadv-e2e-podman-${tag}`, labels: {'cadv.test': 'podman'}})
    ids.ctr = await rt.runCtr({labels: {'cadv.test': 'containerd'}})
    ids.runc = await rt.runRunc()
    ids.stopped = await rt.runDocker({name: `cadv-e2e-stopped-${tag}`})
    await rt.docker(['kill', ids.stopped])
  })

  after(async () => {
    await rt?.teardown()
  })

  const P = () => rt.cgroupParent
  const names = () => ({
    docker: `${P()}/docker/${ids.docker}`,
    podman: `${P()}/libpod_parent/libpod-${ids.podman}`,
    ctr: `${P()}/k8s.io/${ids.ctr}`,
    runc: `${P()}/runc/${ids.runc}`,
    conmon: `${P()}/libpod_parent/conmon`,
    stopped: `${P()}/docker/${ids.stopped}`,
    nsParent: `${P()}/k8s.io`,
  })

  async function resolveAll(list: string[], extra: string[] = []): Promise<{code: number | null; decisions: Decision[]; stderr: string}> {
    const r = await runCli(['resolve', '--json', ...rt.cadvFlags(), ...extra, ...list])
    return {
      code: r.code,
      stderr: r.stderr,
      decisions: r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Decision),
    }
  }

  test('cadv resolve names the runtime of each live container', async () => {
    const n = names()
    const {code, decisions, stderr} = await resolveAll(
      [n.docker, n.podman, n.ctr],
      ['--expect', 'docker', '--expect', 'podman', '--expect', 'containerd'],
    )
    assert.equal(code, 0, stderr)
    const [d, p, c] = decisions as [Decision, Decision, Decision]
    assert.deepEqual([d.factory, d.accepted, d.id], ['docker', true, ids.docker])
    assert.match(d.checks[0]!.reason, new RegExp(`running docker container "cadv-e2e-docker-${tag}"`))
    assert.deepEqual([p.factory, p.accepted, p.id], ['podman', true, ids.podman])
    assert.match(p.checks[0]!.reason, /docker has no container .*404/, 'docker was asked first and said no')
    assert.deepEqual([c.factory, c.accepted, c.id], ['containerd', true, ids.ctr])
    assert.match(c.checks[2]!.reason, /containerd container in namespace k8s\.io, task running, pid \d+/)
  })

  test('a path under a hierarchy resolves the same as the name', async () => {
    const {decisions} = await resolveAll([join('/sys/fs/cgroup/memory', names().docker)])
    assert.equal(decisions[0]!.name, names().docker)
    assert.equal(decisions[0]!.factory, 'docker')
  })

  test('cadv resolve explains the others: conmon, a runc container, a stopped container, a namespace parent', async () => {
    const n = names()
    const {code, decisions} = await resolveAll([n.conmon, n.runc, n.stopped, n.nsParent], ['--expect', 'docker'])
    assert.equal(code, 1, 'none of them is docker')
    const [conmon, runc, stopped, parent] = decisions as [Decision, Decision, Decision, Decision]
    assert.equal(conmon.factory, 'raw')
    assert.match(conmon.checks[1]!.reason, /"conmon" holds no 64-character/)
    assert.equal(runc.factory, 'raw')
    assert.match(runc.checks[0]!.reason, /docker has no container/)
    assert.match(runc.checks[1]!.reason, /podman has no container/)
    assert.match(runc.checks[2]!.reason, /containerd has no container .* in namespace k8s\.io .*NOT_FOUND/)
    assert.equal(stopped.factory, 'raw')
    assert.match(stopped.checks[0]!.reason, new RegExp(`docker container "cadv-e2e-stopped-${tag}" is not running \\(status exited\\)`))
    assert.equal(parent.factory, 'raw')
    assert.match(parent.checks[0]!.reason, /"k8s\.io" holds no 64-character/)
  })

  test('kubepods-style names, cgroupfs and (literal) systemd layouts, from real containerd and runc containers', async () => {
    const uid = '1b2c3d4e-5f60-4718-92a3-b4c5d6e7f809'
    const podSlice = `kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${uid.replaceAll('-', '_')}.slice`
    const cgfs = await rt.runCtr({cgroup: (id) => `kubepods/besteffort/pod${uid}/${id}`})
    const sd = await rt.runCtr({cgroup: (id) => `${podSlice}/cri-containerd-${id}.scope`})
    const dockerLike = await rt.runRunc((id) => `system.slice/docker-${id}.scope`)
    const list = [
      rt.ctrCgroup(cgfs),
      rt.ctrCgroup(sd),
      `${P()}/kubepods/besteffort/pod${uid}`,
      `${P()}/${podSlice}`,
      `${P()}/system.slice/docker-${dockerLike}.scope`,
    ]
    const online = (await resolveAll(list)).decisions
    assert.deepEqual(
      online.map((d) => [d.factory, d.id]),
      [
        ['containerd', cgfs],
        ['containerd', sd],
        ['raw', null],
        ['raw', null],
        ['raw', null],
      ],
    )
    assert.match(online[4]!.checks[0]!.reason, /docker has no container/, 'no dockerd knows a runc container, whatever its name')
    const offline = (await resolveAll(list, ['--offline'])).decisions
    assert.deepEqual(
      offline.map((d) => d.factory),
      ['containerd', 'containerd', 'raw', 'raw', 'docker'],
    )
    await rt.removeCtr(cgfs)
    await rt.removeCtr(sd)
    await rt.removeRunc(dockerLike)
  })

  test('an absent runtime (a socket path that does not exist) lets its containers fall through', async () => {
    const flags = rt.cadvFlags()
    flags[flags.indexOf('--podman') + 1] = 'unix:///nonexistent/cadv/podman.sock'
    const r = await runCli(['resolve', '--json', ...flags, names().podman])
    const decisions = [JSON.parse(r.stdout) as Decision]
    const d = decisions[0]!
    assert.equal(d.factory, 'raw')
    assert.equal(d.checks[1]!.reason, 'unreachable: unix:///nonexistent/cadv/podman.sock (connect ENOENT)')
  })

  test('the resolver gives the metadata, with only whitelisted env, and asks the runtime once', async () => {
    const flags = rt.cadvFlags()
    const r = createResolver({
      docker: {endpoint: flags[flags.indexOf('--docker') + 1]!},
      podman: {endpoint: flags[flags.indexOf('--podman') + 1]!},
      containerd: {endpoint: rt.containerdSocket},
      envMetadataWhitelist: ['CADV_PUBLIC'],
    })
    try {
      const first = await r.resolve(names().docker)
      assert.equal(first.info?.factory, 'docker')
      assert.deepEqual(first.info?.env, {CADV_PUBLIC: 'p'}, 'CADV_SECRET and PATH are not whitelisted')
      assert.deepEqual(first.info?.aliases, [`cadv-e2e-docker-${tag}`, ids.docker])
      assert.ok((first.info?.pid ?? 0) > 0)
      assert.ok(first.info?.startedAt instanceof Date)
      assert.equal(await r.resolve(names().docker), first, 'cached: no second runtime call')
      const c = await r.resolve(names().ctr)
      assert.equal(c.info?.image, 'localhost/cadv-busybox:latest')
      assert.equal(c.info?.labels['cadv.test'], 'containerd')
      assert.ok((c.info?.pid ?? 0) > 0)
    } finally {
      r.close()
    }
  })

  test('cadv watch --resolve reports adds with factory, id, alias, labels and then the deletes', async () => {
    const w = new Lines(startCli(['watch', '--resolve', '--prefix', P(), '--rescan-interval', '2s', ...rt.cadvFlags()]))
    try {
      await w.wait('the initial list', (l) => l.name === P() && l.initial === true)
      const initial = await w.wait('the initial docker container', (l) => l.name === names().docker)
      assert.equal(initial.factory, 'docker')

      const dname = `cadv-e2e-watch-${tag}`
      const did = await rt.runDocker({name: dname, labels: {'cadv.watch': 'docker'}})
      const pid = await rt.runPodman({name: `cadv-e2e-watch-p-${tag}`, labels: {'cadv.watch': 'podman'}})
      const cid = await rt.runCtr({labels: {'cadv.watch': 'containerd'}})
      const rid = await rt.runRunc()

      const dn = `${P()}/docker/${did}`
      const d = await w.wait('docker add', (l) => l.type === 'ContainerAdd' && l.name === dn)
      assert.equal(d.factory, 'docker')
      assert.equal(d.id, did)
      assert.equal(d.alias, dname)
      assert.equal(d.image, 'localhost/cadv-busybox:latest')
      assert.deepEqual(d.labels, {'cadv.watch': 'docker', 'cadv.image': 'busybox'})
      assert.equal(d.initial, false)

      const pn = `${P()}/libpod_parent/libpod-${pid}`
      const p = await w.wait('podman add', (l) => l.type === 'ContainerAdd' && l.name === pn)
      assert.deepEqual([p.factory, p.id, p.alias], ['podman', pid, `cadv-e2e-watch-p-${tag}`])
      assert.equal((p.labels as Record<string, string>)['cadv.watch'], 'podman')

      const cn = rt.ctrCgroup(cid)
      const c = await w.wait('containerd add', (l) => l.type === 'ContainerAdd' && l.name === cn)
      assert.deepEqual([c.factory, c.id, c.alias], ['containerd', cid, cid])
      assert.equal((c.labels as Record<string, string>)['cadv.watch'], 'containerd')

      const rn = `${P()}/runc/${rid}`
      const r = await w.wait('runc add', (l) => l.type === 'ContainerAdd' && l.name === rn)
      assert.equal(r.factory, 'raw')
      assert.equal(r.id, undefined)

      await rt.removeDocker(did)
      await rt.removePodman(pid)
      await rt.removeCtr(cid)
      const dd = await w.wait('docker delete', (l) => l.type === 'ContainerDelete' && l.name === dn)
      assert.deepEqual([dd.factory, dd.id, dd.alias], ['docker', did, dname], 'a delete carries what its add resolved to')
      const pd = await w.wait('podman delete', (l) => l.type === 'ContainerDelete' && l.name === pn)
      assert.equal(pd.factory, 'podman')
      const cd = await w.wait('containerd delete', (l) => l.type === 'ContainerDelete' && l.name === cn)
      assert.equal(cd.factory, 'containerd')

      // One add and one delete per container, in that order.
      for (const name of [dn, pn, cn]) {
        assert.deepEqual(
          w.seen.filter((l) => l.name === name).map((l) => l.type),
          ['ContainerAdd', 'ContainerDelete'],
          name,
        )
      }
    } finally {
      await w.stop()
    }
  })

  describe('a docker daemon that accepts and never answers', () => {
    let hung: HungSocket
    let sock: string
    before(async () => {
      sock = join(rt.dir, 'hung-docker.sock')
      hung = await startHungSocket(sock)
    })
    after(async () => {
      await hung.close()
    })

    test('watch --resolve still reports every add, in order, once the timeout has passed', async () => {
      const flags = rt.cadvFlags()
      flags[flags.indexOf('--docker') + 1] = `unix://${sock}`
      const w = new Lines(startCli(['watch', '--resolve', '--prefix', `${P()}/runc`, '--docker-timeout', '500ms', ...flags]))
      try {
        await w.wait('the initial list', (l) => l.name === `${P()}/runc` && l.initial === true)
        const first = await rt.runRunc()
        const a = await w.wait('first runc add', (l) => l.name === `${P()}/runc/${first}`)
        assert.equal(a.factory, 'raw')
        const second = await rt.runRunc()
        const third = await rt.runRunc()
        await w.wait('third runc add', (l) => l.name === `${P()}/runc/${third}`)
        const order = w.seen.filter((l) => l.type === 'ContainerAdd').map((l) => l.name)
        assert.ok(order.indexOf(`${P()}/runc/${second}`) < order.indexOf(`${P()}/runc/${third}`), 'events keep their order')
        await rt.removeRunc(first)
        await rt.removeRunc(second)
        await rt.removeRunc(third)
      } finally {
        await w.stop()
      }
    })

    test('cadv resolve says the docker call timed out and the name falls through', async () => {
      const flags = rt.cadvFlags()
      flags[flags.indexOf('--docker') + 1] = `unix://${sock}`
      const r = await runCli(['resolve', '--json', ...flags, '--docker-timeout', '500ms', `${P()}/docker/${hexId()}`], {timeoutMs: 30_000})
      const d = JSON.parse(r.stdout) as Decision
      assert.equal(d.checks[0]!.reason, `unreachable: unix://${sock} (no answer within 500 ms)`)
      assert.equal(d.factory, 'raw')
    })
  })
})
