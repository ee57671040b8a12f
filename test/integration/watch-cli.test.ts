// `cadv watch` through the built binary, as users run it: the list, the stream, pipes that
// close, signals and bad input.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {spawn, type ChildProcess} from 'node:child_process'

import {TestCgroups, realCgroupSkipReason} from '../helpers/cgroups.js'
import {CADV, runCli, startCli} from '../helpers/cli.js'
import {EventLog} from '../helpers/events.js'
import {until} from '../helpers/wait.js'
import type {ContainerEvent} from '../../src/lib/model/index.js'

const skip = realCgroupSkipReason()

function exited(child: ChildProcess): Promise<{code: number | null; signal: NodeJS.Signals | null}> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({code: child.exitCode, signal: child.signalCode})
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({code, signal})))
}

describe('cadv watch on real cgroups', {skip}, () => {
  test('--once lists the containers under a prefix, parents first, and exits 0', async () => {
    const t = new TestCgroups('cadvtc')
    try {
      t.mkdir('a/b')
      t.mkdir('x.mount/y')
      const r = await runCli(['watch', '--once', '--prefix', t.root])
      assert.equal(r.code, 0)
      assert.equal(r.stderr, '')
      const events = r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as ContainerEvent)
      // One line per container although it exists in every hierarchy; .mount cgroups skipped.
      assert.deepEqual(
        events.map((e) => e.name),
        [t.root, t.name('a'), t.name('a/b')],
      )
      for (const e of events) {
        assert.equal(e.type, 'ContainerAdd')
        assert.equal(e.initial, true)
        assert.equal(e.source, 'raw')
        assert.match(e.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
        assert.ok(Number.isInteger(e.timeNano) && Math.abs(e.timeNano / 1e6 - Date.parse(e.time)) < 1)
      }
    } finally {
      await t.cleanup()
    }
  })

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    test(`streams changes line by line; ${signal} stops it with status 0`, async () => {
      const t = new TestCgroups('cadvtc')
      t.mkdir('pre')
      const log = new EventLog(t.root)
      const child = startCli(['watch', '--prefix', t.root, '--rescan-interval', '0', '--verbose'])
      let stderr = ''
      child.stdout!.on('data', (d: Buffer) => log.feed(d.toString()))
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
      try {
        // +pre shows after the first hierarchy's scan; a cgroup made before the last one is
        // scanned is rightly part of the initial list. --verbose says when the list is done.
        await log.until('initial list', () => log.count('ContainerAdd', t.name('pre')) === 1 && /inotify watches/.test(stderr))
        t.mkdir('new/sub')
        await log.until('+new/sub', () => log.count('ContainerAdd', t.name('new/sub')) === 1)
        t.rmtree('new')
        await log.until('-new', () => log.count('ContainerDelete', t.name('new')) === 1)
        assert.deepEqual(log.sequence(), ['+', '+pre', '+new', '+new/sub', '-new/sub', '-new'])
        assert.deepEqual(
          log.events.map((e) => e.initial),
          [true, true, false, false, false, false],
        )
        child.kill(signal)
        assert.deepEqual(await exited(child), {code: 0, signal: null}, stderr)
        assert.deepEqual(
          stderr.split('\n').filter((l) => l && !l.startsWith('cadv: ')),
          [],
          'only --verbose notes on stderr',
        )
      } finally {
        child.kill('SIGKILL')
        await t.cleanup()
      }
    })
  }

  test('--watch-only prints changes only', async () => {
    const t = new TestCgroups('cadvtc')
    t.mkdir('pre')
    const log = new EventLog(t.root)
    // --verbose says on stderr when the initial scan is done, so we know when to start.
    const child = startCli(['watch', '--watch-only', '--prefix', t.root, '--verbose'])
    let stderr = ''
    child.stdout!.on('data', (d: Buffer) => log.feed(d.toString()))
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
    try {
      await log.until('ready', () => /inotify watches/.test(stderr))
      t.mkdir('later')
      await log.until('+later', () => log.count('ContainerAdd', t.name('later')) === 1)
      assert.deepEqual(log.sequence(), ['+later'])
      assert.equal(log.events[0]!.initial, false)
      child.kill('SIGTERM')
      assert.equal((await exited(child)).code, 0)
    } finally {
      child.kill('SIGKILL')
      await t.cleanup()
    }
  })

  test("a running watch turns on V8's memory-saving mode after its first listing; node --no-optimize-for-size keeps it off", async () => {
    const t = new TestCgroups('cadvtc')
    const note = /V8 memory-saving mode on/
    try {
      for (const nodeArgs of [[], ['--no-optimize-for-size']]) {
        const child = startCli(['watch', '--prefix', t.root, '--verbose'], {}, nodeArgs)
        let stderr = ''
        child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
        try {
          await until('the first listing', () => /inotify watches/.test(stderr) || undefined, {detail: () => stderr})
          if (nodeArgs.length === 0) assert.match(stderr, note)
          else assert.doesNotMatch(stderr, note)
          child.kill('SIGTERM')
          assert.equal((await exited(child)).code, 0, stderr)
        } finally {
          child.kill('SIGKILL')
        }
      }
    } finally {
      await t.cleanup()
    }
  })

  test('cadv watch | head -1: one line, status 0, nothing on stderr', async () => {
    const t = new TestCgroups('cadvtc')
    t.mkdir('a')
    let sh: ChildProcess | undefined
    try {
      // head exits after the first line; cadv learns the pipe is closed at its next write
      // (here the next event: the kernel gives no notice without a write), then exits 0.
      // bash in its own process group, so a cadv that never exits can be killed with it.
      sh = spawn(
        'bash',
        ['-c', `"${process.execPath}" "${CADV}" watch --prefix ${t.root} | head -1; echo "cadv exit \${PIPESTATUS[0]}" >&2`],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: true,
        },
      )
      let stdout = ''
      let stderr = ''
      sh.stdout!.on('data', (d: Buffer) => (stdout += d.toString()))
      sh.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
      const log = new EventLog(t.root)
      await until('the first line', () => stdout !== '', {timeoutMs: 10_000, everyMs: 20}).catch(() => undefined)
      // Each new cgroup is a line to write into the closed pipe, which is what makes cadv notice.
      let pokes = 0
      await until(
        'cadv to exit',
        () => {
          if (sh!.exitCode !== null) return true
          t.mkdir(`poke${pokes++}`)
          return false
        },
        10_000,
      ).catch(() => undefined)
      assert.notEqual(sh.exitCode, null, 'cadv did not exit after head closed the pipe')
      await exited(sh)
      log.feed(stdout)
      assert.deepEqual(log.sequence(), ['+'])
      assert.equal(stderr, 'cadv exit 0\n')
    } finally {
      // The group we made: bash, cadv and head, if any is still there.
      if (sh?.pid !== undefined && sh.exitCode === null) {
        try {
          process.kill(-sh.pid, 'SIGKILL')
        } catch {
          // already gone
        }
        await exited(sh)
      }
      await t.cleanup()
    }
  })
})

describe('cadv watch: bad input is one line and status 2', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--watch-backend', 'fsevents'], /^cadv watch: --watch-backend fsevents: expected one of inotify, parcel, poll\n$/],
    [['--rescan-interval', '10'], /^cadv watch: --rescan-interval: invalid duration "10": missing unit/],
    [['--rescan-interval', '-1s'], /^cadv watch: --rescan-interval: invalid duration "-1s": negative/],
    [['--poll-interval', '1ms'], /^cadv watch: --poll-interval: invalid duration "1ms": must be at least 10ms\n$/],
    [['--prefix', 'docker'], /^cadv watch: --prefix docker: a container name starts with \/\n$/],
    [['--prefix', '/a/../b'], /^cadv watch: --prefix \/a\/\.\.\/b: a container name has no \. or \.\. parts\n$/],
    [['--hierarchy', 'nosuch'], /^cadv watch: --hierarchy nosuch: no such hierarchy \(available: .+\)\n$/],
    [['--once', '--watch-only'], /^cadv watch: --watch-only and --once cannot be used together\n$/],
    [['--frobnicate'], /^cadv watch: unknown flag --frobnicate; cadv help watch lists them\n$/],
    [['--cgroup-root', '/nonexistent/cadv'], /^cadv watch: --cgroup-root \/nonexistent\/cadv: no such file or directory\n$/],
  ]
  for (const [args, message] of cases) {
    test(args.join(' '), async () => {
      const r = await runCli(['watch', ...args])
      assert.equal(r.code, 2, r.stderr)
      assert.equal(r.stdout, '')
      assert.match(r.stderr, message)
      assert.equal(r.stderr.split('\n').filter(Boolean).length, 1)
    })
  }
})

test('cadv watch --help teaches: summary, every flag, examples', async () => {
  const r = await runCli(['watch', '--help'])
  assert.equal(r.code, 0)
  for (const flag of ['--once', '--watch-only', '--prefix', '--hierarchy', '--watch-backend', '--rescan-interval', '--poll-interval']) {
    assert.ok(r.stdout.includes(flag), flag)
  }
  assert.match(r.stdout, /EXAMPLES[\s\S]*cadv watch --once \| jq -r \.name/)
})
