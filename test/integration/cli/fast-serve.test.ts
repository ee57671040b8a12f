// `cadv serve` and `cadvisor` run without oclif's Config (lib/cli/fast-serve.ts), so that a
// long-running server never asks Intl for a collation (ICU's collation data would stay resident,
// about 2 MiB of RSS). The command's behaviour must not change: the same exposition, the same
// notices, the same one-line errors and exit statuses as through oclif, the same help. Needs the
// build.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import {cliEnv, runCli} from '../../helpers/cli.js'
import {ABSENT_RUNTIMES, assertSameAsOclif} from '../../helpers/fast-flags.js'
import {ServeProcess} from '../../helpers/serve.js'

const FIXTURE = fileURLToPath(new URL('../../fixtures/cgroup_v2/basic', import.meta.url))
const CADVISOR = fileURLToPath(new URL('../../../bin/cadvisor.js', import.meta.url))
const ONCE = ['serve', '--once', '--cgroup-root', FIXTURE, '--disable-exporter-metrics', '--runtime-wait', '0s', ...ABSENT_RUNTIMES]

/**
 * The exposition without what moves between two runs: container_last_seen (the clock) and the
 * root cgroup's values (on a fixture tree the root's network and disk figures are the host's).
 */
function steady(text: string): string {
  return text
    .split('\n')
    .map((l) => (l.startsWith('container_last_seen') || l.includes('id="/"') ? l.replace(/ \S+$/, ' <v>') : l))
    .join('\n')
}

test('fast path = oclif: serve --once prints the same exposition', () => assertSameAsOclif(ONCE, steady))

test("fast path = oclif: cAdvisor's spellings and their notices", () =>
  assertSameAsOclif([...ONCE, '--housekeeping_interval=2s', '-logtostderr', '--docker_only=false'], steady))

test('fast path = oclif: the same one-line error and exit status, before and after the parse', async () => {
  const cases = [
    ['--listen-on', '127.0.0.1:0'],
    ['--housekeeping-interval', '10'],
    ['--max-requests', '-1'],
    ['--max-requests', 'many'],
    ['--housekeeping_interval=soon'],
    ['-storage_driver=kafka'],
    ['--once', 'extra'],
    ['--telemetry-path', '/a', '--telemetry-path', '/b'],
    ['--enable-metrics', 'cpu,bogus'],
    ['--listen', 'no-port-here'],
  ]
  for (const args of cases) await assertSameAsOclif([...ONCE, ...args])
  // After the parse, in runServe: the fast path reports it as the oclif command does.
  await assertSameAsOclif(['serve', '--once', '--cgroup-root', '/nonexistent/cadv', '--runtime-wait', '0s', ...ABSENT_RUNTIMES])
  const r = await runCli([...ONCE, '--enable-metrics', 'cpu,bogus'])
  assert.equal(r.code, 2, r.stderr)
  assert.match(r.stderr, /^cadv serve: /)
})

test("serve --help is oclif's, on both paths", async () => {
  const help = await runCli(['serve', '--help'])
  assert.equal(help.code, 0)
  assert.match(help.stdout, /USAGE/)
  await assertSameAsOclif(['serve', '--help'])
  await assertSameAsOclif(['serve', '-h'])
})

function runCadvisor(args: string[], env: NodeJS.ProcessEnv): Promise<{code: number; stdout: string; stderr: string}> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CADVISOR, ...args], {timeout: 60_000, env: cliEnv(env)}, (err, stdout, stderr) => {
      const code = err ? (err as {code?: unknown}).code : 0
      resolve({code: typeof code === 'number' ? code : -1, stdout, stderr})
    })
  })
}

test('cadvisor: fast path = oclif (the exposition, -version, refused flags, bad values)', async () => {
  const cases = [
    [...ONCE.slice(1), '--listen', '127.0.0.1:0', '-housekeeping_interval=2s'],
    ['-version'],
    ['-storage_driver=kafka'],
    ['-housekeeping_interval=soon', '--once'],
    ['--once', '--cgroup-root', '/nonexistent/cadv', '--runtime-wait', '0s', ...ABSENT_RUNTIMES],
  ]
  for (const args of cases) {
    const fast = await runCadvisor(args, process.env)
    const slow = await runCadvisor(args, {...process.env, CADV_NO_FAST_PATH: '1'})
    assert.equal(steady(fast.stdout), steady(slow.stdout), args.join(' '))
    assert.equal(fast.stderr, slow.stderr, args.join(' '))
    assert.equal(fast.code, slow.code, args.join(' '))
  }
})

/**
 * Loaded before cadv (node --import): counts every collation asked of Intl in each thread
 * (localeCompare, Intl.Collator) and says how many on stderr when the thread ends.
 */
const COUNT_COLLATIONS = `data:text/javascript,${encodeURIComponent(`
import {isMainThread} from 'node:worker_threads'
let n = 0
const compare = String.prototype.localeCompare
String.prototype.localeCompare = function (...a) { n++; return compare.apply(this, a) }
Intl.Collator = new Proxy(Intl.Collator, {construct: (t, a) => (n++, Reflect.construct(t, a)), apply: (t, self, a) => (n++, Reflect.apply(t, self, a))})
process.on('exit', () => process.stderr.write('collations in ' + (isMainThread ? 'main' : 'a worker') + ': ' + n + '\\n'))
`)}`

/**
 * Starts serve on the fixture with `hook` loaded first (node --import), fetches each path,
 * stops it; what it wrote on stderr (the hooks report there when the process ends).
 */
async function stderrOfServeWith(hook: string, env: NodeJS.ProcessEnv, paths: string[], nodeArgs: string[] = []): Promise<string> {
  const serve = await new ServeProcess(['--cgroup-root', FIXTURE, '--runtime-wait', '0s', ...ABSENT_RUNTIMES], {env}, [
    ...nodeArgs,
    '--import',
    hook,
  ]).ready()
  try {
    for (const path of paths) {
      const res = await fetch(`${serve.url}${path}`)
      assert.equal(res.status, 200, path)
      await res.arrayBuffer()
    }
  } finally {
    assert.equal(await serve.stop(), 0, serve.stderr)
  }
  return serve.stderr
}

/** Starts serve (counting collations), asks for what a scraper and the web UI ask, stops it; the counts. */
async function collationsOfServe(env: NodeJS.ProcessEnv): Promise<number[]> {
  const paths = ['/metrics', '/api/v2.0/machine', '/api/v1.3/machine', '/api/v1/stats', '/api/v2.0/storage']
  const stderr = await stderrOfServeWith(COUNT_COLLATIONS, env, paths)
  const counts = [...stderr.matchAll(/^collations in (?:main|a worker): (\d+)$/gm)].map((m) => Number(m[1]))
  assert.ok(counts.length >= 1, stderr)
  return counts
}

test('serve asks Intl for no collation: not at start, not for the machine API (ICU data would stay resident)', async () => {
  const counts = await collationsOfServe(process.env)
  assert.deepEqual(
    counts.filter((n) => n > 0),
    [],
    `collations: ${counts.join(', ')}`,
  )
  // The count sees them: oclif's Config sorts its commands with localeCompare.
  const oclif = await collationsOfServe({...process.env, CADV_NO_FAST_PATH: '1'})
  assert.ok(
    oclif.some((n) => n > 0),
    `through oclif: ${oclif.join(', ')}`,
  )
})

/**
 * Loaded before cadv (node --import): names on stderr, when the process ends, the packaged
 * modules it loaded (CommonJS: oclif and its dependencies) that are part of oclif's command,
 * config and plugin machinery, or of the packages only that machinery loads.
 */
const MACHINERY = [
  '/@oclif/core/lib/index.js',
  '/@oclif/core/lib/command.js',
  '/@oclif/core/lib/config/config.js',
  '/@oclif/core/lib/main.js',
  '/semver/',
  '/minimatch/',
  '/lilconfig/',
]
const NAME_MACHINERY = `data:text/javascript,${encodeURIComponent(`
import {createRequire} from 'node:module'
const cache = createRequire('/').cache
const machinery = ${JSON.stringify(MACHINERY)}
process.on('exit', () => {
  const loaded = Object.keys(cache).filter((f) => machinery.some((m) => f.includes('/node_modules' + m)))
  process.stderr.write('machinery loaded: ' + JSON.stringify(loaded) + '\\n')
})
`)}`

/** Starts serve (naming the machinery it loads), scrapes it once, stops it; what it loaded. */
async function machineryOfServe(env: NodeJS.ProcessEnv): Promise<string[]> {
  const stderr = await stderrOfServeWith(NAME_MACHINERY, env, ['/metrics'])
  const m = /^machinery loaded: (.*)$/m.exec(stderr)
  assert.ok(m, stderr)
  return JSON.parse(m[1]!) as string[]
}

test("serve loads none of oclif's command and config machinery (it would stay in the server's heap)", async () => {
  assert.deepEqual(await machineryOfServe(process.env), [])
  // The check sees them: through oclif every one is loaded.
  const oclif = await machineryOfServe({...process.env, CADV_NO_FAST_PATH: '1'})
  for (const m of MACHINERY)
    assert.ok(
      oclif.some((f) => f.includes(`/node_modules${m}`)),
      `${m} through oclif: ${oclif.join(', ')}`,
    )
})

/**
 * Loaded before cadv (node --import, with --expose-gc): holds weakly the exports of each module
 * of oclif's parser, flags, errors, help and ux, and of the packages they load (ejs, debug,
 * cli-spinners), and the functions each exports (not Node's own: ejs exports fs.readFileSync);
 * when the process ends, after full collections, names on stderr the modules still alive.
 */
const RESIDENT = `data:text/javascript,${encodeURIComponent(`
import Module, {createRequire} from 'node:module'
const require = createRequire('/')
const watched = /node_modules\\/(@oclif\\/core\\/lib\\/(parser|flags|errors|help|ux)|ejs|debug|cli-spinners)\\//
const node = new Set(Object.getOwnPropertyNames(globalThis).map((k) => globalThis[k]))
for (const m of Module.builtinModules) { try { for (const v of Object.values(require(m))) node.add(v) } catch {} }
const held = new Map()
const load = Module._load
Module._load = function (request, parent, isMain) {
  const exported = load.apply(this, arguments)
  const file = Module._resolveFilename(request, parent, isMain)
  if (watched.test(file) && !held.has(file) && exported !== null && typeof exported === 'object') {
    const own = Object.values(exported).filter((v) => typeof v === 'function' && !node.has(v))
    held.set(file, [exported, ...own].map((v) => new WeakRef(v)))
  }
  return exported
}
process.on('exit', () => {
  globalThis.gc()
  globalThis.gc()
  const alive = [...held].filter(([, refs]) => refs.some((r) => r.deref() !== undefined)).map(([file]) => file)
  process.stderr.write('watched: ' + held.size + ', alive: ' + JSON.stringify(alive) + '\\n')
})
`)}`

/** Starts serve (holding oclif's modules weakly), scrapes it once, stops it; how many were watched, which are alive. */
async function residentOfServe(env: NodeJS.ProcessEnv): Promise<{watched: number; alive: string[]}> {
  const stderr = await stderrOfServeWith(RESIDENT, env, ['/metrics'], ['--expose-gc'])
  const m = /^watched: (\d+), alive: (.*)$/m.exec(stderr)
  assert.ok(m, stderr)
  return {watched: Number(m[1]), alive: JSON.parse(m[2]!) as string[]}
}

test("serve keeps none of oclif's parser, flags, errors, help or ux modules once its command line is read", async () => {
  const fast = await residentOfServe(process.env)
  assert.ok(fast.watched >= 20, `watched ${fast.watched}`)
  assert.deepEqual(fast.alive, [])
  // The check sees them: through oclif (its Config, the command's flags) they stay.
  const oclif = await residentOfServe({...process.env, CADV_NO_FAST_PATH: '1'})
  assert.ok(oclif.alive.length >= 20, `alive through oclif: ${oclif.alive.join(', ')}`)
})

test("the built modules carry none of the sources' comments (a module's source stays in the server's heap)", () => {
  const source = readFileSync(fileURLToPath(new URL('../../../src/lib/app/heap.ts', import.meta.url)), 'utf8')
  const built = readFileSync(fileURLToPath(new URL('../../../dist/lib/app/heap.js', import.meta.url)), 'utf8')
  const comment = /^\s*(\/\*|\*|\/\/)/m
  assert.match(source, comment)
  assert.doesNotMatch(built, comment)
})
