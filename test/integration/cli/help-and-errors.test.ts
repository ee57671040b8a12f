// The command line as a newcomer meets it: -h and `cadv help` everywhere, a version, and every
// mistake answered by one line in one format (`cadv <command>: …`) with the documented exit
// status, whether the mistake is caught by oclif's parser or by cadv.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {fileURLToPath} from 'node:url'

import {cliEnv, runCli} from '../../helpers/cli.js'

const fixtures = fileURLToPath(new URL('../../fixtures/', import.meta.url))
const v2 = ['--cgroup-root', `${fixtures}cgroup_v2/basic`, '--proc-root', `${fixtures}proc/basic`]

for (const args of [['-h'], ['--help'], ['help']]) {
  test(`cadv ${args.join(' ')}: the commands and where to read more`, async () => {
    const r = await runCli(args)
    assert.equal(r.code, 0, r.stderr)
    for (const c of ['watch', 'stats', 'resolve', 'serve', 'help', 'version']) assert.match(r.stdout, new RegExp(`^ {2}${c} `, 'm'))
    assert.match(r.stdout, /cadv help <command>/)
    assert.equal(r.stderr, '')
  })
}

for (const cmd of ['watch', 'stats', 'resolve', 'serve']) {
  test(`cadv ${cmd} -h = --help = cadv help ${cmd}: own flags first, runtime flags as one list`, async () => {
    const [short, long, viaHelp] = await Promise.all([runCli([cmd, '-h']), runCli([cmd, '--help']), runCli(['help', cmd])])
    for (const r of [short, long, viaHelp]) assert.equal(r.code, 0, r.stderr)
    assert.equal(short.stdout, long.stdout)
    assert.equal(viaHelp.stdout, long.stdout)
    const sections = long.stdout.split('\n').filter((l) => /^[A-Z][A-Z ]+/.test(l))
    assert.ok(sections.indexOf('FLAGS') < sections.indexOf('GLOBAL FLAGS'), sections.join(', '))
    const runtime = long.stdout.slice(long.stdout.indexOf('RUNTIME FLAGS'))
    assert.match(runtime, /^RUNTIME FLAGS .*cadv help runtime\)\n {2}--docker --docker-timeout/)
    assert.doesNotMatch(runtime.split('\n\n')[0]!, /Docker Engine API/, 'the runtime flags are names only')
    assert.ok(runtime.split('\n\n')[0]!.split('\n').length <= 5, 'the runtime block stays short')
  })
}

test("cadv help help is the help command's own page, not the list of commands", async () => {
  const r = await runCli(['help', 'help'])
  assert.equal(r.code, 0, r.stderr)
  assert.match(r.stdout, /^USAGE\n {2}\$ cadv help \[FLAGS\] \[SUBJECT\.\.\.\]$/m)
  assert.doesNotMatch(r.stdout, /^COMMANDS$/m)
})

test('cadv help runtime prints the shared runtime flags in full', async () => {
  const r = await runCli(['help', 'runtime'])
  assert.equal(r.code, 0, r.stderr)
  assert.match(r.stdout, /--docker <endpoint> +Docker Engine API endpoint/)
  assert.match(r.stdout, /--raw-cgroup-prefix-whitelist <prefix>\.\.\./)
})

test("serve's storage flags: names only in serve -h, in full with cadv help storage, cAdvisor's unbuilt drivers in one line each", async () => {
  const [serve, storage] = await Promise.all([runCli(['serve', '-h']), runCli(['help', 'storage'])])
  assert.equal(storage.code, 0, storage.stderr)
  const block = serve.stdout.slice(serve.stdout.indexOf('STORAGE FLAGS')).split('\n\n')[0]!
  assert.match(block, /^STORAGE FLAGS .*cadv help storage\)\n {2}--storage-driver --storage-driver-host/)
  assert.ok(block.split('\n').length <= 8, block)
  assert.doesNotMatch(serve.stdout, /kafka-topic|es-index/, 'flags of drivers cadv lacks stay out of serve -h')
  // serve has the most flags; a flag whose --help text runs past two lines wants a `summary`
  // (its `description` stays the man page's entry). The budget grows by a line for a new flag
  // with a one-line summary (224: --heap-compaction, session 29), not for a paragraph.
  const lines = serve.stdout.split('\n').length
  assert.ok(lines < 224, `serve -h is ${lines} lines: give long flags a one-line summary`)
  assert.match(storage.stdout, /--storage-driver-host <address>\.\.\.\s+Where a driver sends/)
  assert.match(storage.stdout, /no kafka\s+driver\): --storage-driver-kafka-broker-list,/)
})

test('every help page fits 80 columns', async () => {
  const pages = [
    ['-h'],
    ...['watch', 'stats', 'resolve', 'serve', 'version'].map((c) => [c, '-h']),
    ...['runtime', 'storage', 'global'].map((g) => ['help', g]),
  ]
  const long = (await Promise.all(pages.map((p) => runCli(p)))).flatMap((r, i) =>
    r.stdout
      .split('\n')
      .filter((l) => [...l].length > 80)
      .map((l) => `cadv ${pages[i]!.join(' ')}: ${l}`),
  )
  assert.deepEqual(long, [])
})

test('stats does not offer --env-metadata-whitelist (it shows no environment); serve does', async () => {
  assert.doesNotMatch((await runCli(['stats', '-h'])).stdout, /env-metadata-whitelist/)
  assert.match((await runCli(['serve', '-h'])).stdout, /--env-metadata-whitelist/)
})

test('cadv version and cadv --version say the same', async () => {
  const [a, b] = await Promise.all([runCli(['version']), runCli(['--version'])])
  assert.equal(a.code, 0)
  assert.match(a.stdout, /^cadv \d+\.\d+\.\d+ \(node v\d+[.\d]*, linux-\w+\)\n$/)
  assert.equal(b.stdout, a.stdout)
  const json = JSON.parse((await runCli(['version', '--json'])).stdout) as {version: string}
  assert.match(json.version, /^\d+\.\d+\.\d+$/)
})

// Every mistake: one line on stderr, nothing on stdout, exit 2.
const MISTAKES: [string[], RegExp][] = [
  [['statz'], /^cadv: unknown command "statz" \(did you mean stats\?\); commands: (\w+, )+stats, version, watch$/],
  [['--bogus'], /^cadv: unknown flag --bogus \(a command comes first/],
  [['help', 'statz'], /^cadv: no command or flag group "statz" \(did you mean stats\?\)/],
  [['stats', 'extra'], /^cadv stats: unexpected argument "extra": cadv stats takes none$/],
  [['stats', '--sortt', 'cpu'], /^cadv stats: unknown flag --sortt \(did you mean --sort\?\); cadv help stats lists them$/],
  [['stats', '--sort', 'cpux'], /^cadv stats: --sort cpux: expected one of cpu, mem, io, pids, name \(did you mean cpu\?\)$/],
  [
    ['stats', '--filter', 'factory=dockr', ...v2],
    /^cadv stats: --filter "factory=dockr": no factory is called "dockr" \(did you mean docker\?\)/,
  ],
  [['stats', '--format', 'table', '--json', ...v2], /^cadv stats: --json and --format table contradict each other/],
  [['stats', '--cgroup-root', '/nonexistent/cadv'], /^cadv stats: --cgroup-root \/nonexistent\/cadv: no such file or directory$/],
  [['watch', '--cgroup-root', '/nonexistent/cadv'], /^cadv watch: --cgroup-root \/nonexistent\/cadv: no such file or directory$/],
  [['serve', '--listen', ':99999', ...v2], /^cadv serve: --listen ":99999": port 99999 is out of range \(0 to 65535\)$/],
  [['watch', '--once', '--watch-only'], /^cadv watch: --(once|watch-only) and --(once|watch-only) cannot be used together$/],
  [
    ['watch', '--type', 'ContainerAdd,OOMkill', '--once'],
    /^cadv watch: --type OOMkill: expected one of ContainerAdd, ContainerDelete, OOM, OOMKill/,
  ],
  [['serve', '--event-storage-age-limit', 'oomKil=1h', ...v2], /^cadv serve: --event-storage-age-limit .*unknown event type "oomKil"/],
  [['serve', '--event_storage_event_limit=default=-1', ...v2], /^cadv serve: --event-storage-event-limit/],
  [['serve', '-housekeeping_interval', '10', ...v2], /^cadv serve: -housekeeping_interval: invalid duration "10": missing unit/],
  [['resolve', '--expct', 'docker', '/'], /^cadv resolve: unknown flag --expct \(did you mean --expect\?\)/],
]
for (const [args, pattern] of MISTAKES) {
  test(`cadv ${args.filter((a) => !a.startsWith(fixtures)).join(' ')}: one line, exit 2`, async () => {
    const r = await runCli(args)
    assert.equal(r.code, 2, r.stderr)
    assert.equal(r.stdout, '')
    assert.equal(r.stderr.split('\n').length, 2, `one line:\n${r.stderr}`)
    assert.match(r.stderr.trimEnd(), pattern)
    assert.doesNotMatch(r.stderr, /›|Error:|\bE[A-Z]{3,}\b/, 'no oclif decoration, no errno names')
  })
}

test('the cadvisor entry point speaks the same format: `cadvisor: <what>`, exit 2', async () => {
  const cadvisor = fileURLToPath(new URL('../../../bin/cadvisor.js', import.meta.url))
  const r = await new Promise<{code: number | null; stderr: string}>((resolve) => {
    const child = spawn(process.execPath, [cadvisor, '--cgroup-root=/nonexistent/cadv'], {env: cliEnv(undefined)})
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('close', (code) => resolve({code, stderr}))
  })
  assert.equal(r.code, 2)
  assert.equal(r.stderr, 'cadvisor: --cgroup-root /nonexistent/cadv: no such file or directory\n')
})
