// The oclif-free path of `cadv resolve` must accept exactly the command's flags, with the
// same shapes, and give the same output and exit status as the oclif command. Needs the build:
// the built CLI and oclif.manifest.json.
import {test} from 'node:test'
import assert from 'node:assert/strict'

// Not in cli/index.ts, which loads oclif: the fast path's flag table is read from its own module.
import {FAST_RESOLVE_FLAGS} from '../../../src/lib/cli/fast-resolve.js'
import {runCli} from '../../helpers/cli.js'
import {assertSameFlags} from '../../helpers/fast-flags.js'

test('the fast path knows exactly the flags of cadv resolve, with the same shapes', () => assertSameFlags('resolve', FAST_RESOLVE_FLAGS))

const ID = 'e'.repeat(64)
const ABSENT = [
  '--docker',
  'unix:///nonexistent/d.sock',
  '--podman',
  'unix:///nonexistent/p.sock',
  '--containerd',
  '/nonexistent/c.sock',
  '--crio',
  '/nonexistent/r.sock',
]
const CASES: {args: string[]; input?: string}[] = [
  {args: ['--offline', `/docker/${ID}`, '/', '/x/y.mount']},
  {args: ['--json', ...ABSENT, `/docker/${ID}`]},
  {args: ['--offline', '--expect', 'podman', '--expect', 'raw', `/libpod_parent/libpod-${ID}`, '/kubepods/pod1']},
  {args: ['--offline', '--docker-only', '--raw-cgroup-prefix-whitelist', '/kube', '/kubepods/pod1', '/user.slice', '--json']},
  {args: ['--offline', '-', '--json'], input: `/docker/${ID}\n/\n`},
  {args: ['--offline', 'relative', '/a/../b', `/docker/${ID}`]},
  {args: ['--from', '/nonexistent/names.txt']},
]

for (const c of CASES) {
  test(`fast path = oclif: resolve ${c.args.join(' ').slice(0, 70)}`, async () => {
    const opts = c.input === undefined ? {} : {input: c.input}
    const fast = await runCli(['resolve', ...c.args], opts)
    const slow = await runCli(['resolve', ...c.args], {...opts, env: {...process.env, CADV_NO_FAST_PATH: '1'}})
    assert.equal(fast.stdout, slow.stdout)
    assert.equal(fast.stderr, slow.stderr)
    assert.equal(fast.code, slow.code)
  })
}

test('what the fast path does not handle goes to oclif: --help, a repeated flag, a bad value', async () => {
  const help = await runCli(['resolve', '--help'])
  assert.match(help.stdout, /USAGE/)
  const twice = await runCli(['resolve', '--from', 'a', '--from', 'b'])
  assert.match(twice.stderr, /can only be specified once/)
  assert.equal(twice.code, 2)
  const bad = await runCli(['resolve', '--docker-timeout', 'soon', '/'])
  assert.match(bad.stderr, /--docker-timeout: invalid duration "soon"/)
  assert.equal(bad.code, 2)
  const factory = await runCli(['resolve', '--expect', 'lxc', '/'])
  assert.match(factory.stderr, /^cadv resolve: --expect lxc: expected one of docker, podman, containerd, crio, systemd, raw\n$/)
})
