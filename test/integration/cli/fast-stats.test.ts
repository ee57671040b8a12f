// The oclif-free path of `cadv stats` must accept exactly the command's flags, with the same
// shapes, give the same output and exit status as the oclif command, and hand back what it does
// not handle. Needs the build: the built CLI and oclif.manifest.json.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {fileURLToPath} from 'node:url'

// Not in cli/index.ts, which loads oclif: the fast path's flag table is read from its own module.
import {FAST_STATS_FLAGS} from '../../../src/lib/cli/fast-stats.js'
import {runCli} from '../../helpers/cli.js'
import {ABSENT_RUNTIMES, assertSameAsOclif, assertSameDurationFloors, assertSameFlags} from '../../helpers/fast-flags.js'

test('the fast path knows exactly the flags of cadv stats, with the same shapes', () => assertSameFlags('stats', FAST_STATS_FLAGS))

test("duration flags: the same lower limits as oclif's (--interval, and the runtime timeouts every fast path shares)", () =>
  assertSameDurationFloors('stats', FAST_STATS_FLAGS, [
    'interval',
    'docker-timeout',
    'podman-timeout',
    'containerd-timeout',
    'crio-timeout',
  ]))

/** The output without its clock (the table's header, the JSON document's time). */
const timeless = (out: string): string => out.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z/g, '<time>')

const FIXTURE = fileURLToPath(new URL('../../fixtures/cgroup_v1/comounted', import.meta.url))
// No runtime to ask, and only the fixture's containers (the root's network numbers are the host's, always moving).
const BASE = ['--cgroup-root', FIXTURE, '--interval', '200ms', '--filter', 'prefix=/docker', ...ABSENT_RUNTIMES]
const CASES: string[][] = [
  ['--once', '--all', '--no-trunc', ...BASE],
  ['--no-stream', '--tree', '--sort', 'name', '-a', ...BASE],
  ['--json', '--depth', '1', ...BASE],
  ['--once', '--format', 'table', '--runtime-wait', '0s', '-v', ...BASE],
  ['--json', '--format', 'table', ...BASE],
  ['--once', '--filter', 'factory=lxc', ...BASE],
  ['--once', '--host-netns', '/nonexistent/net', ...BASE],
]

for (const args of CASES) {
  test(`fast path = oclif: stats ${args.join(' ').replace(FIXTURE, '<fixture>').slice(0, 80)}`, () =>
    assertSameAsOclif(['stats', ...args], timeless))
}

test('what the fast path does not handle goes to oclif: --help, bad values, extra arguments', async () => {
  const help = await runCli(['stats', '--help'])
  assert.match(help.stdout, /USAGE/)
  const cases: Array<[string[], RegExp]> = [
    [['--once', '--interval', '10ms'], /^cadv stats: --interval: invalid duration "10ms": must be at least 100ms/],
    [['--once', '--sort', 'size'], /^cadv stats: --sort size: expected one of cpu, mem, io, pids, name/],
    [['--once', '--format', 'xml'], /^cadv stats: --format xml: expected one of table, json, ndjson/],
    [['--once', '--depth', '-1'], /^cadv stats: .*depth/],
    [['--once', '--sort', 'mem', '--sort', 'cpu'], /^cadv stats: .*sort.*once/],
    [['--once', 'extra'], /^cadv stats: unexpected argument "extra"/],
    [['--once', '--runtime-wait', 'soon'], /^cadv stats: --runtime-wait: invalid duration "soon"/],
  ]
  for (const [args, message] of cases) {
    const r = await runCli(['stats', ...args])
    assert.match(r.stderr, message, args.join(' '))
    assert.equal(r.code, 2, args.join(' '))
  }
})
