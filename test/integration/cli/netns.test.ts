// The host's network namespace with PID 1's namespace unreadable: cadv runs without
// CAP_SYS_PTRACE (as in a container sharing the host's PID namespace), so /proc/1/ns/net
// gives EACCES. A raw cgroup whose process is in the host's namespace must get no network
// numbers; one whose process has a namespace of its own must. Needs root, setpriv, unshare.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {execFile, spawnSync} from 'node:child_process'

import {TestCgroups, realCgroupSkipReason} from '../../helpers/cgroups.js'
import {CADV} from '../../helpers/cli.js'
import {until} from '../../helpers/wait.js'

/** Runs a command with CAP_SYS_PTRACE gone from its bounding set (and so from what it may gain). */
const NO_PTRACE = ['setpriv', '--bounding-set', '-sys_ptrace', '--inh-caps', '-sys_ptrace']

function skipReason(): string | undefined {
  const real = realCgroupSkipReason()
  if (real) return real
  for (const tool of ['setpriv', 'unshare']) if (spawnSync(tool, ['--version']).error) return `needs ${tool} (util-linux)`
  if (spawnSync(NO_PTRACE[0]!, [...NO_PTRACE.slice(1), 'true']).status !== 0) return 'setpriv cannot drop CAP_SYS_PTRACE here'
  return undefined
}
const skip = skipReason()

interface Row {
  name: string
  netRxBytes?: number
}

/** `cadv stats --json` of our cgroups, run through `wrap` (setpriv, unshare). */
function stats(tc: TestCgroups, wrap: string[], extra: string[] = []): Promise<{rows: Map<string, Row>; stderr: string}> {
  return new Promise((resolve, reject) => {
    const args = [
      ...wrap,
      process.execPath,
      CADV,
      'stats',
      '--json',
      '--all',
      '--interval',
      '300ms',
      '-v',
      '--filter',
      `prefix=${tc.root}`,
      ...extra,
    ]
    execFile(args[0]!, args.slice(1), {timeout: 60_000, killSignal: 'SIGKILL'}, (err, stdout, stderr) => {
      if (err) return reject(new Error(`cadv stats: ${err.message.split('\n')[0]}; stderr: ${stderr.slice(0, 400)}`))
      const doc = JSON.parse(stdout) as {containers: Row[]}
      resolve({rows: new Map(doc.containers.map((r) => [r.name, r])), stderr})
    })
  })
}

test('raw cgroups in the host network namespace show no network numbers when /proc/1/ns/net is unreadable', {skip}, async () => {
  const tc = new TestCgroups('cadvt-netns')
  try {
    tc.mkdir('host')
    tc.mkdir('own')
    // The processes drop CAP_SYS_PTRACE too: cadv, without it, can read only the namespace
    // links of processes whose capabilities are no more than its own.
    const host = tc.spawnIn('host', NO_PTRACE[0]!, [...NO_PTRACE.slice(1), 'sleep', '600'])
    const own = tc.spawnIn('own', NO_PTRACE[0]!, [...NO_PTRACE.slice(1), 'unshare', '-n', 'sleep', '600'])
    await until('both sleeps in their cgroups', () => {
      const procs = (rel: string): string => tc.read(tc.hierarchy('cpu'), rel, 'cgroup.procs').trim()
      return procs('host') !== '' && procs('own') !== '' && host.pid !== undefined && own.pid !== undefined
    })
    // Precondition: without CAP_SYS_PTRACE, PID 1's namespace cannot be read here.
    const probe = spawnSync(NO_PTRACE[0]!, [...NO_PTRACE.slice(1), 'readlink', '/proc/1/ns/net'])
    assert.notEqual(probe.status, 0, 'PID 1 namespace must be unreadable for this test')

    // cadv in the host's namespace.
    const a = await stats(tc, NO_PTRACE)
    assert.equal(a.rows.get(tc.name('host'))?.netRxBytes, undefined, "the host's interfaces are not the cgroup's own")
    assert.equal(typeof a.rows.get(tc.name('own'))?.netRxBytes, 'number', 'a namespace of its own is counted')
    assert.match(a.stderr, /host network namespace: net:\[\d+\], /)

    // cadv in a namespace of its own: nothing left to tell the host's by, unless the flag names it.
    const inOwn = [...NO_PTRACE, 'unshare', '-n']
    const b = await stats(tc, inOwn)
    // Found by a process of the root cgroup whose link cadv may read, or unknown.
    if (/host network namespace: unknown/.test(b.stderr)) {
      assert.equal(b.rows.get(tc.name('own'))?.netRxBytes, undefined, 'the host unknown: no raw cgroup is counted')
    } else {
      assert.match(b.stderr, /host network namespace: net:\[\d+\], the root cgroup's process/)
    }
    assert.equal(b.rows.get(tc.name('host'))?.netRxBytes, undefined, 'never host totals')
    const c = await stats(tc, inOwn, ['--host-netns', `/proc/${host.pid}/ns/net`])
    assert.equal(c.rows.get(tc.name('host'))?.netRxBytes, undefined)
    assert.equal(typeof c.rows.get(tc.name('own'))?.netRxBytes, 'number')
    assert.match(c.stderr, /host network namespace: net:\[\d+\], --host-netns/)
  } finally {
    await tc.cleanup()
  }
})

test('--host-netns naming nothing is bad input: one line, exit 2', {skip}, async () => {
  const r = await new Promise<{code: number | null; stderr: string}>((resolve) => {
    const child = execFile(
      process.execPath,
      [CADV, 'stats', '--json', '--host-netns', '/nonexistent/netns'],
      {timeout: 60_000},
      (_e, _o, stderr) => resolve({code: child.exitCode, stderr}),
    )
  })
  assert.equal(r.code, 2)
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr)
  assert.match(r.stderr, /--host-netns \/nonexistent\/netns: cannot read/)
})
