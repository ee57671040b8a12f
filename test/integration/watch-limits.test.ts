// The watcher at the kernel's limits: no leaked watches after 2,000 cgroups come and go, an
// inotify queue overflow repaired by re-reads and the rescan, and the watch limit (ENOSPC)
// degrading to polling with one warning.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {execFileSync, spawnSync} from 'node:child_process'
import {lstatSync, mkdirSync} from 'node:fs'

import {TestCgroups, realCgroupSkipReason} from '../helpers/cgroups.js'
import {CADV} from '../helpers/cli.js'
import {EventLog} from '../helpers/events.js'
import {killGroup, spawnGroup} from '../helpers/processes.js'
import {until} from '../helpers/wait.js'
import {countInotifyWatches, createWatcher, listInotifyWatches} from '../../src/lib/watch/index.js'

const skip = realCgroupSkipReason()

/** Runs `mkdir`/`rmdir` with many arguments: back-to-back syscalls, as fast as runc. */
function many(cmd: 'mkdir' | 'rmdir', paths: string[]): void {
  for (let i = 0; i < paths.length; i += 4000) execFileSync(cmd, paths.slice(i, i + 4000))
}

for (const backend of ['inotify', 'parcel'] as const) {
  test(`${backend}: 2,000 cgroups created and removed leave no inotify watch behind`, {skip}, async () => {
    const t = new TestCgroups('cadvtl')
    const cpu = t.hierarchy('cpu')
    t.mkdir('', [cpu])
    const log = new EventLog(t.root)
    const w = createWatcher({hierarchies: [cpu], backend, prefixes: [t.root], rescanIntervalMs: 0})
    w.on('event', log.push)
    try {
      assert.equal(countInotifyWatches(), 0)
      await w.start()
      const before = countInotifyWatches()
      assert.ok(before > 0)
      const rels = Array.from({length: 2000}, (_, i) => `m${String(i).padStart(4, '0')}`)
      many(
        'mkdir',
        rels.map((r) => t.dir(cpu, r)),
      )
      // Watches are counted on our 2,000 directories' inodes: parcel watches the whole
      // hierarchy, where other processes' cgroups come and go meanwhile.
      const ours = new Set(rels.map((r) => lstatSync(t.dir(cpu, r)).ino))
      const watchesOnOurs = (): number => listInotifyWatches().filter((ino) => ours.has(ino)).length
      await log.until('2000 adds', () => log.events.filter((e) => e.type === 'ContainerAdd').length === 2001)
      await log.until('2000 watches', () => watchesOnOurs() === 2000)
      many(
        'rmdir',
        rels.map((r) => t.dir(cpu, r)),
      )
      await log.until('2000 deletes', () => log.events.filter((e) => e.type === 'ContainerDelete').length === 2000)
      await log.settle(backend === 'parcel' ? 700 : 150)
      for (const [name, n] of log.tally()) if (name !== t.root) assert.deepEqual(n, {adds: 1, deletes: 1}, name)
      if (backend === 'parcel') {
        // parcel never removes a deleted directory's watch (docs/ARCHITECTURE.md, "Facts"); the rescan
        // resubscribes, which gives them back. At most 2,000: an upstream fix may leak fewer.
        assert.ok(watchesOnOurs() <= 2000, `parcel left ${watchesOnOurs()} watches`)
        await w.reconcile()
      } else {
        // inotify watches only the path to the prefix and below it: the total is exact.
        assert.equal(countInotifyWatches(), before)
      }
      assert.equal(watchesOnOurs(), 0)
    } finally {
      await w.stop()
      await t.cleanup()
    }
    // parcel's native side removes its last watch on its own thread, a moment after stop()
    // resolves (seen under load: 1 left at once, none soon after); a leak stays and fails here.
    await until('every watch removed after stop', () => countInotifyWatches() === 0)
  })
}

describe('inotify queue overflow (watcher stopped with SIGSTOP, > 16,384 events)', {skip}, () => {
  for (const backend of ['inotify', 'parcel'] as const) {
    test(`${backend}: re-reads and the rescan report what the kernel dropped, each once`, async () => {
      const t = new TestCgroups('cadvto')
      const cpu = t.hierarchy('cpu')
      t.mkdir('noise', [cpu])
      t.mkdir('quiet', [cpu])
      const log = new EventLog(t.root)
      const child = spawnGroup(
        process.execPath,
        [CADV, 'watch', '--prefix', t.root, '--hierarchy', 'cpu', '--watch-backend', backend, '--rescan-interval', '1s'],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      )
      let stderr = ''
      child.stdout!.on('data', (d: Buffer) => log.feed(d.toString()))
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
      try {
        await log.until('initial list', () => log.count('ContainerAdd', t.name('quiet')) === 1)
        child.kill('SIGSTOP')
        // 9,000 creates + 9,000 deletes: more than max_queued_events, so the kernel drops the rest.
        const noise = Array.from({length: 9000}, (_, i) => t.dir(cpu, `noise/c${i}`))
        many('mkdir', noise)
        many('rmdir', noise)
        const keep = [0, 1, 2, 3, 4].flatMap((i) => [`noise/keep${i}`, `noise/keep${i}/child`])
        for (const k of keep) mkdirSync(t.dir(cpu, k))
        // No event will ever come for this directory again: only the rescan can find it.
        mkdirSync(t.dir(cpu, 'quiet/late'))
        child.kill('SIGCONT')
        const wanted = [...keep, 'quiet/late']
        await log.until('every kept cgroup', () => wanted.every((r) => log.count('ContainerAdd', t.name(r)) === 1), 20_000)
        await log.settle(1500)
        for (const r of wanted) assert.equal(log.count('ContainerAdd', t.name(r)), 1, r)
        // Whatever the watcher caught of the noise, nothing is left half-reported.
        for (const [name, n] of log.tally()) {
          if (!name.includes('/noise/c')) continue
          assert.ok(n.adds <= 1 && n.deletes === n.adds, `${name}: ${JSON.stringify(n)}`)
        }
        assert.equal(stderr, '')
      } finally {
        child.kill('SIGCONT')
        // SIGKILL 30 s after SIGTERM: a watcher that does not stop fails here instead of holding
        // the file until its timeout.
        await killGroup(child, 'SIGTERM', 30_000)
        await t.cleanup()
      }
      assert.equal(child.signalCode, null, 'cadv watch stops on SIGTERM')
    })
  }
})

// The watch limit is per user and shared by every process of that user, so lowering the global
// fs.inotify.max_user_watches would starve other root processes while the test runs. Since
// Linux 4.9 the limit also applies per user namespace (/proc/sys/user/max_inotify_watches), so
// the watcher runs in a user namespace of its own with a limit of 8: same kernel path (ENOSPC
// from inotify_add_watch), nobody else affected, nothing to restore.
function usernsSkipReason(): string | undefined {
  if (skip) return skip
  const r = spawnSync('unshare', ['--user', '--map-root-user', 'sh', '-c', 'echo 8 > /proc/sys/user/max_inotify_watches'], {
    encoding: 'utf8',
  })
  return r.status === 0 ? undefined : `cannot lower the watch limit in a user namespace: ${(r.stderr || r.error?.message || '').trim()}`
}

test('past the inotify watch limit: one warning, polling, nothing lost, clean exit', {skip: usernsSkipReason()}, async () => {
  const t = new TestCgroups('cadvtn')
  const cpu = t.hierarchy('cpu')
  const rels = Array.from({length: 20}, (_, i) => `c${i}`)
  for (const r of rels) t.mkdir(r, [cpu])
  const log = new EventLog(t.root)
  const child = spawnGroup(
    'unshare',
    [
      '--user',
      '--map-root-user',
      'sh',
      '-c',
      'echo 8 > /proc/sys/user/max_inotify_watches && exec "$0" "$@"',
      process.execPath,
      CADV,
      'watch',
      '--prefix',
      t.root,
      '--hierarchy',
      'cpu',
      '--poll-interval',
      '100ms',
      // No kernel log in a user namespace (EPERM, said on stderr): this test is about watches.
      '--type',
      'ContainerAdd,ContainerDelete',
    ],
    {stdio: ['ignore', 'pipe', 'pipe']},
  )
  let stderr = ''
  child.stdout!.on('data', (d: Buffer) => log.feed(d.toString()))
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  try {
    await log.until('initial list', () => rels.every((r) => log.count('ContainerAdd', t.name(r)) === 1))
    // Changes below watched and unwatched directories alike are reported.
    const gone = ['c7', 'c19']
    const kept = rels.filter((r) => !gone.includes(r))
    for (const r of gone) t.rmdir(r, [cpu])
    for (const r of kept) t.mkdir(`${r}/new`, [cpu])
    await log.until('new children', () => kept.every((r) => log.count('ContainerAdd', t.name(`${r}/new`)) === 1), 15_000)
    await log.until('deletes', () => gone.every((r) => log.count('ContainerDelete', t.name(r)) === 1))
    await log.settle(400)
    const lines = stderr.split('\n').filter(Boolean)
    assert.equal(lines.length, 1, stderr)
    assert.match(lines[0]!, /^cadv watch: warning: inotify watch limit reached/)
    for (const [name, n] of log.tally()) {
      const expected = gone.some((r) => name === t.name(r)) ? {adds: 1, deletes: 1} : {adds: 1, deletes: 0}
      assert.deepEqual(n, expected, name)
    }
  } finally {
    await killGroup(child, 'SIGTERM', 30_000)
    await t.cleanup()
    assert.deepEqual([child.exitCode, child.signalCode], [0, null])
  }
})

for (const command of ['serve', 'stats'] as const) {
  test(`cadv ${command}: the watch-limit fallback is said on stderr without -v`, {skip: usernsSkipReason()}, async () => {
    const t = new TestCgroups('cadvtn')
    const cpu = t.hierarchy('cpu')
    for (let i = 0; i < 20; i++) t.mkdir(`c${i}`, [cpu])
    const args =
      command === 'serve'
        ? ['--listen', '127.0.0.1:0', '--raw-cgroup-prefix-whitelist', t.root]
        : ['--interval', '1s', '--format', 'ndjson']
    const child = spawnGroup(
      'unshare',
      [
        '--user',
        '--map-root-user',
        'sh',
        '-c',
        'echo 8 > /proc/sys/user/max_inotify_watches && exec "$0" "$@"',
        process.execPath,
        CADV,
        command,
        ...args,
      ],
      {stdio: ['ignore', 'ignore', 'pipe']},
    )
    let stderr = ''
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
    const exited = new Promise((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('exit', r)))
    try {
      await until(
        'the watch limit warning',
        () => /warning: inotify watch limit reached/.test(stderr) || child.exitCode !== null,
        30_000,
      ).catch(() => undefined)
      assert.match(stderr, new RegExp(`^cadv ${command}: warning: inotify watch limit reached`, 'm'))
      assert.equal(stderr.match(/watch limit reached/g)?.length, 1, stderr)
    } finally {
      child.kill('SIGTERM')
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(killer)
      await t.cleanup()
    }
  })
}
