// The readers against hostile and broken trees, through the built CLI: a FIFO, a device, a
// socket or a huge file where a cgroup or proc file should be is an error of that sample and
// never a hang; values out of a counter's range are errors, not numbers; names with control
// characters are printed escaped.
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, unlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {runCli, startCli} from '../helpers/cli.js'
import {until} from '../helpers/wait.js'

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url))
/** A hang fails the test here instead of holding the suite. */
const HANG_MS = 30_000
let dir: string

function tree(name: string): {cgroup: string; proc: string; args: string[]} {
  const cgroup = join(dir, name, 'cgroup')
  const proc = join(dir, name, 'proc')
  cpSync(join(fixtures, 'cgroup_v2/basic'), cgroup, {recursive: true})
  cpSync(join(fixtures, 'proc/basic'), proc, {recursive: true})
  return {cgroup, proc, args: ['--cgroup-root', cgroup, '--proc-root', proc]}
}

function fifo(path: string): void {
  rmSync(path, {force: true})
  execFileSync('mkfifo', [path])
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'cadv-hostile-'))
})

after(() => rmSync(dir, {recursive: true, force: true}))

interface JsonRow {
  name: string
  cpuPercent?: number
  memoryUsageBytes?: number
  pids?: number
}

test('a FIFO, /dev/zero and a 100 MB file in the cgroup and proc trees: stats and serve --once finish, the rest is kept', async () => {
  const t = tree('special')
  const c1 = join(t.cgroup, 'docker/c1')
  fifo(join(c1, 'memory.stat'))
  unlinkSync(join(c1, 'io.stat'))
  symlinkSync('/dev/zero', join(c1, 'io.stat'))
  writeFileSync(join(c1, 'cpu.pressure'), '')
  truncateSync(join(c1, 'cpu.pressure'), 100 * 1024 * 1024)
  fifo(join(t.proc, '4242/net/dev'))
  fifo(join(t.proc, 'meminfo'))
  fifo(join(t.proc, 'self/limits'))
  fifo(join(t.proc, 'partitions'))

  const stats = await runCli(['stats', '--json', '-v', ...t.args], {timeoutMs: HANG_MS})
  assert.equal(stats.code, 0, stats.stderr)
  const rows = (JSON.parse(stats.stdout) as {containers: JsonRow[]}).containers
  const row = rows.find((r) => r.name === '/docker/c1')
  assert.ok(row, stats.stdout)
  assert.equal(row.pids, 3, 'files that are fine are still read')
  assert.equal(row.memoryUsageBytes, 209715200)
  assert.match(stats.stderr, /memory\.stat: is a FIFO, not a regular file/)
  assert.match(stats.stderr, /io\.stat: is a character device, not a regular file/)
  assert.match(stats.stderr, /4242\/net\/dev: is a FIFO, not a regular file/)

  const serve = await runCli(['serve', '--once', '--enable-metrics', 'cpu,memory,diskIO,network,pressure', ...t.args], {timeoutMs: HANG_MS})
  assert.equal(serve.code, 0, serve.stderr)
  assert.match(serve.stdout, /^container_memory_usage_bytes\{id="\/docker\/c1"[^}]*\} 209715200$/m)
})

test('watch --once with a FIFO as mountinfo: one line, exit 2, no hang', async () => {
  const proc = join(dir, 'mountinfo-fifo')
  mkdirSync(join(proc, 'self'), {recursive: true})
  fifo(join(proc, 'self/mountinfo'))
  const r = await runCli(['watch', '--once', '--proc-root', proc], {timeoutMs: HANG_MS})
  assert.equal(r.code, 2, r.stderr)
  assert.equal(
    r.stderr,
    `cadv watch: cannot read ${proc}/self/mountinfo: is a FIFO, not a regular file (use --proc-root or --cgroup-root)\n`,
  )
})

test('values out of a u64 range are per-sample errors, never numbers', async () => {
  const t = tree('range')
  const c1 = join(t.cgroup, 'docker/c1')
  writeFileSync(join(c1, 'memory.current'), '340282366920938463463374607431768211456\n')
  writeFileSync(join(c1, 'pids.current'), '-1\n')
  const r = await runCli(['serve', '--once', '-v', '--enable-metrics', 'cpu,memory,process', ...t.args], {timeoutMs: HANG_MS})
  assert.equal(r.code, 0, r.stderr)
  assert.doesNotMatch(r.stdout, /e\+38/)
  assert.doesNotMatch(r.stdout, /^container_memory_usage_bytes\{id="\/docker\/c1"/m)
  assert.doesNotMatch(r.stdout, /^container_threads\{id="\/docker\/c1"/m)
  assert.match(r.stdout, /^container_processes\{id="\/docker\/c1"[^}]*\} 1$/m, 'the rest of the sample is kept')
  assert.match(r.stderr, /memory\.current: expected an integer, got "3402\d+" is above 2\^64 - 1/)
  assert.match(r.stderr, /pids\.current: expected an integer, got "-1" is negative/)
})

test('names with control characters: the stats table and resolve text show them escaped, one row each', async () => {
  const t = tree('names')
  const evil = 'evil\u001b]0;owned\u0007\u001b[2J\nFAKE'
  cpSync(join(t.cgroup, 'docker/c1'), join(t.cgroup, 'docker', evil), {recursive: true})
  const r = await runCli(['stats', '--once', '--no-trunc', ...t.args], {timeoutMs: HANG_MS})
  assert.equal(r.code, 0, r.stderr)
  assert.doesNotMatch(r.stdout, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/, 'no raw control character reaches the terminal')
  const lines = r.stdout.trimEnd().split('\n')
  assert.equal(lines.length, 4, r.stdout)
  assert.ok(
    lines.some((l) => l.startsWith('/docker/evil\\x1b]0;owned\\x07\\x1b[2J\\nFAKE ')),
    r.stdout,
  )
  const res = await runCli(['resolve', '--offline', `/docker/${evil}`], {timeoutMs: HANG_MS})
  assert.doesNotMatch(res.stdout + res.stderr, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/)
  assert.match(res.stdout, /^\/docker\/evil\\x1b\]0;owned\\x07\\x1b\[2J\\nFAKE: /)
})

test('read errors without -v: once per container and file on stderr, in every JSON row, at most 10 lines a minute', async () => {
  const t = tree('errors')
  const c1 = join(t.cgroup, 'docker/c1')
  fifo(join(c1, 'memory.stat'))
  writeFileSync(join(c1, 'pids.current'), '-1\n')
  // Several ticks of one container: each error is said once.
  const child = startCli(['stats', '--format', 'ndjson', '--interval', '100ms', ...t.args])
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  try {
    await until('five rows of /docker/c1', () => stdout.split('\n').filter((l) => l.includes('"/docker/c1"')).length >= 5)
  } finally {
    child.kill('SIGTERM')
    await new Promise((r) => child.once('exit', r))
  }
  const rows = stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as JsonRow & {errors?: string[]})
    .filter((r) => r.name === '/docker/c1')
  for (const r of rows) {
    assert.deepEqual(r.errors, [
      `${c1}/memory.stat: is a FIFO, not a regular file`,
      `${c1}/pids.current: expected an integer, got "-1" is negative`,
    ])
  }
  assert.equal(stderr.match(/memory\.stat: is a FIFO/g)?.length, 1, stderr)
  assert.equal(stderr.match(/pids\.current: expected an integer/g)?.length, 1, stderr)
  assert.match(stderr, /^cadv stats: warning: \/docker\/c1: .*memory\.stat: is a FIFO, not a regular file$/m)

  // Fifteen broken containers: ten lines, then one line saying the rest are counted.
  rmSync(join(c1, 'memory.stat'))
  for (let i = 0; i < 15; i++) cpSync(c1, join(t.cgroup, `docker/b${i}`), {recursive: true})
  const r = await runCli(['stats', '--json', ...t.args], {timeoutMs: HANG_MS})
  assert.equal(r.code, 0, r.stderr)
  const lines = r.stderr.trim().split('\n')
  assert.equal(lines.filter((l) => /pids\.current: expected an integer/.test(l)).length, 10, r.stderr)
  assert.match(r.stderr, /more than 10 read errors this minute: the rest are counted, not shown \(-v shows every one/)
  const verbose = await runCli(['stats', '--json', '-v', ...t.args], {timeoutMs: HANG_MS})
  assert.equal(verbose.stderr.match(/pids\.current: expected an integer/g)?.length, 16)
})
