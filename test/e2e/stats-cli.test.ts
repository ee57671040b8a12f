// `cadv stats` as users run it: the built CLI on fixture trees (deterministic numbers), on real
// cgroups, and under a real terminal (tmux) to check the table is redrawn in place.
import {after, test} from 'node:test'
import assert from 'node:assert/strict'
import {execFileSync, spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {CADV, runCli, startCli} from '../helpers/cli.js'
import {TestCgroups, realCgroupSkipReason} from '../helpers/cgroups.js'
import {until} from '../helpers/wait.js'

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url))
const v2 = ['--cgroup-root', fixtures + 'cgroup_v2/basic', '--proc-root', fixtures + 'proc/basic']
const fast = ['--interval', '200ms']

test('--once prints one docker-like table with human units', async () => {
  const r = await runCli(['stats', '--once', ...fast, ...v2])
  assert.equal(r.code, 0, r.stderr)
  const lines = r.stdout.trimEnd().split('\n')
  assert.match(lines[0]!, /^cadv stats {2}\d{4}-\d\d-\d\dT[\d:.]+Z {2}1 container {2}every 0.2s {2}sorted by cpu$/)
  assert.deepEqual(lines[1]!.split(/\s{2,}/), [
    'CONTAINER',
    'FACTORY',
    'CPU %',
    'MEM USAGE / LIMIT',
    'MEM %',
    'NET I/O',
    'BLOCK I/O',
    'PIDS',
  ])
  // 190 MiB working set of 1 GiB host memory (no limit); lo and veth are not counted.
  assert.deepEqual(lines[2]!.split(/\s{2,}/), [
    '/docker/c1',
    'raw',
    '0.00%',
    '190MiB / 1GiB',
    '18.55%',
    '1.75MB / 625kB',
    '1.05MB / 2.1MB',
    '3',
  ])
  assert.equal(lines.length, 3)
  assert.doesNotMatch(r.stdout, /\u001b/, 'no control codes off a terminal')
})

test('--no-stream is --once; --all adds the root and idle cgroups; --depth limits the tree', async () => {
  const all = await runCli(['stats', '--no-stream', '--all', '--sort', 'name', ...fast, ...v2])
  assert.equal(all.code, 0, all.stderr)
  assert.deepEqual(
    all.stdout
      .trimEnd()
      .split('\n')
      .slice(2)
      .map((l) => l.split(/\s+/)[0]),
    ['/', '/docker', '/docker/c1'],
  )
  const shallow = await runCli(['stats', '--once', '--all', '--depth', '1', ...fast, ...v2])
  assert.deepEqual(
    shallow.stdout
      .trimEnd()
      .split('\n')
      .slice(2)
      .map((l) => l.split(/\s+/)[0])
      .sort(),
    ['/', '/docker'],
  )
})

test('--json prints one document of raw numbers', async () => {
  const r = await runCli(['stats', '--json', ...fast, ...v2])
  assert.equal(r.code, 0, r.stderr)
  const doc = JSON.parse(r.stdout) as {time: string; containers: Record<string, unknown>[]}
  assert.ok(!Number.isNaN(Date.parse(doc.time)))
  assert.equal(doc.containers.length, 1)
  const row = doc.containers[0]!
  assert.equal(row.name, '/docker/c1')
  assert.equal(row.factory, 'raw')
  assert.equal(row.memoryUsageBytes, 190 * 1024 * 1024)
  assert.equal(row.memoryLimitBytes, 1024 * 1024 * 1024)
  assert.equal(row.memoryLimited, false)
  assert.equal(row.netRxBytes, 1750000)
  assert.equal(row.blockWriteBytes, 2097152)
  assert.equal(row.pids, 3, 'pids.current (tasks), as docker stats shows')
  assert.equal(row.processes, 1, 'cgroup.procs lines')
  assert.equal(row.cpuPercent, 0)
})

test('--format ndjson prints one line per container per refresh', async () => {
  const r = await runCli(['stats', '--format', 'ndjson', '--once', '--all', ...fast, ...v2])
  assert.equal(r.code, 0, r.stderr)
  const rows = r.stdout
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as {name: string})
  assert.deepEqual(rows.map((x) => x.name).sort(), ['/', '/docker', '/docker/c1'])
})

test('off a terminal, successive tables are separated by a blank line', async () => {
  const child = startCli(['stats', ...fast, ...v2])
  let out = ''
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  // Two complete tables, however slow the machine (the deadline only ends a hung run).
  const complete = (): boolean => (out.match(/\n\/docker\/c1 /g) ?? []).length >= 2
  await until('two complete tables', () => complete() || child.exitCode !== null, 30_000).catch(() => undefined)
  child.kill('SIGTERM')
  const code = await new Promise((r) => child.on('close', r))
  assert.equal(code, 0)
  const tables = out.trimEnd().split('\n\n')
  assert.ok(tables.length >= 2, `expected several tables, got:\n${out}`)
  // A busy machine may leave a cgroup without its second reading past two intervals: that table
  // says so in a collecting line (the feed's documented behaviour), and is still a whole table.
  for (const t of tables) assert.match(t, /^cadv stats .*\n(collecting: .*\n)?CONTAINER .*\n\/docker\/c1 /)
  assert.doesNotMatch(out, /\u001b/)
})

test('empty state: a friendly line saying where it looked', async () => {
  const root = fixtures + 'cgroup_v2/empty'
  const r = await runCli(['stats', '--once', '--interval', '100ms', '--cgroup-root', root])
  assert.equal(r.code, 0, r.stderr)
  assert.match(
    r.stdout,
    new RegExp(`No containers found under ${root} \\(hierarchies: unified\\); idle raw cgroups and / are hidden; --all shows them\\.`),
  )
  const filtered = await runCli(['stats', '--once', ...fast, ...v2, '--filter', 'factory=docker'])
  assert.match(filtered.stdout, /No containers found .*nothing matched the filters or depth given/)
  const json = await runCli(['stats', '--json', '--interval', '100ms', '--cgroup-root', root])
  assert.deepEqual((JSON.parse(json.stdout) as {containers: unknown[]}).containers, [])
  assert.match(json.stderr, /No containers found/)
})

test('--filter prefix and label', async () => {
  const r = await runCli(['stats', '--format', 'ndjson', '--once', '--all', ...fast, ...v2, '--filter', 'prefix=/docker'])
  assert.deepEqual(
    r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as {name: string}).name)
      .sort(),
    ['/docker', '/docker/c1'],
  )
  const labelled = await runCli(['stats', '--format', 'ndjson', '--once', ...fast, ...v2, '--filter', 'label=app=web'])
  assert.equal(labelled.stdout, '', 'raw cgroups have no labels')
})

for (const [args, pattern] of [
  [['--sort', 'bogus'], /--sort/],
  [['--interval', '5'], /--interval: invalid duration "5": missing unit/],
  [['--interval', '10ms'], /must be at least 100ms/],
  [['--filter', 'colour=red'], /--filter "colour=red": unknown key "colour"/],
  [['--filter', 'prefix=docker'], /starts with \//],
  [['--depth', '-1'], /--depth/],
  [['--format', 'yaml'], /--format/],
  [['--cgroup-root', '/nonexistent/cadv'], /--cgroup-root \/nonexistent\/cadv: no such file or directory/],
] as const) {
  test(`bad input ${args.join(' ')}: one line, exit 2`, async () => {
    const base = [...(args[0] === '--interval' ? [] : fast), ...(args[0] === '--cgroup-root' ? [] : v2)]
    const r = await runCli(['stats', '--once', ...base, ...args])
    assert.equal(r.code, 2, r.stderr)
    assert.equal(r.stdout, '')
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr)
    assert.match(r.stderr, pattern)
  })
}

const realSkip = realCgroupSkipReason()
let tc: TestCgroups | undefined
after(async () => tc?.cleanup())

test('real cgroups: a busy loop and a sleeper show up with their CPU and pids', {skip: realSkip}, async () => {
  tc = new TestCgroups('cadvt-statscli')
  tc.mkdir()
  tc.mkdir('busy')
  tc.mkdir('sleepy')
  tc.spawnIn('busy', 'sh', ['-c', 'while :; do :; done'])
  tc.spawnIn('sleepy', 'sleep', ['600'])
  const r = await runCli(['stats', '--json', '--interval', '2s', '--sort', 'name', '--filter', `prefix=${tc.root}`])
  assert.equal(r.code, 0, r.stderr)
  const rows = (JSON.parse(r.stdout) as {containers: {name: string; cpuPercent?: number; pids?: number}[]}).containers
  const busy = rows.find((x) => x.name === tc!.name('busy'))!
  const sleepy = rows.find((x) => x.name === tc!.name('sleepy'))!
  // The ±15-point check is in test/integration/stats-real; here the row only has to tell them apart.
  assert.ok(busy.cpuPercent! > 20 && busy.cpuPercent! <= 115, `busy loop CPU ${busy.cpuPercent}`)
  assert.equal(busy.pids, 1)
  assert.ok(sleepy.cpuPercent! < 5)
  assert.equal(sleepy.pids, 1)
})

function hasTmux(): boolean {
  return spawnSync('tmux', ['-V']).status === 0
}

test(
  'in a terminal the table is redrawn in place',
  {skip: hasTmux() ? undefined : 'tmux is not installed (apt-get install tmux)'},
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cadv-tmux-'))
    const socket = join(dir, 'sock')
    const tmux = (...a: string[]): string => execFileSync('tmux', ['-S', socket, ...a], {encoding: 'utf8'})
    const cmd = [process.execPath, CADV, 'stats', '--interval', '300ms', '--all', ...v2].map((a) => `'${a}'`).join(' ')
    try {
      tmux('new-session', '-d', '-x', '150', '-y', '30', cmd)
      const capture = (): string => tmux('capture-pane', '-p', '-S', '-100')
      // Wait for the first frame (start-up is slow on a loaded machine), then for a redraw.
      const first = await until(
        'the first frame',
        () => {
          const screen = capture()
          return /^\/docker\/c1 /m.test(screen) && screen
        },
        {timeoutMs: 10_000, everyMs: 100},
      ).catch(() => capture())
      const headerTime = (screen: string): string | undefined => /^cadv stats {2}(\S+)/.exec(screen)?.[1]
      const second = await until(
        'a redraw',
        () => {
          const screen = capture()
          return headerTime(screen) !== headerTime(first) && /^\/docker\/c1 /m.test(screen) && screen
        },
        {timeoutMs: 10_000, everyMs: 100},
      ).catch(() => capture())
      for (const screen of [first, second]) {
        assert.equal(screen.match(/^cadv stats /gm)?.length, 1, `one header on screen and in the scrollback:\n${screen}`)
        assert.equal(screen.match(/^CONTAINER /gm)?.length, 1, screen)
        assert.equal(screen.match(/^\/docker\/c1 /gm)?.length, 1, screen)
        assert.ok(screen.startsWith('cadv stats '), 'the table starts at the top of the screen')
      }
      const stamp = (s: string): string => /^cadv stats {2}(\S+)/.exec(s)![1]!
      assert.notEqual(stamp(first), stamp(second), 'the table was redrawn')
    } finally {
      spawnSync('tmux', ['-S', socket, 'kill-server'])
      rmSync(dir, {recursive: true, force: true})
    }
  },
)

test("the runtimes' resolver decides what is tracked: --docker-only hides raw cgroups unless whitelisted", async () => {
  const none = await runCli(['stats', '--once', '--docker-only', ...fast, ...v2])
  assert.equal(none.code, 0, none.stderr)
  assert.match(none.stdout, /No containers found/)
  const listed = await runCli([
    'stats',
    '--format',
    'ndjson',
    '--once',
    '--docker-only',
    '--raw-cgroup-prefix-whitelist',
    '/docker',
    ...fast,
    ...v2,
  ])
  assert.deepEqual(
    listed.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as {name: string; factory: string}),
    [{...(JSON.parse(listed.stdout.trimEnd().split('\n')[0]!) as object), name: '/docker/c1', factory: 'raw'}],
  )
})
