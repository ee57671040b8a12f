// `cadv resolve` end to end through the built CLI: inputs (names, paths under a hierarchy,
// stdin, --from), output forms, exit codes, and a runtime that hangs. Paths are mapped on a
// cgroupfs-shaped tree read through --cgroup-root; no runtime is needed here.
import {test, describe, before, after} from 'node:test'
import assert from 'node:assert/strict'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {runCli} from '../helpers/cli.js'
import {startHungSocket, type HungSocket} from '../helpers/hung-socket.js'

const ID = '4b1ed3b8'.repeat(8)
const ABSENT_BUT_DOCKER = [
  '--podman',
  'unix:///nonexistent/podman.sock',
  '--containerd',
  '/nonexistent/containerd.sock',
  '--crio',
  '/nonexistent/crio.sock',
]
const ABSENT = ['--docker', 'unix:///nonexistent/docker.sock', ...ABSENT_BUT_DOCKER]

let root: string
before(() => {
  root = mkdtempSync(join(tmpdir(), 'cadv-resolve-'))
  for (const h of ['memory', 'cpu,cpuacct', 'systemd']) mkdirSync(join(root, h, 'docker', ID), {recursive: true})
  writeFileSync(join(root, 'README'), 'not a cgroup\n')
})
after(() => rmSync(root, {recursive: true, force: true}))

describe('cadv resolve', () => {
  test('a name, offline: the factory, the verdict, and the call it skipped', async () => {
    const r = await runCli(['resolve', '--offline', `/docker/${ID}`])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, new RegExp(`^/docker/${ID}: docker, accepted, id ${ID}\n`))
    assert.match(r.stdout, /docker +accept +cgroupfs-driver name .*skipped GET \/containers\/4b1ed3b84b1e…\/json .*\(--offline\)/)
  })

  test('a full path under a hierarchy is mapped to its name; --json prints the decision schema', async () => {
    const r = await runCli(['resolve', '--cgroup-root', root, '--json', '--offline', join(root, 'memory', 'docker', ID)])
    assert.equal(r.code, 0, r.stderr)
    const d = JSON.parse(r.stdout)
    assert.deepEqual(Object.keys(d), ['name', 'factory', 'accepted', 'id', 'checks', 'alias', 'image'])
    assert.equal(d.name, `/docker/${ID}`)
    assert.equal(d.factory, 'docker')
    assert.deepEqual(Object.keys(d.checks[0]), ['factory', 'canHandle', 'accept', 'reason'])
  })

  test('names from stdin come back in order, one NDJSON line each', async () => {
    const names = [`/docker/${ID}`, '/', '/system.slice/x.mount', '/kubepods/burstable/pod1', `/libpod_parent/libpod-${ID}`]
    const r = await runCli(['resolve', '-', '--json', ...ABSENT], {input: names.join('\n') + '\n\n'})
    const out = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    assert.deepEqual(
      out.map((d) => d.name),
      names,
    )
    assert.deepEqual(
      out.map((d) => d.factory),
      ['raw', 'raw', 'systemd', 'raw', 'raw'],
    )
    // the .mount is ignored, so not every name was accepted
    assert.equal(r.code, 1)
    const docker = out[0].checks
    assert.equal(docker.length, 6, 'every factory was asked')
    assert.match(docker[0].reason, /^unreachable: unix:\/\/\/nonexistent\/docker\.sock \(connect ENOENT\)$/)
  })

  test('--expect: 1 when a name falls to raw, 0 when the expected factory owns it', async () => {
    const raw = await runCli(['resolve', '--expect', 'docker', `/docker/${ID}`, ...ABSENT])
    assert.equal(raw.code, 1)
    assert.match(raw.stdout, /: raw, accepted/)
    const ok = await runCli([
      'resolve',
      '--offline',
      '--expect',
      'docker',
      '--expect',
      'podman',
      `/docker/${ID}`,
      `/libpod_parent/libpod-${ID}`,
    ])
    assert.equal(ok.code, 0, ok.stdout)
  })

  test('bad input: one line each, exit 2, the good names still printed', async () => {
    const r = await runCli([
      'resolve',
      '--offline',
      '--cgroup-root',
      root,
      'relative',
      '/etc/passwd',
      join(root, 'README'),
      '/a/../b',
      `/docker/${ID}`,
    ])
    assert.equal(r.code, 2)
    const errors = r.stderr.trim().split('\n')
    assert.equal(errors.length, 4, r.stderr)
    assert.match(errors[0]!, /^cadv resolve: relative: not a container name/)
    assert.match(errors[1]!, /^cadv resolve: \/etc\/passwd: a path outside every cgroup hierarchy/)
    assert.match(errors[2]!, /README: not under any mounted cgroup hierarchy/)
    assert.match(errors[3]!, /malformed name/)
    assert.match(r.stdout, new RegExp(`^/docker/${ID}: docker, accepted`))
    assert.doesNotMatch(r.stderr, /at .*\.js/, 'no stack trace')
  })

  test('an unreadable --from file is a one-line error, exit 2', async () => {
    const r = await runCli(['resolve', '--from', join(root, 'missing.txt')])
    assert.equal(r.code, 2)
    assert.equal(r.stderr.trim().split('\n').length, 1)
    assert.match(r.stderr, /missing\.txt: cannot read \(no such file or directory\)/)
  })

  test('a path under a hierarchy that does not exist is bad input; a name that exists nowhere resolves, with a note', async () => {
    const missing = await runCli(['resolve', '--offline', '--cgroup-root', root, join(root, 'memory', 'docker', 'gone')])
    assert.equal(missing.code, 2)
    assert.equal(missing.stdout, '')
    assert.match(missing.stderr, /^cadv resolve: .*\/memory\/docker\/gone: no such cgroup \(nothing at that path\)\n$/)
    const elsewhere = await runCli(['resolve', '--offline', '--cgroup-root', root, '--json', '/docker/from-another-host', `/docker/${ID}`])
    assert.equal(elsewhere.code, 0, elsewhere.stderr)
    const [away, here] = elsewhere.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as {note?: string})
    assert.equal(away!.note, 'no cgroup hierarchy on this host has this name')
    assert.equal(here!.note, undefined)
    const text = await runCli(['resolve', '--offline', '--cgroup-root', root, '/docker/from-another-host'])
    assert.match(text.stdout, /\n {2}note: no cgroup hierarchy on this host has this name\n$/)
  })

  test('--cgroup-root that cannot be read fails as it does for every command', async () => {
    for (const env of [{}, {CADV_NO_FAST_PATH: '1'}]) {
      const r = await runCli(['resolve', '--offline', '--cgroup-root', join(root, 'nonexistent'), '/docker/x'], {
        env: {...process.env, ...env},
      })
      assert.equal(r.code, 2)
      assert.equal(r.stdout, '')
      assert.match(r.stderr, /^cadv resolve: --cgroup-root .*nonexistent: no such file or directory\n$/)
    }
  })

  test('no input at all is bad input', async () => {
    const r = await runCli(['resolve'])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /give at least one cgroup name/)
  })
})

describe('a runtime that accepts and never answers', () => {
  let hung: HungSocket
  let sock: string
  before(async () => {
    sock = join(root, 'hung.sock')
    hung = await startHungSocket(sock)
  })
  after(async () => {
    await hung.close()
  })

  test('costs one timeout: the first calls give up, the rest skip it, every name falls through', async () => {
    const names = Array.from({length: 40}, (_, i) => `/docker/${i.toString(16).padStart(2, '0').repeat(32)}`)
    const r = await runCli(
      ['resolve', '--json', ...ABSENT_BUT_DOCKER, '--docker', `unix://${sock}`, '--docker-timeout', '300ms', '--from', '-'],
      {input: names.join('\n'), timeoutMs: 20_000},
    )
    assert.equal(r.signal, null, 'finished on its own')
    const out = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    assert.deepEqual(
      out.map((d) => d.name),
      names,
    )
    assert.ok(out.every((d) => d.factory === 'raw'))
    const reasons = out.map((d) => d.checks[0].reason as string)
    for (const reason of reasons)
      assert.match(
        reason,
        new RegExp(`^unreachable: unix://${sock} \\((no answer within 300 ms|timed out .* s ago; not asked again for \\d+ s)\\)$`),
      )
    // At most one batch of concurrent calls (16 per runtime) waited; everything after was skipped.
    const waited = reasons.filter((x) => x.includes('no answer within')).length
    assert.ok(waited >= 1 && waited <= 16, `${waited} calls waited for the timeout`)
    const later = await runCli(
      ['resolve', '--json', ...ABSENT_BUT_DOCKER, '--docker', `unix://${sock}`, '--docker-timeout', '300ms', '-'],
      {
        input: `/docker/${ID}\n`,
        timeoutMs: 20_000,
      },
    )
    assert.match(JSON.parse(later.stdout).checks[0].reason, /no answer within 300 ms/)
  })
})
