// The watcher on real cgroups, for every backend: each add and delete exactly once, in order,
// across depths, bursts, hierarchies, renames, re-creates and cgroups that live for a moment.
// Backend gaps (docs/ARCHITECTURE.md, "Facts"): parcel has no watch in a directory made right after its parent,
// so a cgroup made there later may be seen only by reconcile(), which the test runs for parcel;
// poll compares listings, not inodes, so it has no same-name re-create test.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {execFileSync, spawn} from 'node:child_process'
import {once} from 'node:events'
import {mkdirSync, renameSync, rmdirSync} from 'node:fs'

import {TestCgroups, realCgroupSkipReason} from '../helpers/cgroups.js'
import {EventLog} from '../helpers/events.js'
import {createWatcher, type WatchBackendName, type Watcher} from '../../src/lib/watch/index.js'
import type {Hierarchy} from '../../src/lib/cgroups/index.js'

const skip = realCgroupSkipReason()

/** How long without events before we trust that no duplicate is still on its way. */
const QUIET_MS: Record<WatchBackendName, number> = {inotify: 150, poll: 250, parcel: 700}

async function withWatcher(
  backend: WatchBackendName,
  pick: (t: TestCgroups) => Hierarchy[],
  body: (ctx: {t: TestCgroups; w: Watcher; log: EventLog; hs: Hierarchy[]}) => Promise<void>,
): Promise<void> {
  const t = new TestCgroups('cadvtw')
  const hs = pick(t)
  t.mkdir('', hs)
  const log = new EventLog(t.root)
  const w = createWatcher({hierarchies: hs, backend, prefixes: [t.root], pollIntervalMs: 50, rescanIntervalMs: 0})
  w.on('event', log.push)
  try {
    await w.start()
    await body({t, w, log, hs})
  } finally {
    await w.stop()
    await t.cleanup()
  }
}

const cpuOnly = (t: TestCgroups): Hierarchy[] => [t.hierarchy('cpu')]

for (const backend of ['inotify', 'parcel', 'poll'] as const) {
  describe(`watcher, ${backend} backend`, {skip}, () => {
    test('stop() while start() is under way leaves nothing that keeps the process alive', async () => {
      const t = new TestCgroups('cadvtw')
      const cpu = t.hierarchy('cpu')
      try {
        t.mkdir('a/b', [cpu])
        // The symptom is a process that never exits, so the check runs in a process of its own.
        const script = `
          import {createWatcher} from ${JSON.stringify(new URL('../../src/lib/watch/index.ts', import.meta.url).href)}
          const w = createWatcher(JSON.parse(process.env.OPTS))
          const started = w.start()
          await w.stop()
          await started`
        const opts = {hierarchies: [cpu], backend, prefixes: [t.root], pollIntervalMs: 50, rescanIntervalMs: 50}
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
          env: {...process.env, OPTS: JSON.stringify(opts)},
          stdio: ['ignore', 'ignore', 'inherit'],
        })
        // Generous: only a process that stays alive for good reaches it.
        const deadline = setTimeout(() => child.kill('SIGKILL'), 30_000)
        const [code, signal] = (await once(child, 'exit')) as [number | null, string | null]
        clearTimeout(deadline)
        assert.deepEqual({code, signal}, {code: 0, signal: null})
      } finally {
        await t.cleanup()
      }
    })

    test('existing cgroups are initial adds, emitted before start() resolves', async () => {
      const t = new TestCgroups('cadvtw')
      const cpu = t.hierarchy('cpu')
      try {
        t.mkdir('a/b', [cpu])
        const log = new EventLog(t.root)
        const w = createWatcher({hierarchies: [cpu], backend, prefixes: [t.root]})
        w.on('event', log.push)
        await w.start()
        const seen = log.sequence()
        await w.stop()
        assert.deepEqual(seen, ['+', '+a', '+a/b'])
        assert.ok(log.events.every((e) => e.initial && e.source === 'raw'))
        assert.deepEqual([...w.names].sort(), [t.root, t.name('a'), t.name('a/b')])
      } finally {
        await t.cleanup()
      }
    })

    test('depth 1-3, mkdir -p bursts and subtree removal: each add and delete once, parents first', async () => {
      await withWatcher(backend, cpuOnly, async ({t, w, log, hs}) => {
        const [cpu] = hs as [Hierarchy]
        // Spaced creation, one level at a time.
        for (const rel of ['d1', 'd1/d2', 'd1/d2/d3']) {
          t.mkdir(rel, hs)
          await log.until(`+${rel}`, () => log.count('ContainerAdd', t.name(rel)) === 1)
        }
        // Back to back in this process, and by a separate mkdir -p process (runc's way).
        mkdirSync(t.dir(cpu, 'p/q/r'), {recursive: true})
        execFileSync('mkdir', ['-p', t.dir(cpu, 'm/n/o'), t.dir(cpu, 'm/n2/o2')])
        const burst = ['p', 'p/q', 'p/q/r', 'm', 'm/n', 'm/n/o', 'm/n2', 'm/n2/o2']
        await log.until('the bursts', () => burst.every((r) => log.count('ContainerAdd', t.name(r)) === 1))
        // A cgroup made later below a burst-created one: parcel may have no watch there.
        t.mkdir('p/q/r/z', hs)
        if (backend === 'parcel') {
          await log.settle(QUIET_MS.parcel)
          await w.reconcile()
        }
        await log.until('+p/q/r/z', () => log.count('ContainerAdd', t.name('p/q/r/z')) === 1)
        const all = ['d1', 'd1/d2', 'd1/d2/d3', ...burst, 'p/q/r/z']
        for (const top of ['d1', 'p', 'm']) t.rmtree(top, hs)
        await log.until('every delete', () => all.every((r) => log.count('ContainerDelete', t.name(r)) >= 1))
        await log.settle(QUIET_MS[backend])
        for (const r of all) {
          assert.equal(log.count('ContainerAdd', t.name(r)), 1, `adds of ${r}`)
          assert.equal(log.count('ContainerDelete', t.name(r)), 1, `deletes of ${r}`)
        }
        // Parents are added before children and deleted after them.
        const seq = log.sequence()
        for (const r of all) {
          const parent = r.includes('/') ? r.slice(0, r.lastIndexOf('/')) : undefined
          if (!parent) continue
          assert.ok(seq.indexOf(`+${parent}`) < seq.indexOf(`+${r}`), `+${parent} before +${r}`)
          assert.ok(seq.indexOf(`-${r}`) < seq.indexOf(`-${parent}`), `-${r} before -${parent}`)
        }
        assert.deepEqual([...w.names], [t.root])
      })
    })

    test('the same cgroup in several v1 hierarchies and unified: one add, one delete when gone from all', async () => {
      const pick = (t: TestCgroups): Hierarchy[] => [t.hierarchy('cpu'), t.hierarchy('memory'), t.hierarchy('unified')]
      await withWatcher(backend, pick, async ({t, log, hs}) => {
        const [cpu, memory, unified] = hs as [Hierarchy, Hierarchy, Hierarchy]
        for (const h of hs) mkdirSync(t.dir(h, 'ctr/sub'), {recursive: true})
        await log.until('+ctr/sub', () => log.count('ContainerAdd', t.name('ctr/sub')) === 1)
        await log.settle(QUIET_MS[backend])
        assert.deepEqual(log.sequence(), ['+', '+ctr', '+ctr/sub'])
        // Gone from two of three: still there.
        t.rmtree('ctr', [cpu, memory])
        await log.settle(QUIET_MS[backend])
        assert.deepEqual(log.sequence(), ['+', '+ctr', '+ctr/sub'])
        t.rmtree('ctr', [unified])
        await log.until('-ctr', () => log.count('ContainerDelete', t.name('ctr')) === 1)
        await log.settle(QUIET_MS[backend])
        assert.deepEqual(log.sequence(), ['+', '+ctr', '+ctr/sub', '-ctr/sub', '-ctr'])
      })
    })

    test('rename within a v1 hierarchy is delete of the old subtree and add of the new one', async () => {
      await withWatcher(backend, cpuOnly, async ({t, log, hs}) => {
        const [cpu] = hs as [Hierarchy]
        t.mkdir('old/child', hs)
        await log.until('+old/child', () => log.count('ContainerAdd', t.name('old/child')) === 1)
        renameSync(t.dir(cpu, 'old'), t.dir(cpu, 'new'))
        await log.until('+new/child', () => log.count('ContainerAdd', t.name('new/child')) === 1)
        await log.settle(QUIET_MS[backend])
        assert.deepEqual(log.sequence(), ['+', '+old', '+old/child', '-old/child', '-old', '+new', '+new/child'])
        // The renamed directory is still watched: a child made in it now is seen.
        t.mkdir('new/later', hs)
        await log.until('+new/later', () => log.count('ContainerAdd', t.name('new/later')) === 1)
      })
    })

    test('a cgroup created and removed within a millisecond is reported as both or neither', async () => {
      await withWatcher(backend, cpuOnly, async ({t, w, log, hs}) => {
        const [cpu] = hs as [Hierarchy]
        const names = Array.from({length: 20}, (_, i) => `blink${i}`)
        for (const n of names) {
          mkdirSync(t.dir(cpu, n))
          rmdirSync(t.dir(cpu, n))
        }
        t.mkdir('marker', hs)
        await log.until('+marker', () => log.count('ContainerAdd', t.name('marker')) === 1)
        await log.settle(QUIET_MS[backend])
        for (const n of names) {
          const adds = log.count('ContainerAdd', t.name(n))
          assert.ok(adds <= 1, `${n}: ${adds} adds`)
          assert.equal(log.count('ContainerDelete', t.name(n)), adds, `${n}: a delete for every add`)
          assert.ok(!w.names.has(t.name(n)))
        }
      })
    })
  })
}

test('inotify: a process moving in, or a cgroup made beside the prefix, costs no re-read', {skip}, async () => {
  await withWatcher('inotify', cpuOnly, async ({t, w, log}) => {
    // Beside the prefix, as other tests and runtimes on a busy host make theirs: the root the
    // watcher watches (an ancestor of the prefix) sees the mkdir, and must not re-read for it.
    const beside = new TestCgroups('cadvtw')
    t.mkdir('a', [t.hierarchy('cpu')])
    await log.until('+a', () => log.count('ContainerAdd', t.name('a')) === 1)
    await w.idle()
    // inotify delivers in order, so once a later mkdir is seen, the write's event has been
    // handled too. The same mkdir without a write is the baseline.
    const rereadsFor = async (rel: string, before: () => void): Promise<number> => {
      const start = w.stats().rereads
      before()
      t.mkdir(rel, [t.hierarchy('cpu')])
      await log.until(`+${rel}`, () => log.count('ContainerAdd', t.name(rel)) === 1)
      await w.idle()
      return w.stats().rereads - start
    }
    const child = t.spawnIn('', 'sleep', ['30'])
    try {
      await log.until('the process in the test cgroup', () =>
        t.read(t.hierarchy('cpu'), '', 'cgroup.procs').split('\n').includes(String(child.pid)),
      )
      await rereadsFor('x', () => undefined) // flushes the event of that first move
      const baseline = await rereadsFor('b', () => undefined)
      const withMove = await rereadsFor('c', () => t.write(t.hierarchy('cpu'), 'a', 'cgroup.procs', String(child.pid)))
      assert.equal(withMove, baseline, 'a move')
      const withBeside = await rereadsFor('d', () => beside.mkdir('', [t.hierarchy('cpu')]))
      assert.equal(withBeside, baseline, 'a cgroup beside the prefix')
    } finally {
      child.kill('SIGKILL')
      await beside.cleanup()
    }
  })
})

test('cgroupfs allows rename only within the parent and only on v1', {skip}, async () => {
  const t = new TestCgroups('cadvtw')
  const cpu = t.hierarchy('cpu')
  const unified = t.hierarchy('unified')
  try {
    t.mkdir('a', [cpu, unified])
    t.mkdir('b', [cpu])
    // Across parents: EIO on v1. Any rename on v2: EPERM. So a rename is always a sibling swap.
    assert.throws(() => renameSync(t.dir(cpu, 'a'), t.dir(cpu, 'b/a')), {code: 'EIO'})
    assert.throws(() => renameSync(t.dir(unified, 'a'), t.dir(unified, 'z')), {code: 'EPERM'})
  } finally {
    await t.cleanup()
  }
})

describe('watcher, same-name re-create', {skip}, () => {
  // poll compares listings, not inodes, so a re-create between two polls is invisible to it.
  for (const backend of ['inotify', 'parcel'] as const) {
    test(`${backend}: rmdir + mkdir of the same name is a delete and an add, and it is watched again`, async () => {
      await withWatcher(backend, cpuOnly, async ({t, log, hs}) => {
        const [cpu] = hs as [Hierarchy]
        t.mkdir('ctr', hs)
        await log.until('+ctr', () => log.count('ContainerAdd', t.name('ctr')) === 1)
        await log.settle(QUIET_MS[backend])
        rmdirSync(t.dir(cpu, 'ctr'))
        mkdirSync(t.dir(cpu, 'ctr'))
        await log.until('+ctr again', () => log.count('ContainerAdd', t.name('ctr')) === 2)
        await log.settle(QUIET_MS[backend])
        assert.deepEqual(log.sequence(), ['+', '+ctr', '-ctr', '+ctr'])
        t.mkdir('ctr/child', hs)
        await log.until('+ctr/child', () => log.count('ContainerAdd', t.name('ctr/child')) === 1)
      })
    })
  }
})

test('a cgroup gone from one hierarchy while another tree has yet to see it: one add, one delete', {skip}, async () => {
  // The poll backend with rescans driven by hand makes the lag deterministic: every tree
  // re-reads in turn, cpu before memory, as trees catch up out of step under CPU starvation.
  const t = new TestCgroups('cadvtw')
  const [cpu, memory] = [t.hierarchy('cpu'), t.hierarchy('memory')]
  t.mkdir('', [cpu, memory])
  const log = new EventLog(t.root)
  const w = createWatcher({hierarchies: [cpu, memory], backend: 'poll', prefixes: [t.root], pollIntervalMs: 3_600_000, rescanIntervalMs: 0})
  w.on('event', log.push)
  try {
    await w.start()
    mkdirSync(t.dir(cpu, 'c'))
    await w.reconcile()
    assert.deepEqual(log.sequence(), ['+', '+c'])
    // memory gets it only now, and cpu loses it before the memory tree has looked.
    mkdirSync(t.dir(memory, 'c'))
    rmdirSync(t.dir(cpu, 'c'))
    await w.reconcile()
    assert.deepEqual(log.sequence(), ['+', '+c'], 'still in memory: no delete, so no second add')
    rmdirSync(t.dir(memory, 'c'))
    await w.reconcile()
    assert.deepEqual(log.sequence(), ['+', '+c', '-c'])
  } finally {
    await w.stop()
    await t.cleanup()
  }
})
