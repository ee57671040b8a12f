// `cadv serve` and `cadvisor` started as programs (bin/cadv from PATH, npm's link): the bin's sh
// lines start node with the flags and glibc environment serve needs for its memory (bin/run.js),
// by exec, so the process a user started is node itself: its pid, its exit status, its signals.
// `node bin/run.js serve` does not get them (that is the way to start it without). Needs the build.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import {AS_PROGRAM, runCli, startCli} from '../../helpers/cli.js'
import {ABSENT_RUNTIMES} from '../../helpers/fast-flags.js'
import {ServeProcess} from '../../helpers/serve.js'
import {until} from '../../helpers/wait.js'

const FIXTURE = fileURLToPath(new URL('../../fixtures/cgroup_v2/basic', import.meta.url))
/** The name on PATH: a link to bin/run.js, as `export PATH="$PWD/bin:$PATH"` and npm's link give it. */
const CADV_ON_PATH = fileURLToPath(new URL('../../../bin/cadv', import.meta.url))
const CADVISOR_ON_PATH = fileURLToPath(new URL('../../../bin/cadvisor', import.meta.url))
const ARGS = ['--cgroup-root', FIXTURE, '--runtime-wait', '0s', ...ABSENT_RUNTIMES]
const SERVE_NODE_FLAGS = ['--single-threaded-gc', '--no-concurrent-recompilation']
const THRESHOLD = 'glibc.malloc.mmap_threshold=131072'
const ARENAS = 'glibc.malloc.arena_max=2'

function cmdlineOf(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').slice(0, -1)
}

/**
 * GLIBC_TUNABLES as the process was started with it. glibc parses it in place at start, writing a
 * NUL over each `:` of the original block, which is what /proc/<pid>/environ shows: the entries
 * after it that name a tunable are the rest of its value.
 */
function tunablesOf(pid: number): string | undefined {
  const entries = readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0')
  const i = entries.findIndex((e) => e.startsWith('GLIBC_TUNABLES='))
  if (i < 0) return undefined
  const rest = entries.slice(i + 1)
  const more = rest.slice(
    0,
    Math.max(
      0,
      rest.findIndex((e) => !e.startsWith('glibc.')),
    ),
  )
  return [entries[i]!.slice('GLIBC_TUNABLES='.length), ...more].join(':')
}

/** Without any GLIBC_TUNABLES of the test's own environment unless given. */
function envWith(tunables: string | undefined, more: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = {...process.env, ...more}
  delete env.GLIBC_TUNABLES
  if (more.MALLOC_ARENA_MAX === undefined) delete env.MALLOC_ARENA_MAX
  return tunables === undefined ? env : {...env, GLIBC_TUNABLES: tunables}
}

/** Starts serve as `how`, reads what the process it started is, stops it with SIGTERM. */
async function serveAs(
  how: typeof AS_PROGRAM | [],
  tunables: string | undefined,
  more: NodeJS.ProcessEnv = {},
): Promise<{argv: string[]; tunables: string | undefined; code: number | null; signal: NodeJS.Signals | null}> {
  const serve = await new ServeProcess(ARGS, {env: envWith(tunables, more)}, how, [], CADV_ON_PATH).ready()
  const pid = serve.child.pid!
  try {
    // The process that answers is the one the caller started (exec, no wrapper in between).
    const res = await fetch(`${serve.url}/metrics`)
    assert.equal(res.status, 200)
    assert.match(await res.text(), /^container_cpu_usage_seconds_total\{/m)
    return {argv: cmdlineOf(pid), tunables: tunablesOf(pid), code: await serve.stop(), signal: serve.child.signalCode}
  } finally {
    await serve.stop('SIGKILL')
  }
}

test('cadv serve as a program: node itself, same pid, with the flags and a fixed mmap threshold; SIGTERM exits 0', async () => {
  const r = await serveAs(AS_PROGRAM, undefined)
  assert.deepEqual(r.argv.slice(1, 4), [...SERVE_NODE_FLAGS, CADV_ON_PATH], r.argv.join(' '))
  assert.match(r.argv[0]!, /(^|\/)node$/)
  assert.equal(r.argv[4], 'serve')
  assert.equal(r.tunables, `${THRESHOLD}:${ARENAS}`)
  assert.equal(r.code, 0)
  assert.equal(r.signal, null)
})

test("a user's GLIBC_TUNABLES is kept, and a threshold or arena bound of the user's own wins", async () => {
  assert.equal((await serveAs(AS_PROGRAM, undefined, {MALLOC_ARENA_MAX: '4'})).tunables, THRESHOLD)
  assert.equal((await serveAs(AS_PROGRAM, 'glibc.malloc.arena_max=3')).tunables, `glibc.malloc.arena_max=3:${THRESHOLD}`)
  assert.equal((await serveAs(AS_PROGRAM, 'glibc.malloc.mmap_threshold=65536')).tunables, `glibc.malloc.mmap_threshold=65536:${ARENAS}`)
  const mine = 'glibc.malloc.arena_max=3:glibc.malloc.mmap_threshold=262144'
  assert.equal((await serveAs(AS_PROGRAM, mine)).tunables, mine)
})

test('node bin/run.js serve starts without them', async () => {
  const r = await serveAs([], undefined)
  assert.deepEqual(r.argv.slice(1, 3), [CADV_ON_PATH, 'serve'], r.argv.join(' '))
  assert.equal(r.tunables, undefined)
  assert.equal(r.code, 0)
})

/** Runs `args` with the bin as a program to its end. */
function runProgram(bin: string, args: string[]): Promise<{code: number | null; stdout: string; stderr: string}> {
  return new Promise((resolve, reject) => {
    const child = startCli(args, {env: envWith(undefined)}, AS_PROGRAM, [], bin)
    let stdout = ''
    let stderr = ''
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({code, stdout, stderr}))
  })
}

test("exit statuses and signals are node's: a refused line, a killed server, another command", async () => {
  // A command line the parser refuses: the same line and status as through node.
  const refused = ['serve', '--once', ...ARGS, '--listen', 'no-port-here']
  const viaNode = await runCli(refused)
  const program = await runProgram(CADV_ON_PATH, refused)
  assert.equal(viaNode.code, 2, viaNode.stderr)
  assert.equal(program.code, 2, program.stderr)
  assert.equal(program.stderr, viaNode.stderr)
  // A signal that kills: the caller sees node killed by it.
  const serve = await new ServeProcess(ARGS, {env: envWith(undefined)}, AS_PROGRAM, [], CADV_ON_PATH).ready()
  assert.equal(await serve.stop('SIGKILL'), null)
  assert.equal(serve.child.signalCode, 'SIGKILL')
  // Any other command runs as it did: its output and status.
  const version = await runProgram(CADV_ON_PATH, ['version'])
  assert.equal(version.code, 0, version.stderr)
  assert.equal(version.stdout, (await runCli(['version'])).stdout)
})

test('cadvisor as a program: node itself with the flags and the threshold; its --once exposition and status', async () => {
  const child = startCli(['--listen', '127.0.0.1:0', ...ARGS], {env: envWith(undefined)}, AS_PROGRAM, [], CADVISOR_ON_PATH)
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
  try {
    await until('cadvisor to listen', () => /listening on /.test(stderr) || undefined, {timeoutMs: 60_000, detail: () => stderr})
    const argv = cmdlineOf(child.pid!)
    assert.deepEqual(argv.slice(1, 4), [...SERVE_NODE_FLAGS, CADVISOR_ON_PATH], argv.join(' '))
    assert.equal(tunablesOf(child.pid!), `${THRESHOLD}:${ARENAS}`)
    child.kill('SIGTERM')
    assert.equal(await exited, 0, stderr)
  } finally {
    child.kill('SIGKILL')
  }
  const once = await runProgram(CADVISOR_ON_PATH, ['--once', ...ARGS])
  assert.equal(once.code, 0, once.stderr)
  assert.match(once.stdout, /^container_cpu_usage_seconds_total\{/m)
})
