// The oclif-free path of `cadv watch` must accept exactly the command's flags, with the same
// shapes, give the same output and exit status as the oclif command, hand back what it does not
// handle, and load none of what only other commands need. Needs the build: the built CLI and
// oclif.manifest.json.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {dirname, join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'
import ts from 'typescript'

// Not in cli/index.ts, which loads oclif: the fast path's flag table is read from its own module.
import {FAST_WATCH_FLAGS} from '../../../src/lib/cli/fast-watch.js'
import {runCli} from '../../helpers/cli.js'
import {ABSENT_RUNTIMES, assertSameAsOclif, assertSameDurationFloors, assertSameFlags} from '../../helpers/fast-flags.js'
import {DISCOVERY} from '../../helpers/discovery.js'

test('the fast path knows exactly the flags of cadv watch, with the same shapes', () => assertSameFlags('watch', FAST_WATCH_FLAGS))

test("duration flags: the same lower limit as oclif's (--poll-interval)", () =>
  assertSameDurationFloors('watch', FAST_WATCH_FLAGS, ['poll-interval']))

/** The lines without their clock fields, which differ between two runs. */
const timeless = (stdout: string): string => stdout.replace(/"time":"[^"]*","timeNano":\d+,/g, '')

const HYBRID = ['--once', '--cgroup-root', join(DISCOVERY, 'hybrid')]
const CASES: string[][] = [
  [...HYBRID, '--hierarchy', 'unified'],
  [...HYBRID, '--hierarchy', 'unified', '--prefix', '/podman', '-v'],
  [...HYBRID, '--type', 'ContainerAdd,OOM', '--rescan-interval', '0', '--watch-backend', 'poll'],
  [...HYBRID, '--type', 'OOMKill'],
  ['--once', '--cgroup-root', join(DISCOVERY, 'v1-comounted'), '--prefix=/kubepods', '--docker', 'unix:///nonexistent/d.sock'],
  ['--once', '--cgroup-root', join(DISCOVERY, 'v2'), '--resolve', '--runtime-wait', '0s', ...ABSENT_RUNTIMES],
  [...HYBRID, '--prefix', 'relative'],
  [...HYBRID, '--hierarchy', 'nosuch'],
  ['--once', '--cgroup-root', '/nonexistent/cadv-root'],
]

for (const args of CASES) {
  test(`fast path = oclif: watch ${args.join(' ').replace(DISCOVERY, '').slice(0, 80)}`, () =>
    assertSameAsOclif(['watch', ...args], timeless))
}

test('what the fast path does not handle goes to oclif: --help, flags that exclude or need others, bad values', async () => {
  const help = await runCli(['watch', '--help'])
  assert.match(help.stdout, /USAGE/)
  const cases: Array<[string[], RegExp]> = [
    [['--once', '--watch-only'], /^cadv watch: --watch-only and --once cannot be used together\n$/],
    [['--once', '--kubelet-labels'], /^cadv watch: .*--resolve/],
    [['--once', '--type', 'Added'], /^cadv watch: --type Added: expected one of ContainerAdd, ContainerDelete, OOM, OOMKill/],
    [['--once', '--poll-interval', '1ms'], /^cadv watch: --poll-interval: /],
    [['--once', '--rescan-interval', '1s', '--rescan-interval', '2s'], /^cadv watch: .*rescan-interval.*once/],
    [['--once', 'extra'], /^cadv watch: unexpected argument "extra"/],
    [['--once', '--docker', 'ftp://x'], /^cadv watch: --docker: "ftp:\/\/x" is not a docker endpoint/],
  ]
  for (const [args, message] of cases) {
    const r = await runCli(['watch', ...args])
    assert.match(r.stderr, message, args.join(' '))
    assert.equal(r.code, 2, args.join(' '))
  }
})

/** The built modules a module loads when imported: its static imports, not import(), followed. */
function staticallyLoaded(entry: string): string[] {
  const seen = new Set<string>()
  const walk = (file: string): void => {
    if (seen.has(file)) return
    seen.add(file)
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022)
    for (const s of source.statements) {
      if ((ts.isImportDeclaration(s) || ts.isExportDeclaration(s)) && s.moduleSpecifier && ts.isStringLiteral(s.moduleSpecifier)) {
        if (s.moduleSpecifier.text.startsWith('.')) walk(join(dirname(file), s.moduleSpecifier.text))
      }
    }
  }
  walk(entry)
  return [...seen]
}

// `cadv watch --once` is a start-up cost (README, watch benchmark): the fast path loads the
// watcher and the cgroup layer, not the metric kinds, the resolver, the manager, the OOM
// monitor or the table code; --resolve and a live watch import what they need when they run.
test('the fast watch path loads none of the stats, factories, manager, events, metrics or output layers', () => {
  const dist = fileURLToPath(new URL('../../../dist/', import.meta.url))
  const loaded = staticallyLoaded(join(dist, 'lib', 'cli', 'fast-watch.js')).map((f) => relative(dist, f))
  const heavy = loaded.filter((f) => /^lib\/(stats|factories|manager|events|metrics|storage|output)\//.test(f)).sort()
  assert.deepEqual(heavy, ['lib/factories/options.js', 'lib/output/ndjson.js', 'lib/stats/kinds/default-controllers.js'])
})
